from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.repository import get_many_by_ids, get_pages_by_parent
from schoolgql.models import Assessment, Grade


async def get_assessments_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[Assessment | None]:
    return await get_many_by_ids(session, Assessment, ids)


async def get_grades_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[Grade | None]:
    return await get_many_by_ids(session, Grade, ids)


async def assessment_pages_by_course(
    session: AsyncSession, course_ids: Sequence[int], page: PageRequest
) -> list[Page[Assessment]]:
    return await get_pages_by_parent(
        session, Assessment, Assessment.course_id, course_ids, page
    )


async def grade_pages_by_assessment(
    session: AsyncSession, assessment_ids: Sequence[int], page: PageRequest
) -> list[Page[Grade]]:
    return await get_pages_by_parent(
        session, Grade, Grade.assessment_id, assessment_ids, page
    )


async def grade_pages_by_enrollment(
    session: AsyncSession, enrollment_ids: Sequence[int], page: PageRequest
) -> list[Page[Grade]]:
    return await get_pages_by_parent(
        session, Grade, Grade.enrollment_id, enrollment_ids, page
    )


async def grade_pages_by_student(
    session: AsyncSession, student_ids: Sequence[int], page: PageRequest
) -> list[Page[Grade]]:
    return await get_pages_by_parent(
        session, Grade, Grade.student_id, student_ids, page
    )
