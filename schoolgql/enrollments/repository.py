from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.constraints import is_unique_violation
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


async def get_for_update(
    session: AsyncSession, enrollment_id: int
) -> Enrollment | None:
    """Load an enrollment, refreshed from its row, and lock the row."""
    statement = (
        select(Enrollment)
        .where(Enrollment.id == enrollment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()


async def find(
    session: AsyncSession, *, student_id: int, course_id: int
) -> Enrollment | None:
    statement = select(Enrollment).where(
        Enrollment.student_id == student_id, Enrollment.course_id == course_id
    )
    return (await session.scalars(statement)).one_or_none()


async def add(session: AsyncSession, enrollment: Enrollment) -> bool:
    """Insert an enrollment; return False if the student already has one.

    The unique constraint on (student_id, course_id) decides, so two
    concurrent enrollments of one student cannot both be inserted. The
    savepoint keeps the transaction usable after a violation.
    """
    try:
        async with session.begin_nested():
            session.add(enrollment)
            await session.flush()
    except IntegrityError as error:
        if is_unique_violation(error, "enrollments", ["student_id", "course_id"]):
            return False
        raise
    await session.refresh(enrollment, ["enrolled_at", "status"])
    return True
