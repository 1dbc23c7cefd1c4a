"""Errors of writing terms."""

from schoolgql.kit.errors import InvalidInput, NotFound


class TermNotFound(NotFound):
    def __init__(self, *, field: str = "id") -> None:
        super().__init__("No term has this ID.", field=field)


class TermNameTaken(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"Another term is already named {name!r}; choose another name.",
            field="name",
        )


class TermEndsBeforeStart(InvalidInput):
    def __init__(self, start_date: object, end_date: object) -> None:
        super().__init__(
            f"`endDate` ({end_date}) must be on or after `startDate` ({start_date}).",
            field="endDate",
        )


class TermHasCourses(InvalidInput):
    code = "HAS_DEPENDENTS"

    def __init__(self, name: str, course_count: int) -> None:
        super().__init__(
            f"Term {name!r} still has {course_count} course(s), so it cannot be "
            "deleted. Delete or move them first, or archive the term with "
            "`archiveTerm`.",
            field="id",
        )


class TermArchived(InvalidInput):
    code = "ARCHIVED"

    def __init__(self, name: str, *, field: str) -> None:
        super().__init__(
            f"Term {name!r} is archived and takes no changes.", field=field
        )
