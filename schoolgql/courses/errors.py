"""Errors of writing courses."""

from schoolgql.kit.errors import InvalidInput, NotFound


class CourseNotFound(NotFound):
    def __init__(self, *, field: str = "id") -> None:
        super().__init__("No course has this ID.", field=field)


class CourseCodeTaken(InvalidInput):
    def __init__(self, code: str) -> None:
        super().__init__(
            f"Another course already has the code {code!r}; choose another code.",
            field="code",
        )


class CourseArchived(InvalidInput):
    code = "ARCHIVED"

    def __init__(self, course_code: str, *, field: str = "id") -> None:
        super().__init__(
            f"Course {course_code} is archived and takes no changes.", field=field
        )


class CapacityBelowEnrollments(InvalidInput):
    def __init__(self, course_code: str, capacity: int, active_count: int) -> None:
        super().__init__(
            f"Course {course_code} has {active_count} active enrollment(s), so its "
            f"capacity must be at least {active_count}; got {capacity}. Drop "
            "enrollments first to go lower.",
            field="capacity",
        )


class CourseHasDependents(InvalidInput):
    code = "HAS_DEPENDENTS"

    def __init__(
        self, course_code: str, *, enrollment_count: int, assessment_count: int
    ) -> None:
        super().__init__(
            f"Course {course_code} still has {enrollment_count} enrollment(s) and "
            f"{assessment_count} assessment(s), so it cannot be deleted. Archive "
            "it with `archiveCourse` to keep its records.",
            field="id",
        )


class UnknownTerm(InvalidInput):
    def __init__(self) -> None:
        super().__init__("No term has the ID in `termId`.", field="termId")


class UnknownTeacher(InvalidInput):
    def __init__(self) -> None:
        super().__init__("No teacher has the ID in `teacherId`.", field="teacherId")


class TeacherDeactivated(InvalidInput):
    def __init__(self, full_name: str) -> None:
        super().__init__(
            f"Teacher {full_name} is deactivated and cannot be assigned a course.",
            field="teacherId",
        )
