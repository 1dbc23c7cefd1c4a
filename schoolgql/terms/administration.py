"""Creating, changing, archiving and deleting terms (administrators only)."""

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts.service import require_admin
from schoolgql.accounts.viewer import Viewer
from schoolgql.kit.text import check_single_line
from schoolgql.models import Term
from schoolgql.models.term import TERM_NAME_MAX_LENGTH
from schoolgql.terms import repository
from schoolgql.terms.errors import (
    TermArchived,
    TermEndsBeforeStart,
    TermHasCourses,
    TermNotFound,
)


async def create(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    name: str,
    start_date: date,
    end_date: date,
    enrollment_open: bool,
) -> Term:
    require_admin(viewer)
    _check_dates(start_date, end_date)
    term = Term(
        name=_check_name(name),
        start_date=start_date,
        end_date=end_date,
        enrollment_open=enrollment_open,
    )
    return await repository.save(session, term)


async def update(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    term_id: int,
    name: str | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    enrollment_open: bool | None = None,
) -> Term:
    """Change the fields given; None leaves a field as it is."""
    require_admin(viewer)
    term = await _lock(session, term_id)
    if term.archived_at is not None:
        raise TermArchived(term.name, field="id")

    if name is not None:
        term.name = _check_name(name)
    if start_date is not None:
        term.start_date = start_date
    if end_date is not None:
        term.end_date = end_date
    _check_dates(term.start_date, term.end_date)
    if enrollment_open is not None:
        term.enrollment_open = enrollment_open
    return await repository.save(session, term)


async def archive(
    session: AsyncSession, viewer: Viewer | None, *, term_id: int
) -> Term:
    """Archive a term and its courses: they keep their records and take no changes."""
    require_admin(viewer)
    term = await _lock(session, term_id)
    if term.archived_at is None:
        term.archived_at = datetime.now(UTC)
        term.enrollment_open = False
        # Every write to a course checks the course's own archive date.
        await repository.archive_courses(session, term.id, term.archived_at)
    return await repository.save(session, term)


async def delete(session: AsyncSession, viewer: Viewer | None, *, term_id: int) -> int:
    """Delete a term without courses and return its id; archive one with courses."""
    require_admin(viewer)
    term = await _lock(session, term_id)
    course_count = await repository.count_courses(session, term.id)
    if course_count:
        raise TermHasCourses(term.name, course_count)
    await repository.delete(session, term)
    return term_id


async def _lock(session: AsyncSession, term_id: int) -> Term:
    term = await repository.get_for_update(session, term_id)
    if term is None:
        raise TermNotFound()
    return term


def _check_name(name: str) -> str:
    return check_single_line(
        name.strip(), field="name", min_length=1, max_length=TERM_NAME_MAX_LENGTH
    )


def _check_dates(start_date: date, end_date: date) -> None:
    if end_date < start_date:
        raise TermEndsBeforeStart(start_date, end_date)
