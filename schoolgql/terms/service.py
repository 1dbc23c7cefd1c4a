"""Reading terms."""

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.errors import NotFound
from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.models import Term
from schoolgql.terms import repository


async def get(session: AsyncSession, *, term_id: int) -> Term:
    [term] = await repository.get_by_ids(session, [term_id])
    if term is None:
        raise NotFound("No term has this ID.", field="id")
    return term


async def list(session: AsyncSession, *, page: PageRequest) -> Page[Term]:
    return await repository.list_page(session, page)
