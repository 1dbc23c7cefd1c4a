"""Deterministic demo data, inserted in bulk."""

import logging
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import (
    Assessment,
    Course,
    Enrollment,
    Grade,
    Role,
    Student,
    Teacher,
    Term,
    User,
)

logger = logging.getLogger(__name__)

FIRST_NAMES = (
    "Ada Alan Amira Ben Carla Chen Dara Elif Emil Farah Gita Hugo Ines Jonas "
    "Kenji Lena Luis Maya Nia Omar Priya Rosa Sami Tariq Uma Vera Wen Yara Zoe"
).split()
LAST_NAMES = (
    "Adams Bauer Costa Diaz Evans Fischer Garcia Haddad Ito Jensen Khan Lopez "
    "Moreau Novak Okafor Petrov Quinn Rossi Sato Tanaka Umar Vogel Wang Young"
).split()
DEPARTMENTS = ("Mathematics", "Science", "Languages", "History", "Arts", "Computing")
TITLES = ("Teacher", "Senior Teacher", "Head of Department")
SUBJECTS = (
    ("MATH", "Algebra"),
    ("MATH", "Geometry"),
    ("PHYS", "Mechanics"),
    ("CHEM", "Chemistry"),
    ("BIOL", "Biology"),
    ("HIST", "Modern History"),
    ("ENGL", "Literature"),
    ("ARTS", "Drawing"),
    ("COMP", "Programming"),
    ("LANG", "Spanish"),
)
ASSESSMENT_TITLES = ("Quiz", "Essay", "Lab report", "Project", "Exam")
# Rows per INSERT statement: large enough to load 100,000 grades in seconds.
INSERT_BATCH = 5000
# Demo accounts cannot log in until a password is set.
NO_PASSWORD = None


