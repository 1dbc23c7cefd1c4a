from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.repository import get_many_by_ids, get_pages_by_parent
from schoolgql.models import Enrollment


async def get_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[Enrollment | None]:
    return await get_many_by_ids(session, Enrollment, ids)


async def pages_by_course(
    session: AsyncSession, course_ids: Sequence[int], page: PageRequest
) -> list[Page[Enrollment]]:
    return await get_pages_by_parent(
        session, Enrollment, Enrollment.course_id, course_ids, page
    )


async def pages_by_student(
    session: AsyncSession, student_ids: Sequence[int], page: PageRequest
) -> list[Page[Enrollment]]:
    return await get_pages_by_parent(
        session, Enrollment, Enrollment.student_id, student_ids, page
    )
