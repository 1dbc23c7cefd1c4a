"""Small factories for rows; every keyword overrides a default."""

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import (
    Assessment,
    Course,
    Enrollment,
    Grade,
    Student,
    Teacher,
    Term,
)

_sequence = itertools.count(1)


async def _add(session: AsyncSession, row: Any) -> Any:
    session.add(row)
    await session.flush()
    return row


async def create_term(session: AsyncSession, **overrides: Any) -> Term:
    number = next(_sequence)
    values: dict[str, Any] = {
        "name": f"Term {number}",
        "start_date": date(2026, 9, 1),
        "end_date": date(2026, 12, 20),
    }
    return await _add(session, Term(**(values | overrides)))


async def create_teacher(session: AsyncSession, **overrides: Any) -> Teacher:
    number = next(_sequence)
    values: dict[str, Any] = {
        "email": f"teacher{number}@example.test",
        "full_name": f"Teacher {number}",
        "department": "Mathematics",
        "title": "Teacher",
    }
    return await _add(session, Teacher(**(values | overrides)))


async def create_student(session: AsyncSession, **overrides: Any) -> Student:
    number = next(_sequence)
    values: dict[str, Any] = {
        "email": f"student{number}@example.test",
        "full_name": f"Student {number}",
        "student_number": f"T{number:07d}",
        "grade_level": 10,
    }
    return await _add(session, Student(**(values | overrides)))


async def create_course(session: AsyncSession, **overrides: Any) -> Course:
    number = next(_sequence)
    if "term_id" not in overrides:
        overrides["term_id"] = (await create_term(session)).id
    values: dict[str, Any] = {
        "code": f"C-{number}",
        "title": f"Course {number}",
        "description": "",
        "credits": 3,
        "capacity": 30,
        "teacher_id": None,
    }
    return await _add(session, Course(**(values | overrides)))


async def create_enrollment(
    session: AsyncSession, *, student: Student, course: Course, **overrides: Any
) -> Enrollment:
    values: dict[str, Any] = {"student_id": student.id, "course_id": course.id}
    return await _add(session, Enrollment(**(values | overrides)))


async def create_assessment(
    session: AsyncSession, *, course: Course, **overrides: Any
) -> Assessment:
    number = next(_sequence)
    values: dict[str, Any] = {
        "course_id": course.id,
        "title": f"Assessment {number}",
        "max_score": Decimal(100),
        "weight": Decimal(1),
        "due_date": date(2026, 10, 1),
    }
    return await _add(session, Assessment(**(values | overrides)))


async def create_grade(
    session: AsyncSession,
    *,
    enrollment: Enrollment,
    assessment: Assessment,
    **overrides: Any,
) -> Grade:
    values: dict[str, Any] = {
        "enrollment_id": enrollment.id,
        "assessment_id": assessment.id,
        "course_id": enrollment.course_id,
        "student_id": enrollment.student_id,
        "max_score": assessment.max_score,
        "score": Decimal(75),
    }
    return await _add(session, Grade(**(values | overrides)))
