import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import run_mutation
from schoolgql.graphql.permissions import IsAdmin
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection_from_page,
    parse_typed_global_id,
    to_global_id,
)
from schoolgql.terms import administration, service
from schoolgql.terms.types import (
    CreateTermInput,
    DeleteTermPayload,
    Term,
    TermPayload,
    UpdateTermInput,
)


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


@strawberry.type
class TermMutation:
    @strawberry.mutation(
        description="Create a term (administrators only).", permission_classes=[IsAdmin]
    )
    async def create_term(self, info: Info, input: CreateTermInput) -> TermPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> TermPayload:
            term = await administration.create(
                session,
                viewer,
                name=input.name,
                start_date=input.start_date,
                end_date=input.end_date,
                enrollment_open=input.enrollment_open,
            )
            return TermPayload(term=Term.from_model(term))

        return await run_mutation(info, TermPayload.failed, action)

    @strawberry.mutation(
        description="Change a term's name, dates or enrollment window "
        "(administrators only).",
        permission_classes=[IsAdmin],
    )
    async def update_term(
        self, info: Info, id: strawberry.ID, input: UpdateTermInput
    ) -> TermPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> TermPayload:
            term = await administration.update(
                session,
                viewer,
                term_id=parse_typed_global_id(id, type_name="Term", argument="id"),
                name=input.name,
                start_date=input.start_date,
                end_date=input.end_date,
                enrollment_open=input.enrollment_open,
            )
            return TermPayload(term=Term.from_model(term))

        return await run_mutation(info, TermPayload.failed, action)

    @strawberry.mutation(
        description="Archive a term: it keeps its courses and records, takes "
        "no more enrollments and no more changes (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def archive_term(self, info: Info, id: strawberry.ID) -> TermPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> TermPayload:
            term_id = parse_typed_global_id(id, type_name="Term", argument="id")
            term = await administration.archive(session, viewer, term_id=term_id)
            return TermPayload(term=Term.from_model(term))

        return await run_mutation(info, TermPayload.failed, action)

    @strawberry.mutation(
        description="Delete a term that has no courses; a term with courses "
        "is rejected with HAS_DEPENDENTS (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def delete_term(self, info: Info, id: strawberry.ID) -> DeleteTermPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> DeleteTermPayload:
            term_id = parse_typed_global_id(id, type_name="Term", argument="id")
            deleted_id = await administration.delete(session, viewer, term_id=term_id)
            global_id = strawberry.ID(to_global_id("Term", deleted_id))
            return DeleteTermPayload(deleted_term_id=global_id)

        return await run_mutation(info, DeleteTermPayload.failed, action)