@dataclass(frozen=True)
class DemoSize:
    terms: int = 1
    teachers: int = 20
    students: int = 400
    courses: int = 40
    enrollments_per_student: int = 5
    assessments_per_course: int = 5
    seed: int = 20260901

    def check(self) -> None:
        """Raise ValueError when the sizes cannot form a consistent school."""
        for name in ("terms", "teachers", "courses"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("students", "enrollments_per_student", "assessments_per_course"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.enrollments_per_student > self.courses:
            raise ValueError(
                f"enrollments_per_student ({self.enrollments_per_student}) must not "
                f"exceed courses ({self.courses})"
            )


class AlreadySeededError(RuntimeError):
    def __init__(self, users: int, courses: int) -> None:
        super().__init__(
            f"The database already contains data ({users} users, {courses} "
            "courses), so demo data was not added. Seed an empty database, for "
            "example a new SQLite file or a new PostgreSQL database."
        )


async def seed_demo(session: AsyncSession, size: DemoSize) -> dict[str, int]:
    """Insert the demo school into an empty database; returns row counts."""
    size.check()
    users = await session.scalar(select(func.count()).select_from(User)) or 0
    courses = await session.scalar(select(func.count()).select_from(Course)) or 0
    if users or courses:
        raise AlreadySeededError(users, courses)

    rng = random.Random(size.seed)
    term_ids = await _insert_terms(session, size)
    teacher_ids = await _insert_teachers(session, size, rng)
    student_ids = await _insert_students(session, size, rng)
    course_ids = await _insert_courses(session, size, rng, term_ids, teacher_ids)
    enrollments = await _insert_enrollments(session, size, rng, student_ids, course_ids)
    assessments = await _insert_assessments(session, size, rng, course_ids)
    grades = await _insert_grades(session, rng, enrollments, assessments, teacher_ids)

    counts = {
        "terms": len(term_ids),
        "teachers": len(teacher_ids),
        "students": len(student_ids),
        "courses": len(course_ids),
        "enrollments": len(enrollments),
        "assessments": sum(len(rows) for rows in assessments.values()),
        "grades": grades,
    }
    logger.info("seeded demo data %s", counts)
    return counts


async def _insert_terms(session: AsyncSession, size: DemoSize) -> list[int]:
    rows = []
    for index in range(size.terms):
        start = date(2026, 9, 1) + timedelta(days=182 * index)
        rows.append(
            {
                "name": f"Term {index + 1} ({start.year})",
                "start_date": start,
                "end_date": start + timedelta(days=120),
            }
        )
    return await _insert_returning_ids(session, Term, rows)


async def _insert_users(
    session: AsyncSession, rows: list[dict[str, object]]
) -> list[int]:
    return await _insert_returning_ids(session, User, rows)


async def _insert_teachers(
    session: AsyncSession, size: DemoSize, rng: random.Random
) -> list[int]:
    users = [
        {
            "email": f"teacher{index + 1}@demo.school.test",
            "full_name": _full_name(rng),
            "role": Role.TEACHER,
            "password_hash": NO_PASSWORD,
        }
        for index in range(size.teachers)
    ]
    ids = await _insert_users(session, users)
    profiles = [
        {
            "id": user_id,
            "department": rng.choice(DEPARTMENTS),
            "title": rng.choice(TITLES),
        }
        for user_id in ids
    ]
    await _insert_rows(session, Teacher.__table__, profiles)
    return ids


async def _insert_students(
    session: AsyncSession, size: DemoSize, rng: random.Random
) -> list[int]:
    users = [
        {
            "email": f"student{index + 1}@demo.school.test",
            "full_name": _full_name(rng),
            "role": Role.STUDENT,
            "password_hash": NO_PASSWORD,
        }
        for index in range(size.students)
    ]
    ids = await _insert_users(session, users)
    profiles = [
        {
            "id": user_id,
            "student_number": f"S{index + 1:06d}",
            "grade_level": rng.randint(9, 12),
        }
        for index, user_id in enumerate(ids)
    ]
    await _insert_rows(session, Student.__table__, profiles)
    return ids


async def _insert_courses(
    session: AsyncSession,
    size: DemoSize,
    rng: random.Random,
    term_ids: list[int],
    teacher_ids: list[int],
) -> list[int]:
    seats_needed = size.students * size.enrollments_per_student
    # Room for every enrollment with a fifth to spare in each course.
    capacity = max(10, -(-seats_needed * 6 // (5 * size.courses)))
    rows = []
    for index in range(size.courses):
        prefix, subject = SUBJECTS[index % len(SUBJECTS)]
        rows.append(
            {
                "code": f"{prefix}-{101 + index}",
                "title": f"{subject} {index // len(SUBJECTS) + 1}",
                "description": f"An introduction to {subject.lower()}.",
                "credits": rng.choice((2, 3, 4)),
                "capacity": capacity,
                "term_id": term_ids[index % len(term_ids)],
                "teacher_id": teacher_ids[index % len(teacher_ids)],
            }
        )
    return await _insert_returning_ids(session, Course, rows)


async def _insert_enrollments(
    session: AsyncSession,
    size: DemoSize,
    rng: random.Random,
    student_ids: list[int],
    course_ids: list[int],
) -> list[tuple[int, int, int]]:
    """Enroll each student in distinct courses, filling the emptiest first."""
    counts = dict.fromkeys(course_ids, 0)
    rows = []
    for student_id in student_ids:
        candidates = rng.sample(course_ids, len(course_ids))
        candidates.sort(key=counts.__getitem__)
        for course_id in candidates[: size.enrollments_per_student]:
            counts[course_id] += 1
            rows.append({"student_id": student_id, "course_id": course_id})
    ids = await _insert_returning_ids(session, Enrollment, rows)
    return [
        (enrollment_id, row["student_id"], row["course_id"])
        for enrollment_id, row in zip(ids, rows, strict=True)
    ]


async def _insert_assessments(
    session: AsyncSession,
    size: DemoSize,
    rng: random.Random,
    course_ids: list[int],
) -> dict[int, list[tuple[int, Decimal]]]:
    rows = []
    for course_id in course_ids:
        for index in range(size.assessments_per_course):
            rows.append(
                {
                    "course_id": course_id,
                    "title": f"{ASSESSMENT_TITLES[index % 5]} {index // 5 + 1}",
                    "max_score": Decimal(rng.choice((10, 20, 50, 100))),
                    "weight": Decimal(rng.choice((1, 2, 3))),
                    "due_date": date(2026, 9, 15) + timedelta(days=14 * index),
                }
            )
    ids = await _insert_returning_ids(session, Assessment, rows)
    by_course: dict[int, list[tuple[int, Decimal]]] = {}
    for assessment_id, row in zip(ids, rows, strict=True):
        by_course.setdefault(row["course_id"], []).append(  # type: ignore[arg-type]
            (assessment_id, row["max_score"])  # type: ignore[arg-type]
        )
    return by_course


async def _insert_grades(
    session: AsyncSession,
    rng: random.Random,
    enrollments: list[tuple[int, int, int]],
    assessments: dict[int, list[tuple[int, Decimal]]],
    teacher_ids: list[int],
) -> int:
    graded_at = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    rows = []
    for enrollment_id, student_id, course_id in enrollments:
        for assessment_id, max_score in assessments.get(course_id, []):
            share = Decimal(rng.randint(40, 100)) / 100
            rows.append(
                {
                    "enrollment_id": enrollment_id,
                    "assessment_id": assessment_id,
                    "course_id": course_id,
                    "student_id": student_id,
                    "max_score": max_score,
                    "score": (max_score * share).quantize(Decimal("0.01")),
                    "graded_by_id": rng.choice(teacher_ids),
                    "graded_at": graded_at,
                }
            )
    await _insert_rows(session, Grade.__table__, rows)
    return len(rows)


async def _insert_returning_ids(
    session: AsyncSession, model: type[object], rows: list[dict[str, object]]
) -> list[int]:
    ids: list[int] = []
    table = model.__table__  # type: ignore[attr-defined]
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), INSERT_BATCH):
        batch = rows[start : start + INSERT_BATCH]
        result = await session.execute(statement, batch)
        ids.extend(result.scalars().all())
    return ids


async def _insert_rows(
    session: AsyncSession, table: object, rows: list[dict[str, object]]
) -> None:
    for start in range(0, len(rows), INSERT_BATCH):
        await session.execute(insert(table), rows[start : start + INSERT_BATCH])  # type: ignore[arg-type]


def _full_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
