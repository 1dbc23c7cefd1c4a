"""Weighted averages and score statistics, computed by the database."""

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Course, Enrollment, Student
from tests.auth import hash_password, headers_for
from tests.conftest import LiveServer
from tests.factories import (
    create_assessment,
    create_course,
    create_enrollment,
    create_grade,
    create_student,
)
from tests.graphql_client import execute
from tests.writes import admin_actor, student_actor, teacher_actor

POSTED = datetime(2026, 10, 1, tzinfo=UTC)
COURSE_STATISTICS = """
query($id: ID!) {
  course(id: $id) {
    gradeStatistics {
      assessment { title }
      statistics { count mean median lowest highest }
    }
  }
}
"""
AVERAGES = """
query($id: ID!) {
  course(id: $id) {
    enrollments { edges { node { student { fullName } weightedAverage } } }
  }
}
"""


async def course_with_scores(
    session: AsyncSession, scores: dict[str, list[int]], *, posted: set[str]
) -> tuple[Course, list[Enrollment]]:
    """Create a course whose assessments have these scores, one student per score."""
    course = await create_course(session, code="STAT-1")
    longest = max(len(values) for values in scores.values())
    enrollments = [
        await create_enrollment(
            session,
            student=await create_student(session, full_name=f"Student {number}"),
            course=course,
        )
        for number in range(1, longest + 1)
    ]
    for title, values in scores.items():
        assessment = await create_assessment(
            session,
            course=course,
            title=title,
            max_score=Decimal(100),
            grades_posted_at=POSTED if title in posted else None,
        )
        for enrollment, score in zip(enrollments, values, strict=False):
            await create_grade(
                session,
                enrollment=enrollment,
                assessment=assessment,
                score=Decimal(score),
            )
    return course, enrollments


