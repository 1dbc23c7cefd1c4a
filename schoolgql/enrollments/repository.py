from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.constraints import is_unique_violation
from schoolgql.kit.pagination import (
    ROW_LIMIT_PARAMETER,
    Page,
    PageRequest,
    group_pages,
    numbered_rows,
    per_parent_parameters,
)
from schoolgql.kit.repository import get_many_by_ids, get_pages_by_parent
from schoolgql.models import Enrollment, EnrollmentStatus, Student, User


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


class RosterRow(NamedTuple):
    """An enrollment with its student's columns, in the roster statement's order."""

    id: int
    student_id: int
    course_id: int
    status: EnrollmentStatus
    enrolled_at: datetime
    student_full_name: str
    student_email: str
    student_number: str
    student_grade_level: int


async def pages_by_course_with_students(
    session: AsyncSession, course_ids: Sequence[int], page: PageRequest
) -> list[Page[RosterRow]]:
    """Load pages of enrollments like pages_by_course, each joined with its student.

    Rows are plain tuples, not ORM objects: a roster page reads hundreds of
    them, and mapping each to two entities cost more CPU than the query.
    Reading a column by name from a SQLAlchemy Row took about 0.3 µs, so
    the rows are copied into named tuples, whose fields read faster
    (measured with SQLAlchemy 2.1 on a 2-CPU AMD EPYC guest).
    """
    statement = _roster_statement(
        backwards=page.backwards,
        after=page.after_id is not None,
        before=page.before_id is not None,
    )
    parameters = per_parent_parameters(course_ids, page)
    result = await session.execute(statement, parameters)
    rows = list(map(RosterRow._make, result))
    return group_pages(rows, course_ids, _course_of, page)


def _course_of(row: RosterRow) -> int:
    return row.course_id


@lru_cache(maxsize=8)
def _roster_statement(*, backwards: bool, after: bool, before: bool) -> Select[Any]:
    enrollments = Enrollment.__table__
    users = User.__table__
    students = Student.__table__
    numbered = numbered_rows(
        select(enrollments),
        enrollments.c.course_id,
        enrollments.c.id,
        backwards=backwards,
        after=after,
        before=before,
    )
    return (
        select(
            numbered.c.id,
            numbered.c.student_id,
            numbered.c.course_id,
            numbered.c.status,
            numbered.c.enrolled_at,
            users.c.full_name.label("student_full_name"),
            users.c.email.label("student_email"),
            students.c.student_number,
            students.c.grade_level.label("student_grade_level"),
        )
        .join(users, users.c.id == numbered.c.student_id)
        .join(students, students.c.id == numbered.c.student_id)
        .where(numbered.c.position <= bindparam(ROW_LIMIT_PARAMETER))
        .order_by(numbered.c.position)
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
