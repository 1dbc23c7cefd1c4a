"""Errors of changing and deleting students and teachers."""

from schoolgql.kit.errors import InvalidInput, NotFound


class StudentNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No student has this ID.", field="id")


class TeacherNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No teacher has this ID.", field="id")


class StudentHasRecords(InvalidInput):
    code = "HAS_DEPENDENTS"

    def __init__(self, full_name: str, enrollment_count: int, grade_count: int) -> None:
        super().__init__(
            f"Student {full_name} still has {enrollment_count} enrollment(s) and "
            f"{grade_count} grade(s), so the account cannot be deleted. "
            "Deactivate it with `deactivateUser` to keep the records.",
            field="id",
        )


class TeacherHasRecords(InvalidInput):
    code = "HAS_DEPENDENTS"

    def __init__(self, full_name: str, course_count: int, graded_count: int) -> None:
        super().__init__(
            f"Teacher {full_name} still teaches {course_count} course(s) and "
            f"recorded {graded_count} grade(s) or grade change(s), so the account "
            "cannot be deleted. Assign the courses to another teacher, or "
            "deactivate the account with `deactivateUser` to keep the records.",
            field="id",
        )
