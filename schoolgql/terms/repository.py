from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.repository import get_many_by_ids, get_page
from schoolgql.models import Term


async def get_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Term | None]:
    return await get_many_by_ids(session, Term, ids)


async def list_page(session: AsyncSession, page: PageRequest) -> Page[Term]:
    return await get_page(session, Term, page)
