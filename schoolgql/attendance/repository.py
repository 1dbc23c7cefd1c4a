from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.repository import get_page
from schoolgql.models import (
    AttendanceRecord,
    AttendanceStatus,
    Course,
    Enrollment,
    EnrollmentStatus,
    Term,
)


@dataclass(slots=True)
class AttendanceCounts:
    """Number of records per status."""

    by_status: dict[AttendanceStatus, int] = field(default_factory=dict)


async def active_roster(session: AsyncSession, course_id: int) -> list[Enrollment]:
    """Return the course's active enrollments, ordered by id."""
    statement = (
        select(Enrollment)
        .where(
            Enrollment.course_id == course_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        .order_by(Enrollment.id)
    )
    return list(await session.scalars(statement))


async def records_on(
    session: AsyncSession, course_id: int, on: date
) -> dict[int, AttendanceRecord]:
    """Return the course's records on a date, by enrollment id."""
    statement = (
        select(AttendanceRecord)
        .where(AttendanceRecord.course_id == course_id, AttendanceRecord.date == on)
        .execution_options(populate_existing=True)
    )
    return {row.enrollment_id: row for row in await session.scalars(statement)}


async def add_all(session: AsyncSession, rows: Sequence[Any]) -> None:
    session.add_all(rows)
    await session.flush()


async def counts_by_enrollment(
    session: AsyncSession, enrollment_ids: Sequence[int]
) -> list[AttendanceCounts | None]:
    return await _counts(session, AttendanceRecord.enrollment_id, enrollment_ids)


async def counts_by_student(
    session: AsyncSession, student_ids: Sequence[int]
) -> list[AttendanceCounts | None]:
    return await _counts(session, AttendanceRecord.student_id, student_ids)


async def _counts(
    session: AsyncSession, key_column: Any, keys: Sequence[int]
) -> list[AttendanceCounts | None]:
    """Count records per status for each key, with one grouped statement."""
    statement = (
        select(key_column, AttendanceRecord.status, func.count())
        .where(key_column.in_(set(keys)))
        .group_by(key_column, AttendanceRecord.status)
    )
    counts = {key: AttendanceCounts() for key in keys}
    for key, status, count in await session.execute(statement):
        counts[key].by_status[status] = count
    return [counts[key] for key in keys]


async def courses_without_attendance(
    session: AsyncSession, on: date, page: PageRequest, *, term_id: int | None
) -> Page[Course]:
    """Return a page of courses that run on `on` and have no record for it.

    A course runs on a date when it and its term are not archived, the
    date lies within the term, and it has at least one active enrollment.
    """
    running_terms = select(Term.id).where(
        Term.start_date <= on, Term.end_date >= on, Term.archived_at.is_(None)
    )
    if term_id is not None:
        running_terms = running_terms.where(Term.id == term_id)
    has_students = exists().where(
        Enrollment.course_id == Course.id,
        Enrollment.status == EnrollmentStatus.ACTIVE,
    )
    has_attendance = exists().where(
        AttendanceRecord.course_id == Course.id, AttendanceRecord.date == on
    )
    return await get_page(
        session,
        Course,
        page,
        Course.archived_at.is_(None),
        Course.term_id.in_(running_terms),
        has_students,
        ~has_attendance,
    )
