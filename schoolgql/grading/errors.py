"""Errors of assessments and grades."""

from decimal import Decimal

from schoolgql.kit.errors import InvalidInput, NotFound, PermissionDenied


def format_score(value: Decimal) -> str:
    """Format a score or weight without trailing zeros: 90, 87.5, 0."""
    return format(value.normalize(), "f")


class AssessmentNotFound(NotFound):
    def __init__(self, *, field: str = "id") -> None:
        super().__init__("No assessment has this ID.", field=field)


class NotCourseTeacher(PermissionDenied):
    def __init__(self, course_code: str) -> None:
        super().__init__(
            f"Only the teacher of {course_code} and administrators may change "
            "its assessments and grades."
        )


class ScoreOutOfRange(InvalidInput):
    def __init__(
        self, score: Decimal, max_score: Decimal, *, field: str, who: str
    ) -> None:
        super().__init__(
            f"The score of {who} must be between 0 and {format_score(max_score)}, "
            f"the assessment's maximum; got {format_score(score)}.",
            field=field,
        )


class NotEnrolled(InvalidInput):
    code = "NOT_ENROLLED"

    def __init__(self, who: str, course_code: str, *, field: str) -> None:
        super().__init__(
            f"{who} is not actively enrolled in {course_code}, so cannot be "
            "graded in it.",
            field=field,
        )


class UnknownStudent(InvalidInput):
    def __init__(self, *, field: str) -> None:
        super().__init__(f"No student has the ID in `{field}`.", field=field)


class StudentListedTwice(InvalidInput):
    def __init__(self, who: str, *, field: str) -> None:
        super().__init__(
            f"{who} appears more than once; send one row per student.", field=field
        )


class MaxScoreBelowGrades(InvalidInput):
    def __init__(self, max_score: Decimal, highest_score: Decimal) -> None:
        super().__init__(
            f"`maxScore` cannot be {format_score(max_score)}: a grade of "
            f"{format_score(highest_score)} "
            "already exists for this assessment. Lower those grades first.",
            field="maxScore",
        )


class AssessmentHasGrades(InvalidInput):
    code = "HAS_DEPENDENTS"

    def __init__(self, title: str, grade_count: int) -> None:
        super().__init__(
            f"Assessment {title!r} still has {grade_count} grade(s), so it "
            "cannot be deleted.",
            field="id",
        )
