from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.repository import get_many_by_ids, get_page
from schoolgql.models import Course, Enrollment, Student, Teacher


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


async def students_taught_by(
    session: AsyncSession, teacher_id: int, student_ids: Sequence[int]
) -> set[int]:
    """Return those of `student_ids` enrolled in a course the teacher teaches."""
    statement = (
        select(Enrollment.student_id)
        .join(Course, Course.id == Enrollment.course_id)
        .where(
            Course.teacher_id == teacher_id,
            Enrollment.student_id.in_(set(student_ids)),
        )
        .distinct()
    )
    return set(await session.scalars(statement))


async def courses_taken_by(
    session: AsyncSession, student_id: int, course_ids: Sequence[int]
) -> set[int]:
    """Return those of `course_ids` the student is or was enrolled in."""
    statement = select(Enrollment.course_id).where(
        Enrollment.student_id == student_id,
        Enrollment.course_id.in_(set(course_ids)),
    )
    return set(await session.scalars(statement))
