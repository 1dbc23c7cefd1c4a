"""Changing and deleting students and teachers (administrators only).

Accounts are created in accounts.administration. Deleting an account
with records is rejected; deactivating it (`deactivateUser`) keeps them.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts import repository as accounts
from schoolgql.accounts.service import require_admin
from schoolgql.accounts.validation import (
    check_department,
    check_full_name,
    check_grade_level,
    check_student_number,
    check_title,
    normalize_email,
)
from schoolgql.accounts.viewer import Viewer
from schoolgql.models import Student, Teacher
from schoolgql.people import dependents
from schoolgql.people.errors import (
    StudentHasRecords,
    StudentNotFound,
    TeacherHasRecords,
    TeacherNotFound,
)


async def update_student(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    student_id: int,
    full_name: str | None = None,
    email: str | None = None,
    student_number: str | None = None,
    grade_level: int | None = None,
) -> Student:
    """Change the fields given; None leaves a field as it is."""
    require_admin(viewer)
    student = await _lock_student(session, student_id)
    if full_name is not None:
        student.full_name = check_full_name(full_name)
    if email is not None:
        student.email = normalize_email(email)
    if student_number is not None:
        student.student_number = check_student_number(student_number)
    if grade_level is not None:
        student.grade_level = check_grade_level(grade_level)
    await accounts.add_user(session, student)
    return student


async def update_teacher(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    teacher_id: int,
    full_name: str | None = None,
    email: str | None = None,
    department: str | None = None,
    title: str | None = None,
) -> Teacher:
    """Change the fields given; None leaves a field as it is."""
    require_admin(viewer)
    teacher = await _lock_teacher(session, teacher_id)
    if full_name is not None:
        teacher.full_name = check_full_name(full_name)
    if email is not None:
        teacher.email = normalize_email(email)
    if department is not None:
        teacher.department = check_department(department)
    if title is not None:
        teacher.title = check_title(title)
    await accounts.add_user(session, teacher)
    return teacher


async def delete_student(
    session: AsyncSession, viewer: Viewer | None, *, student_id: int
) -> int:
    """Delete a student account without enrollments or grades; return its id."""
    require_admin(viewer)
    student = await _lock_student(session, student_id)
    enrollment_count, grade_count = await dependents.count_student_records(
        session, student.id
    )
    if enrollment_count or grade_count:
        raise StudentHasRecords(student.full_name, enrollment_count, grade_count)
    await dependents.delete(session, student)
    return student_id


async def delete_teacher(
    session: AsyncSession, viewer: Viewer | None, *, teacher_id: int
) -> int:
    """Delete a teacher account that teaches nothing and graded nothing."""
    require_admin(viewer)
    teacher = await _lock_teacher(session, teacher_id)
    course_count, graded_count = await dependents.count_teacher_records(
        session, teacher.id
    )
    if course_count or graded_count:
        raise TeacherHasRecords(teacher.full_name, course_count, graded_count)
    await dependents.delete(session, teacher)
    return teacher_id


async def _lock_student(session: AsyncSession, student_id: int) -> Student:
    student = await dependents.get_student_for_update(session, student_id)
    if student is None:
        raise StudentNotFound()
    return student


async def _lock_teacher(session: AsyncSession, teacher_id: int) -> Teacher:
    teacher = await dependents.get_teacher_for_update(session, teacher_id)
    if teacher is None:
        raise TeacherNotFound()
    return teacher
