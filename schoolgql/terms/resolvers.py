import strawberry

from schoolgql.graphql.context import Info
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection_from_page,
    parse_typed_global_id,
)
from schoolgql.terms import service
from schoolgql.terms.types import Term


@strawberry.type
class TermQuery:
    @strawberry.field(description="Every term, ordered by id.")
    async def terms(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Term]:
        page = info.context.page_request("Term", first, after, last, before)
        async with info.context.read_session() as session:
            terms = await service.list(session, page=page)
        return connection_from_page(terms, "Term", Term.from_model)

    @strawberry.field(description="One term by ID.")
    async def term(self, info: Info, id: strawberry.ID) -> Term:
        term_id = parse_typed_global_id(id, type_name="Term", argument="id")
        async with info.context.read_session() as session:
            term = await service.get(session, term_id=term_id)
        return Term.from_model(term)
