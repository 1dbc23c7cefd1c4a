from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.repository import get_many_by_ids, get_page
from schoolgql.models import Student, Teacher


async def get_students_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[Student | None]:
    return await get_many_by_ids(session, Student, ids)


async def get_teachers_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[Teacher | None]:
    return await get_many_by_ids(session, Teacher, ids)


async def list_students(session: AsyncSession, page: PageRequest) -> Page[Student]:
    return await get_page(session, Student, page)


async def list_teachers(session: AsyncSession, page: PageRequest) -> Page[Teacher]:
    return await get_page(session, Teacher, page)
