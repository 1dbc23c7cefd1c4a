from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from schoolgql import models
from schoolgql.graphql.context import Info
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    connection_from_page,
    to_global_id,
)

if TYPE_CHECKING:
    from schoolgql.courses.types import Course


@strawberry.type(description="A period of teaching, such as a semester.")
class Term(Node):
    row_id: strawberry.Private[int]
    name: str = strawberry.field(description="Name, unique across terms.")
    start_date: date = strawberry.field(description="First day of the term.")
    end_date: date = strawberry.field(description="Last day of the term.")

    @classmethod
    def from_model(cls, term: models.Term) -> "Term":
        return cls(
            id=strawberry.ID(to_global_id("Term", term.id)),
            row_id=term.id,
            name=term.name,
            start_date=term.start_date,
            end_date=term.end_date,
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
