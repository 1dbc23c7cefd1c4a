"""Errors of enrolling students and dropping enrollments."""

from schoolgql.kit.errors import InvalidInput, NotFound, PermissionDenied


class EnrollmentNotFound(NotFound):
    def __init__(self, *, field: str = "id") -> None:
        super().__init__("No enrollment has this ID.", field=field)


class CourseFull(InvalidInput):
    code = "COURSE_FULL"

    def __init__(self, course_code: str, capacity: int) -> None:
        super().__init__(
            f"Course {course_code} is full: all {capacity} seat(s) are taken. "
            "Ask an administrator to raise its capacity.",
            field="courseId",
        )


class AlreadyEnrolled(InvalidInput):
    code = "ALREADY_ENROLLED"

    def __init__(self, full_name: str, course_code: str) -> None:
        super().__init__(
            f"{full_name} is already enrolled in {course_code}.", field="studentId"
        )


class AlreadyCompleted(InvalidInput):
    code = "ALREADY_ENROLLED"

    def __init__(self, full_name: str, course_code: str) -> None:
        super().__init__(
            f"{full_name} has already completed {course_code}.", field="studentId"
        )


class EnrollmentClosed(InvalidInput):
    code = "ENROLLMENT_CLOSED"

    def __init__(self, course_code: str, term_name: str) -> None:
        super().__init__(
            f"Enrollment in term {term_name!r}, which {course_code} runs in, is "
            "closed; ask an administrator.",
            field="courseId",
        )


class EnrollmentNotActive(InvalidInput):
    def __init__(self, status: str) -> None:
        super().__init__(
            f"Only an active enrollment can be dropped; this one is {status}.",
            field="id",
        )


class UnknownStudent(InvalidInput):
    def __init__(self) -> None:
        super().__init__("No student has the ID in `studentId`.", field="studentId")


class StudentDeactivated(InvalidInput):
    def __init__(self, full_name: str) -> None:
        super().__init__(
            f"Student {full_name} is deactivated and cannot be enrolled.",
            field="studentId",
        )


class StudentIdRequired(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "Pass `studentId`: administrators enroll a student by ID.",
            field="studentId",
        )


class SelfEnrollmentDisabled(PermissionDenied):
    def __init__(self) -> None:
        super().__init__(
            "Self-enrollment is turned off at this school; ask an administrator "
            "to enroll you or to drop the enrollment."
        )


class NotOwnEnrollment(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("Students may enroll and drop only themselves.")
