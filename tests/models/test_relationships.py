"""ORM relationships are declared lazy="raise" and load only when asked."""

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from schoolgql.models import Assessment, Course, Enrollment, Grade
from tests.factories import (
    create_assessment,
    create_course,
    create_enrollment,
    create_grade,
    create_student,
    create_teacher,
    create_term,
)

RELATIONS = [
    (Course, "term"),
    (Course, "teacher"),
    (Enrollment, "student"),
    (Enrollment, "course"),
    (Assessment, "course"),
    (Grade, "enrollment"),
    (Grade, "assessment"),
    (Grade, "student"),
    (Grade, "graded_by"),
]


async def create_grade_row(session: AsyncSession) -> Grade:
    term = await create_term(session, name="Autumn 2026")
    teacher = await create_teacher(session, full_name="Alan Bauer")
    course = await create_course(
        session, code="MATH-101", term_id=term.id, teacher_id=teacher.id
    )
    student = await create_student(session, full_name="Ada Adams")
    enrollment = await create_enrollment(session, student=student, course=course)
    assessment = await create_assessment(session, course=course, title="Quiz")
    grade = await create_grade(
        session,
        enrollment=enrollment,
        assessment=assessment,
        score=Decimal(80),
        graded_by_id=teacher.id,
    )
    await session.commit()
    return grade


@pytest.mark.parametrize(
    ("model", "name"), RELATIONS, ids=[f"{m.__name__}.{n}" for m, n in RELATIONS]
)
async def test_lazy_relation_raises_on_access(
    session: AsyncSession, model: type, name: str
) -> None:
    await create_grade_row(session)
    session.expunge_all()
    row = (await session.scalars(select(model))).one()

    with pytest.raises(InvalidRequestError, match="lazy='raise'"):
        getattr(row, name)


async def test_loader_option_loads_grade_relations(session: AsyncSession) -> None:
    await create_grade_row(session)
    session.expunge_all()
    statement = select(Grade).options(
        selectinload(Grade.enrollment).selectinload(Enrollment.course),
        selectinload(Grade.assessment),
        selectinload(Grade.student),
        selectinload(Grade.graded_by),
    )

    grade = (await session.scalars(statement)).one()

    assert grade.enrollment.course.code == "MATH-101"
    assert grade.assessment.title == "Quiz"
    assert grade.student.full_name == "Ada Adams"
    assert grade.graded_by is not None
    assert grade.graded_by.full_name == "Alan Bauer"


async def test_loader_option_loads_course_relations(session: AsyncSession) -> None:
    await create_grade_row(session)
    session.expunge_all()
    statement = select(Course).options(
        selectinload(Course.term), selectinload(Course.teacher)
    )

    course = (await session.scalars(statement)).one()

    assert course.term.name == "Autumn 2026"
    assert course.teacher is not None
    assert course.teacher.full_name == "Alan Bauer"
