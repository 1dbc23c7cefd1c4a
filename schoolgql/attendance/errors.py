"""Errors of taking attendance."""

from datetime import date

from schoolgql.kit.errors import InvalidInput, PermissionDenied


class NotCourseTeacher(PermissionDenied):
    def __init__(self, course_code: str) -> None:
        super().__init__(
            f"Only the teacher of {course_code} and administrators may take its "
            "attendance."
        )


class DateOutsideTerm(InvalidInput):
    def __init__(self, on: date, start_date: date, end_date: date) -> None:
        super().__init__(
            f"`date` ({on}) must fall within the course's term, {start_date} to "
            f"{end_date}.",
            field="date",
        )


class RosterIncomplete(InvalidInput):
    def __init__(self, course_code: str, missing: list[str]) -> None:
        super().__init__(
            f"Attendance must cover the whole roster of {course_code}; missing "
            f"{len(missing)} student(s): {', '.join(missing)}.",
            field="entries",
        )
