"""Enrolling students in courses and dropping enrollments.

Administrators enroll and drop anyone. A student enrolls and drops only
themself, only while the school allows self-enrollment, and only in a
term whose enrollment is open. Every enrollment and drop locks the
course row first, so seats are counted and taken one request at a time.
"""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts.service import require_viewer
from schoolgql.accounts.viewer import Viewer
from schoolgql.courses import repository as courses
from schoolgql.courses.errors import CourseArchived, CourseNotFound
from schoolgql.enrollments import repository
from schoolgql.enrollments.errors import (
    AlreadyCompleted,
    AlreadyEnrolled,
    CourseFull,
    EnrollmentClosed,
    EnrollmentNotActive,
    EnrollmentNotFound,
    NotOwnEnrollment,
    SelfEnrollmentDisabled,
    StudentDeactivated,
    StudentIdRequired,
    UnknownStudent,
)
from schoolgql.kit.errors import PermissionDenied
from schoolgql.models import Course, Enrollment, EnrollmentStatus, Student
from schoolgql.people import repository as people
from schoolgql.terms import repository as terms
from schoolgql.terms.errors import TermArchived


async def enroll(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    course_id: int,
    student_id: int | None,
    self_enrollment_enabled: bool,
) -> Enrollment:
    """Enroll a student in a course, or reactivate a dropped enrollment."""
    viewer = require_viewer(viewer)
    student_id = _acting_student_id(viewer, student_id, self_enrollment_enabled)

    course = await _lock_course(session, course_id, field="courseId")
    await _check_term(session, course, viewer=viewer)
    student = await _active_student(session, student_id)

    existing = await repository.find(
        session, student_id=student.id, course_id=course.id
    )
    if existing is not None and existing.status is EnrollmentStatus.ACTIVE:
        raise AlreadyEnrolled(student.full_name, course.code)
    if existing is not None and existing.status is EnrollmentStatus.COMPLETED:
        raise AlreadyCompleted(student.full_name, course.code)

    active_count = await courses.count_active_enrollments(session, course.id)
    if active_count >= course.capacity:
        raise CourseFull(course.code, course.capacity)

    if existing is not None:
        existing.status = EnrollmentStatus.ACTIVE
        existing.enrolled_at = datetime.now(UTC)
        await session.flush()
        return existing

    enrollment = Enrollment(student_id=student.id, course_id=course.id)
    if not await repository.add(session, enrollment):
        raise AlreadyEnrolled(student.full_name, course.code)
    return enrollment


async def drop(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    enrollment_id: int,
    self_enrollment_enabled: bool,
) -> Enrollment:
    """Mark an active enrollment dropped; its grades stay, and its seat frees."""
    viewer = require_viewer(viewer)
    [enrollment] = await repository.get_by_ids(session, [enrollment_id])
    if enrollment is None:
        raise EnrollmentNotFound()
    _acting_student_id(viewer, enrollment.student_id, self_enrollment_enabled)

    # The course lock comes first, as in `enroll`, so the two cannot deadlock.
    course = await _lock_course(session, enrollment.course_id, field="id")
    await _check_term(session, course, viewer=viewer)
    enrollment = await repository.get_for_update(session, enrollment_id)
    if enrollment is None:
        raise EnrollmentNotFound()
    if enrollment.status is not EnrollmentStatus.ACTIVE:
        raise EnrollmentNotActive(enrollment.status.value)

    enrollment.status = EnrollmentStatus.DROPPED
    await session.flush()
    return enrollment


def _acting_student_id(
    viewer: Viewer, student_id: int | None, self_enrollment_enabled: bool
) -> int:
    """Return the student an enrollment is for, or raise if the viewer may not act."""
    if viewer.is_admin:
        if student_id is None:
            raise StudentIdRequired()
        return student_id
    if not viewer.is_student:
        raise PermissionDenied("Only administrators and students may enroll and drop.")
    if student_id is not None and student_id != viewer.user_id:
        raise NotOwnEnrollment()
    if not self_enrollment_enabled:
        raise SelfEnrollmentDisabled()
    return viewer.user_id


async def _lock_course(session: AsyncSession, course_id: int, *, field: str) -> Course:
    course = await courses.get_for_update(session, course_id)
    if course is None:
        raise CourseNotFound(field=field)
    if course.archived_at is not None:
        raise CourseArchived(course.code, field=field)
    return course


async def _check_term(session: AsyncSession, course: Course, *, viewer: Viewer) -> None:
    [term] = await terms.get_by_ids(session, [course.term_id])
    assert term is not None, "courses.term_id is a foreign key"
    if term.archived_at is not None:
        raise TermArchived(term.name, field="courseId")
    if not viewer.is_admin and not term.enrollment_open:
        raise EnrollmentClosed(course.code, term.name)


async def _active_student(session: AsyncSession, student_id: int) -> Student:
    [student] = await people.get_students_by_ids(session, [student_id])
    if student is None:
        raise UnknownStudent()
    if not student.is_active:
        raise StudentDeactivated(student.full_name)
    return student