async def test_statistics_per_assessment(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    course, _ = await course_with_scores(
        any_session,
        {"Even": [100, 70, 90, 80], "Odd": [60, 90, 75], "Empty": []},
        posted={"Even", "Odd", "Empty"},
    )
    await any_session.commit()
    admin = await admin_actor(any_session, any_client)

    response = await execute(
        any_client,
        COURSE_STATISTICS,
        {"id": to_global_id("Course", course.id)},
        headers=admin.headers,
    )

    assert response.errors == []
    assert response.data["course"]["gradeStatistics"] == [
        {
            "assessment": {"title": "Even"},
            "statistics": {
                "count": 4,
                "mean": 85.0,
                "median": 85.0,
                "lowest": 70.0,
                "highest": 100.0,
            },
        },
        {
            "assessment": {"title": "Odd"},
            "statistics": {
                "count": 3,
                "mean": 75.0,
                "median": 75.0,
                "lowest": 60.0,
                "highest": 90.0,
            },
        },
        {
            "assessment": {"title": "Empty"},
            "statistics": {
                "count": 0,
                "mean": None,
                "median": None,
                "lowest": None,
                "highest": None,
            },
        },
    ]


async def test_statistics_leave_drafts_out_for_students(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course, _ = await course_with_scores(
        session, {"Posted": [40, 60], "Draft": [90, 100]}, posted={"Posted"}
    )
    student = await student_actor(session, client)
    teacher = await teacher_actor(session, client)
    other_teacher = await teacher_actor(session, client)
    course.teacher_id = teacher.user.id
    # Only the course's students, its teacher and administrators see results.
    await create_enrollment(session, student=student.user, course=course)
    await session.commit()
    query = """
    query($id: ID!) {
      course(id: $id) { gradeStatistics { statistics { count mean } } }
      assessments: course(id: $id) {
        assessments { edges { node { title statistics { count } } } }
      }
    }
    """
    variables = {"id": to_global_id("Course", course.id)}

    as_student = await execute(client, query, variables, headers=student.headers)
    as_teacher = await execute(client, query, variables, headers=teacher.headers)
    as_other_teacher = await execute(
        client, query, variables, headers=other_teacher.headers
    )

    assert as_student.data["course"]["gradeStatistics"] == [
        {"statistics": {"count": 2, "mean": 50.0}},
        {"statistics": {"count": 0, "mean": None}},
    ]
    assert [
        edge["node"]["statistics"]
        for edge in as_student.data["assessments"]["assessments"]["edges"]
    ] == [{"count": 2}, {"count": 0}]
    assert as_teacher.data["course"]["gradeStatistics"] == [
        {"statistics": {"count": 2, "mean": 50.0}},
        {"statistics": {"count": 2, "mean": 95.0}},
    ]
    # A teacher of another course sees none of this course's results.
    assert as_other_teacher.data is None
    assert set(as_other_teacher.error_codes) == {"FORBIDDEN"}


async def test_weighted_average_per_enrollment(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    course = await create_course(any_session, code="AVG-1")
    ada = await create_student(any_session, full_name="Ada")
    bob = await create_student(any_session, full_name="Bob")
    await create_student(any_session, full_name="Cy")
    quiz = await create_assessment(
        any_session,
        course=course,
        max_score=Decimal(50),
        weight=Decimal(1),
        grades_posted_at=POSTED,
    )
    exam = await create_assessment(
        any_session,
        course=course,
        max_score=Decimal(100),
        weight=Decimal(3),
        grades_posted_at=POSTED,
    )
    ada_enrollment = await create_enrollment(any_session, student=ada, course=course)
    bob_enrollment = await create_enrollment(any_session, student=bob, course=course)
    # Ada: 40/50 on the quiz (weight 1), 60/100 on the exam (weight 3).
    await create_grade(
        any_session, enrollment=ada_enrollment, assessment=quiz, score=Decimal(40)
    )
    await create_grade(
        any_session, enrollment=ada_enrollment, assessment=exam, score=Decimal(60)
    )
    # Bob: only the quiz is graded, 25/50.
    await create_grade(
        any_session, enrollment=bob_enrollment, assessment=quiz, score=Decimal(25)
    )
    await any_session.commit()
    admin = await admin_actor(any_session, any_client)

    response = await execute(
        any_client,
        AVERAGES,
        {"id": to_global_id("Course", course.id)},
        headers=admin.headers,
    )

    assert response.errors == []
    averages = {
        edge["node"]["student"]["fullName"]: edge["node"]["weightedAverage"]
        for edge in response.data["course"]["enrollments"]["edges"]
    }
    # (0.8 * 1 + 0.6 * 3) / 4 * 100 = 65, up to floating-point rounding.
    assert averages["Ada"] == pytest.approx(65.0)
    assert averages["Bob"] == pytest.approx(50.0)


async def test_weighted_average_leaves_drafts_out_for_students(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course, [enrollment] = await course_with_scores(
        session, {"Posted": [80], "Draft": [20]}, posted={"Posted"}
    )
    await session.commit()
    # The scores belong to the one enrolled student, who logs in.
    student = await session.get(Student, enrollment.student_id)
    assert student is not None
    student.password_hash = hash_password()
    await session.commit()
    student_headers = await headers_for(client, student)
    admin = await admin_actor(session, client)
    variables = {"id": to_global_id("Course", course.id)}
    own_average = """
    { me { ... on Student { enrollments { edges { node { weightedAverage } } } } } }
    """

    as_student = await execute(client, own_average, headers=student_headers)
    as_admin = await execute(client, AVERAGES, variables, headers=admin.headers)

    [student_view] = as_student.data["me"]["enrollments"]["edges"]
    [admin_view] = as_admin.data["course"]["enrollments"]["edges"]
    assert student_view["node"]["weightedAverage"] == 80.0
    assert admin_view["node"]["weightedAverage"] == 50.0


async def test_computed_fields_batched(
    session: AsyncSession, client: httpx.AsyncClient, server: LiveServer
) -> None:
    course, _ = await course_with_scores(
        session,
        {"A": [50, 60, 70, 80, 90], "B": [10, 20, 30, 40, 50]},
        posted={"A", "B"},
    )
    await session.commit()
    admin = await admin_actor(session, client)
    query = """
    query($id: ID!) {
      course(id: $id) {
        enrollments { edges { node { weightedAverage } } }
        assessments { edges { node { statistics { median } } } }
      }
    }
    """

    with server.count_statements() as counter:
        response = await execute(
            client,
            query,
            {"id": to_global_id("Course", course.id)},
            headers=admin.headers,
        )

    assert response.errors == []
    averages = [statement for statement in counter.statements if "nullif" in statement]
    medians = [
        statement for statement in counter.statements if "percentile_cont" in statement
    ]
    assert len(averages) == 1
    assert len(medians) == 1
