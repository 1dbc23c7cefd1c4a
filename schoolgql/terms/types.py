from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from schoolgql import models
from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import UserError
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    connection_from_page,
)

if TYPE_CHECKING:
    from schoolgql.courses.types import Course


@strawberry.type(description="A period of teaching, such as a semester.")
class Term(Node):
    row_id: strawberry.Private[int]
    name: str = strawberry.field(description="Name, unique across terms.")
    start_date: date = strawberry.field(description="First day of the term.")
    end_date: date = strawberry.field(description="Last day of the term.")
    enrollment_open: bool = strawberry.field(
        description="Whether students may enroll themselves in its courses, "
        "when the school allows self-enrollment."
    )
    archived_at: datetime | None = strawberry.field(
        description="When the term was archived; null while it is active."
    )

    @classmethod
    def from_model(cls, term: models.Term) -> "Term":
        return cls(
            row_id=term.id,
            name=term.name,
            start_date=term.start_date,
            end_date=term.end_date,
            enrollment_open=term.enrollment_open,
            archived_at=term.archived_at,
        )

    @strawberry.field(description="Courses that run in this term, ordered by id.")
    async def courses(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated["Course", strawberry.lazy("schoolgql.courses.types")]]:
        from schoolgql.courses.types import Course

        page_request = info.context.page_request("Course", first, after, last, before)
        page = await info.context.loaders.term_courses.load((self.row_id, page_request))
        return connection_from_page(page, "Course", Course.from_model)


@strawberry.input(description="A new term.")
class CreateTermInput:
    name: str = strawberry.field(description="One line, 1 to 100 characters; unique.")
    start_date: date = strawberry.field(description="First day of the term.")
    end_date: date = strawberry.field(
        description="Last day of the term, on or after `startDate`."
    )
    enrollment_open: bool = strawberry.field(
        default=False,
        description="Whether students may enroll themselves in its courses.",
    )


@strawberry.input(
    description="Changes to a term; null or absent fields stay as they are."
)
class UpdateTermInput:
    name: str | None = strawberry.field(
        default=None, description="One line, 1 to 100 characters; unique."
    )
    start_date: date | None = strawberry.field(
        default=None, description="First day of the term."
    )
    end_date: date | None = strawberry.field(
        default=None, description="Last day of the term, on or after `startDate`."
    )
    enrollment_open: bool | None = strawberry.field(
        default=None,
        description="Whether students may enroll themselves in its courses.",
    )


@strawberry.type(description="Result of a mutation that creates or changes a term.")
class TermPayload:
    term: Term | None = strawberry.field(
        default=None, description="The term created or changed; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "TermPayload":
        return cls(user_errors=user_errors)


@strawberry.type(description="Result of `deleteTerm`.")
class DeleteTermPayload:
    deleted_term_id: strawberry.ID | None = strawberry.field(
        default=None, description="ID of the deleted term; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "DeleteTermPayload":
        return cls(user_errors=user_errors)
