from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.courses.errors import CourseCodeTaken
from schoolgql.kit.constraints import is_unique_violation
from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.repository import get_many_by_ids, get_page, get_pages_by_parent
from schoolgql.models import Assessment, Course, Enrollment, EnrollmentStatus


@dataclass(frozen=True, slots=True)
class CourseFilter:
    term_id: int | None = None
    teacher_id: int | None = None
    search: str | None = None


async def get_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Course | None]:
    return await get_many_by_ids(session, Course, ids)


# Built once: constructing the expression took more CPU than running it.
_BY_CODE = select(Course).where(Course.code == bindparam("code"))


async def get_by_code(session: AsyncSession, code: str) -> Course | None:
    result = await session.scalars(_BY_CODE, {"code": code})
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


async def get_for_update(session: AsyncSession, course_id: int) -> Course | None:
    """Load a course and lock its row until the transaction ends (PostgreSQL).

    Enrollments, capacity changes and deletes of one course take this
    lock, so they run one at a time. SQLite has no row locks and ignores
    FOR UPDATE. Its driver also opens a transaction only at the first
    write, so on SQLite a no-op UPDATE comes first. That UPDATE takes the
    database's write lock, and other writers wait for it (busy_timeout).
    """
    if session.get_bind().dialect.name == "sqlite":
        touch = update(Course).where(Course.id == course_id).values(id=Course.id)
        await session.execute(touch.execution_options(synchronize_session=False))
    statement = select(Course).where(Course.id == course_id).with_for_update()
    return (await session.scalars(statement)).one_or_none()


async def save(session: AsyncSession, course: Course) -> Course:
    """Insert or update a course, or raise CourseCodeTaken.

    The unique constraint decides, so two concurrent writes of one code
    cannot both succeed; the savepoint keeps the transaction usable.
    """
    # Read before the flush: a failed flush expires the instance, and
    # reading an attribute afterwards would query a failed transaction.
    code = course.code
    try:
        async with session.begin_nested():
            session.add(course)
            await session.flush()
    except IntegrityError as error:
        if is_unique_violation(error, "courses", ["code"]):
            raise CourseCodeTaken(code) from None
        raise
    return course


async def count_active_enrollments(session: AsyncSession, course_id: int) -> int:
    statement = select(func.count()).where(
        Enrollment.course_id == course_id,
        Enrollment.status == EnrollmentStatus.ACTIVE,
    )
    return (await session.execute(statement)).scalar_one()


async def count_dependents(session: AsyncSession, course_id: int) -> tuple[int, int]:
    """Return the course's number of enrollments (any status) and assessments."""
    enrollments = (
        select(func.count()).where(Enrollment.course_id == course_id).scalar_subquery()
    )
    assessments = (
        select(func.count()).where(Assessment.course_id == course_id).scalar_subquery()
    )
    row = (await session.execute(select(enrollments, assessments))).one()
    return row[0], row[1]


async def delete(session: AsyncSession, course: Course) -> None:
    await session.delete(course)
    await session.flush()
