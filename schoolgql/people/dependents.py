"""Queries for the records that keep a student or teacher from being deleted."""

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import Course, Enrollment, Grade, GradeChange, Student, Teacher


async def get_student_for_update(
    session: AsyncSession, student_id: int
) -> Student | None:
    statement = (
        select(Student)
        .where(Student.id == student_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()


async def get_teacher_for_update(
    session: AsyncSession, teacher_id: int
) -> Teacher | None:
    statement = (
        select(Teacher)
        .where(Teacher.id == teacher_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()


async def count_student_records(
    session: AsyncSession, student_id: int
) -> tuple[int, int]:
    """Return the student's number of enrollments (any status) and grades."""
    enrollments = (
        select(func.count())
        .where(Enrollment.student_id == student_id)
        .scalar_subquery()
    )
    grades = (
        select(func.count()).where(Grade.student_id == student_id).scalar_subquery()
    )
    row = (await session.execute(select(enrollments, grades))).one()
    return row[0], row[1]


async def count_teacher_records(
    session: AsyncSession, teacher_id: int
) -> tuple[int, int]:
    """Return the courses the teacher teaches and the grade records they made."""
    courses = (
        select(func.count()).where(Course.teacher_id == teacher_id).scalar_subquery()
    )
    grades = (
        select(func.count()).where(Grade.graded_by_id == teacher_id).scalar_subquery()
    )
    changes = (
        select(func.count())
        .where(
            or_(
                GradeChange.changed_by_id == teacher_id,
                GradeChange.previous_graded_by_id == teacher_id,
            )
        )
        .scalar_subquery()
    )
    row = (await session.execute(select(courses, grades + changes))).one()
    return row[0], row[1]


async def delete(session: AsyncSession, row: Student | Teacher) -> None:
    await session.delete(row)
    await session.flush()
