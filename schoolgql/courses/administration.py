"""Creating, changing, archiving and deleting courses (administrators only)."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts.service import require_admin
from schoolgql.accounts.viewer import Viewer
from schoolgql.courses import repository
from schoolgql.courses.errors import (
    CapacityBelowEnrollments,
    CourseArchived,
    CourseHasDependents,
    CourseNotFound,
    TeacherDeactivated,
    UnknownTeacher,
    UnknownTerm,
)
from schoolgql.kit.errors import InvalidInput
from schoolgql.kit.text import check_single_line
from schoolgql.models import Course, Teacher, Term
from schoolgql.models.course import (
    COURSE_CODE_MAX_LENGTH,
    COURSE_DESCRIPTION_MAX_LENGTH,
    COURSE_TITLE_MAX_LENGTH,
)
from schoolgql.people import repository as people
from schoolgql.terms import repository as terms
from schoolgql.terms.errors import TermArchived

# The largest value of a PostgreSQL integer column.
MAX_INTEGER = 2**31 - 1


async def create(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    code: str,
    title: str,
    description: str,
    credits: int,
    capacity: int,
    term_id: int,
    teacher_id: int | None,
) -> Course:
    require_admin(viewer)
    term = await _open_term(session, term_id)
    teacher = None if teacher_id is None else await _active_teacher(session, teacher_id)
    course = Course(
        code=_check_code(code),
        title=_check_title(title),
        description=_check_description(description),
        credits=_check_count(credits, field="credits"),
        capacity=_check_count(capacity, field="capacity"),
        term_id=term.id,
        teacher_id=None if teacher is None else teacher.id,
    )
    return await repository.save(session, course)


async def update(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    course_id: int,
    code: str | None = None,
    title: str | None = None,
    description: str | None = None,
    credits: int | None = None,
    term_id: int | None = None,
) -> Course:
    """Change the fields given; None leaves a field as it is."""
    require_admin(viewer)
    course = await _lock_active(session, course_id)

    if code is not None:
        course.code = _check_code(code)
    if title is not None:
        course.title = _check_title(title)
    if description is not None:
        course.description = _check_description(description)
    if credits is not None:
        course.credits = _check_count(credits, field="credits")
    if term_id is not None:
        course.term_id = (await _open_term(session, term_id)).id
    return await repository.save(session, course)


async def assign_teacher(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    course_id: int,
    teacher_id: int | None,
) -> Course:
    """Make a teacher the course's teacher, or leave it unassigned with None."""
    require_admin(viewer)
    course = await _lock_active(session, course_id, field="courseId")
    if teacher_id is None:
        course.teacher_id = None
    else:
        course.teacher_id = (await _active_teacher(session, teacher_id)).id
    return await repository.save(session, course)


async def set_capacity(
    session: AsyncSession, viewer: Viewer | None, *, course_id: int, capacity: int
) -> Course:
    """Set the maximum number of active enrollments.

    The course row lock makes this wait for enrollments in flight, so the
    count it checks against stays true until the transaction commits.
    """
    require_admin(viewer)
    course = await _lock_active(session, course_id, field="courseId")
    capacity = _check_count(capacity, field="capacity")
    active_count = await repository.count_active_enrollments(session, course.id)
    if capacity < active_count:
        raise CapacityBelowEnrollments(course.code, capacity, active_count)
    course.capacity = capacity
    return await repository.save(session, course)


async def archive(
    session: AsyncSession, viewer: Viewer | None, *, course_id: int
) -> Course:
    """Archive a course: it keeps its records and takes no new writes."""
    require_admin(viewer)
    course = await _lock(session, course_id)
    if course.archived_at is None:
        course.archived_at = datetime.now(UTC)
    return await repository.save(session, course)


async def delete(
    session: AsyncSession, viewer: Viewer | None, *, course_id: int
) -> int:
    """Delete a course without enrollments or assessments and return its id."""
    require_admin(viewer)
    course = await _lock(session, course_id)
    enrollment_count, assessment_count = await repository.count_dependents(
        session, course.id
    )
    if enrollment_count or assessment_count:
        raise CourseHasDependents(
            course.code,
            enrollment_count=enrollment_count,
            assessment_count=assessment_count,
        )
    await repository.delete(session, course)
    return course_id


async def _lock(session: AsyncSession, course_id: int, *, field: str = "id") -> Course:
    course = await repository.get_for_update(session, course_id)
    if course is None:
        raise CourseNotFound(field=field)
    return course


async def _lock_active(
    session: AsyncSession, course_id: int, *, field: str = "id"
) -> Course:
    course = await _lock(session, course_id, field=field)
    if course.archived_at is not None:
        raise CourseArchived(course.code, field=field)
    return course


async def _open_term(session: AsyncSession, term_id: int) -> Term:
    [term] = await terms.get_by_ids(session, [term_id])
    if term is None:
        raise UnknownTerm()
    if term.archived_at is not None:
        raise TermArchived(term.name, field="termId")
    return term


async def _active_teacher(session: AsyncSession, teacher_id: int) -> Teacher:
    [teacher] = await people.get_teachers_by_ids(session, [teacher_id])
    if teacher is None:
        raise UnknownTeacher()
    if not teacher.is_active:
        raise TeacherDeactivated(teacher.full_name)
    return teacher


def _check_code(code: str) -> str:
    return check_single_line(
        code.strip(), field="code", min_length=1, max_length=COURSE_CODE_MAX_LENGTH
    )


def _check_title(title: str) -> str:
    return check_single_line(
        title.strip(), field="title", min_length=1, max_length=COURSE_TITLE_MAX_LENGTH
    )


def _check_description(description: str) -> str:
    description = description.strip()
    if len(description) > COURSE_DESCRIPTION_MAX_LENGTH:
        raise InvalidInput(
            f"`description` must be at most {COURSE_DESCRIPTION_MAX_LENGTH} "
            f"characters long; got {len(description)}.",
            field="description",
        )
    return description


def _check_count(value: int, *, field: str) -> int:
    if not 0 <= value <= MAX_INTEGER:
        raise InvalidInput(
            f"`{field}` must be 0 to {MAX_INTEGER}; got {value}.", field=field
        )
    return value
