from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.repository import get_many_by_ids, get_page, get_pages_by_parent
from schoolgql.models import Course


@dataclass(frozen=True, slots=True)
class CourseFilter:
    term_id: int | None = None
    teacher_id: int | None = None
    search: str | None = None


async def get_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Course | None]:
    return await get_many_by_ids(session, Course, ids)


async def get_by_code(session: AsyncSession, code: str) -> Course | None:
    result = await session.scalars(select(Course).where(Course.code == code))
    return result.one_or_none()


async def list_page(
    session: AsyncSession, page: PageRequest, course_filter: CourseFilter
) -> Page[Course]:
    return await get_page(session, Course, page, *_conditions(course_filter))


async def pages_by_term(
    session: AsyncSession, term_ids: Sequence[int], page: PageRequest
) -> list[Page[Course]]:
    return await get_pages_by_parent(session, Course, Course.term_id, term_ids, page)


async def pages_by_teacher(
    session: AsyncSession, teacher_ids: Sequence[int], page: PageRequest
) -> list[Page[Course]]:
    return await get_pages_by_parent(
        session, Course, Course.teacher_id, teacher_ids, page
    )


def _conditions(course_filter: CourseFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if course_filter.term_id is not None:
        conditions.append(Course.term_id == course_filter.term_id)
    if course_filter.teacher_id is not None:
        conditions.append(Course.teacher_id == course_filter.teacher_id)
    if course_filter.search:
        pattern = f"%{_escape_like(course_filter.search)}%"
        matches: list[Any] = [
            Course.code.ilike(pattern, escape="\\"),
            Course.title.ilike(pattern, escape="\\"),
        ]
        conditions.append(or_(*matches))
    return conditions


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
