from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.repository import get_many_by_ids, get_pages_by_parent
from schoolgql.models import (
    Assessment,
    Enrollment,
    EnrollmentStatus,
    Grade,
    GradeChange,
)


async def get_assessments_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[Assessment | None]:
    return await get_many_by_ids(session, Assessment, ids)


async def get_grades_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[Grade | None]:
    return await get_many_by_ids(session, Grade, ids)


async def assessment_pages_by_course(
    session: AsyncSession, course_ids: Sequence[int], page: PageRequest
) -> list[Page[Assessment]]:
    return await get_pages_by_parent(
        session, Assessment, Assessment.course_id, course_ids, page
    )


async def grade_pages_by_assessment(
    session: AsyncSession, assessment_ids: Sequence[int], page: PageRequest
) -> list[Page[Grade]]:
    return await get_pages_by_parent(
        session, Grade, Grade.assessment_id, assessment_ids, page
    )


async def grade_pages_by_enrollment(
    session: AsyncSession, enrollment_ids: Sequence[int], page: PageRequest
) -> list[Page[Grade]]:
    return await get_pages_by_parent(
        session, Grade, Grade.enrollment_id, enrollment_ids, page
    )


async def grade_pages_by_student(
    session: AsyncSession, student_ids: Sequence[int], page: PageRequest
) -> list[Page[Grade]]:
    return await get_pages_by_parent(
        session, Grade, Grade.student_id, student_ids, page
    )


async def get_assessment_for_update(
    session: AsyncSession, assessment_id: int
) -> Assessment | None:
    """Load an assessment and lock its row, so its grade writes run in turn."""
    statement = (
        select(Assessment)
        .where(Assessment.id == assessment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()


async def add(session: AsyncSession, row: Any) -> None:
    session.add(row)
    await session.flush()


async def delete(session: AsyncSession, row: Any) -> None:
    await session.delete(row)
    await session.flush()


async def count_grades(session: AsyncSession, assessment_id: int) -> int:
    statement = select(func.count()).where(Grade.assessment_id == assessment_id)
    return (await session.execute(statement)).scalar_one()


async def highest_score(session: AsyncSession, assessment_id: int) -> Decimal | None:
    statement = select(func.max(Grade.score)).where(
        Grade.assessment_id == assessment_id
    )
    highest: Decimal | None = (await session.execute(statement)).scalar_one()
    return highest


async def active_enrollments_by_student(
    session: AsyncSession, course_id: int, student_ids: Sequence[int]
) -> dict[int, Enrollment]:
    """Return the course's active enrollments of these students, by student id."""
    statement = select(Enrollment).where(
        Enrollment.course_id == course_id,
        Enrollment.student_id.in_(set(student_ids)),
        Enrollment.status == EnrollmentStatus.ACTIVE,
    )
    return {row.student_id: row for row in await session.scalars(statement)}


async def grades_by_enrollment(
    session: AsyncSession, assessment_id: int, enrollment_ids: Sequence[int]
) -> dict[int, Grade]:
    """Return the assessment's grades of these enrollments, by enrollment id."""
    statement = (
        select(Grade)
        .where(
            Grade.assessment_id == assessment_id,
            Grade.enrollment_id.in_(set(enrollment_ids)),
        )
        .execution_options(populate_existing=True)
    )
    return {row.enrollment_id: row for row in await session.scalars(statement)}


async def add_all(session: AsyncSession, rows: Sequence[Any]) -> None:
    session.add_all(rows)
    await session.flush()


# Grades of posted assessments only: what students and anonymous viewers
# see. Paged like the grades table itself.
POSTED_GRADES: Any = aliased(
    Grade,
    select(Grade)
    .where(
        Grade.assessment_id.in_(
            select(Assessment.id).where(Assessment.grades_posted_at.is_not(None))
        )
    )
    .subquery("posted_grades"),
)


async def posted_grade_pages_by_assessment(
    session: AsyncSession, assessment_ids: Sequence[int], page: PageRequest
) -> list[Page[Grade]]:
    return await get_pages_by_parent(
        session, POSTED_GRADES, POSTED_GRADES.assessment_id, assessment_ids, page
    )


async def posted_grade_pages_by_enrollment(
    session: AsyncSession, enrollment_ids: Sequence[int], page: PageRequest
) -> list[Page[Grade]]:
    return await get_pages_by_parent(
        session, POSTED_GRADES, POSTED_GRADES.enrollment_id, enrollment_ids, page
    )


async def posted_grade_pages_by_student(
    session: AsyncSession, student_ids: Sequence[int], page: PageRequest
) -> list[Page[Grade]]:
    return await get_pages_by_parent(
        session, POSTED_GRADES, POSTED_GRADES.student_id, student_ids, page
    )


async def changes_by_grade(
    session: AsyncSession, grade_ids: Sequence[int]
) -> list[list[GradeChange] | None]:
    """Return each grade's changes, oldest first, in the order of `grade_ids`."""
    statement = (
        select(GradeChange)
        .where(GradeChange.grade_id.in_(set(grade_ids)))
        .order_by(GradeChange.grade_id, GradeChange.id)
    )
    by_grade: dict[int, list[GradeChange]] = {grade_id: [] for grade_id in grade_ids}
    for change in await session.scalars(statement):
        by_grade[change.grade_id].append(change)
    return [by_grade[grade_id] for grade_id in grade_ids]
