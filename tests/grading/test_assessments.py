"""Creating, changing, deleting assessments and posting their grades."""

from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Assessment
from tests.factories import create_grade
from tests.grading.school import graded_course
from tests.graphql_client import execute
from tests.writes import (
    admin_actor,
    payload_of,
    snapshot,
    student_actor,
    teacher_actor,
    top_level_error,
)

ERRORS = "userErrors { field message code }"
FIELDS = "title maxScore weight dueDate gradesPostedAt"
CREATE = f"""
mutation($input: CreateAssessmentInput!) {{
  createAssessment(input: $input) {{ assessment {{ {FIELDS} }} {ERRORS} }}
}}
"""
UPDATE = f"""
mutation($id: ID!, $input: UpdateAssessmentInput!) {{
  updateAssessment(id: $id, input: $input) {{ assessment {{ {FIELDS} }} {ERRORS} }}
}}
"""
DELETE = f"""
mutation($id: ID!) {{ deleteAssessment(id: $id) {{ deletedAssessmentId {ERRORS} }} }}
"""
POST = f"""
mutation($id: ID!) {{
  postGrades(assessmentId: $id) {{ assessment {{ gradesPostedAt }} {ERRORS} }}
}}
"""
NOT_TEACHER = (
    "Only the teacher of MATH-101 and administrators may change its "
    "assessments and grades."
)


def new_assessment(course_id: int, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "courseId": to_global_id("Course", course_id),
        "title": "Final exam",
        "maxScore": 50,
        "weight": 2.5,
        "dueDate": "2026-12-15",
    }
    return values | changes


async def test_create_assessment_as_teacher(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)

    response = await execute(
        client,
        CREATE,
        {"input": new_assessment(school.course.id)},
        headers=school.teacher.headers,
    )

    assert payload_of(response, "createAssessment") == {
        "assessment": {
            "title": "Final exam",
            "maxScore": 50.0,
            "weight": 2.5,
            "dueDate": "2026-12-15",
            "gradesPostedAt": None,
        },
        "userErrors": [],
    }
    rows = (await snapshot(session, Assessment))["assessments"]
    assert [row[2] for row in rows] == ["Midterm", "Final exam"]


async def test_create_assessment_other_teacher_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    other = await teacher_actor(session, client)
    before = await snapshot(session, Assessment)

    response = await execute(
        client,
        CREATE,
        {"input": new_assessment(school.course.id)},
        headers=other.headers,
    )

    assert top_level_error(response) == {
        "message": NOT_TEACHER,
        "path": ["createAssessment"],
        "code": "FORBIDDEN",
    }
    assert await snapshot(session, Assessment) == before


@pytest.mark.parametrize("role", ["anonymous", "student"])
async def test_create_assessment_rejected_for_role(
    session: AsyncSession, client: httpx.AsyncClient, role: str
) -> None:
    school = await graded_course(session, client)
    headers = (
        {} if role == "anonymous" else (await student_actor(session, client)).headers
    )
    before = await snapshot(session, Assessment)

    response = await execute(
        client, CREATE, {"input": new_assessment(school.course.id)}, headers=headers
    )

    if role == "anonymous":
        assert top_level_error(response)["code"] == "UNAUTHENTICATED"
    else:
        assert top_level_error(response) == {
            "message": "Only teachers and administrators may change assessments "
            "and grades.",
            "path": ["createAssessment"],
            "code": "FORBIDDEN",
        }
    assert await snapshot(session, Assessment) == before


INVALID_ASSESSMENTS = {
    "empty title": (
        {"title": ""},
        "title",
        "`title` must be 1 to 200 characters long; got 0.",
    ),
    "zero maximum": (
        {"maxScore": 0},
        "maxScore",
        "`maxScore` must be above 0 and at most 999999.99; got 0.",
    ),
    "negative weight": (
        {"weight": -1},
        "weight",
        "`weight` must be 0 or more and at most 999999.99; got -1.",
    ),
    "three decimals": (
        {"maxScore": 10.125},
        "maxScore",
        "`maxScore` may have at most 2 decimal places; got 10.125.",
    ),
}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    INVALID_ASSESSMENTS.values(),
    ids=INVALID_ASSESSMENTS,
)
async def test_create_assessment_invalid_writes_nothing(
    session: AsyncSession,
    client: httpx.AsyncClient,
    change: dict[str, object],
    field: str,
    message: str,
) -> None:
    school = await graded_course(session, client)
    before = await snapshot(session, Assessment)

    response = await execute(
        client,
        CREATE,
        {"input": new_assessment(school.course.id, **change)},
        headers=school.teacher.headers,
    )

    assert payload_of(response, "createAssessment") == {
        "assessment": None,
        "userErrors": [{"field": field, "message": message, "code": "BAD_USER_INPUT"}],
    }
    assert await snapshot(session, Assessment) == before


async def test_update_assessment_as_admin(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    admin = await admin_actor(session, client)

    response = await execute(
        client,
        UPDATE,
        {"id": school.assessment_id, "input": {"title": "Mid-term", "maxScore": 80}},
        headers=admin.headers,
    )

    assessment = payload_of(response, "updateAssessment")["assessment"]
    assert assessment["title"] == "Mid-term"
    assert assessment["maxScore"] == 80.0


async def test_update_max_below_grade_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    await create_grade(
        session,
        enrollment=school.enrollments[0],
        assessment=school.assessment,
        score=Decimal(90),
    )
    await session.commit()
    before = await snapshot(session, Assessment)

    response = await execute(
        client,
        UPDATE,
        {"id": school.assessment_id, "input": {"maxScore": 85}},
        headers=school.teacher.headers,
    )

    assert payload_of(response, "updateAssessment")["userErrors"] == [
        {
            "field": "maxScore",
            "message": "`maxScore` cannot be 85: a grade of 90 already exists "
            "for this assessment. Lower those grades first.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert await snapshot(session, Assessment) == before


async def test_update_assessment_other_teacher_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    other = await teacher_actor(session, client)
    before = await snapshot(session, Assessment)

    response = await execute(
        client,
        UPDATE,
        {"id": school.assessment_id, "input": {"title": "Mine"}},
        headers=other.headers,
    )

    assert top_level_error(response)["message"] == NOT_TEACHER
    assert await snapshot(session, Assessment) == before


async def test_delete_assessment_without_grades(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)

    response = await execute(
        client, DELETE, {"id": school.assessment_id}, headers=school.teacher.headers
    )

    assert payload_of(response, "deleteAssessment") == {
        "deletedAssessmentId": school.assessment_id,
        "userErrors": [],
    }
    assert await snapshot(session, Assessment) == {"assessments": []}


async def test_delete_assessment_with_grades_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    await create_grade(
        session, enrollment=school.enrollments[0], assessment=school.assessment
    )
    await session.commit()
    before = await snapshot(session, Assessment)

    response = await execute(
        client, DELETE, {"id": school.assessment_id}, headers=school.teacher.headers
    )

    assert payload_of(response, "deleteAssessment")["userErrors"] == [
        {
            "field": "id",
            "message": "Assessment 'Midterm' still has 1 grade(s), so it cannot "
            "be deleted.",
            "code": "HAS_DEPENDENTS",
        }
    ]
    assert await snapshot(session, Assessment) == before


async def test_post_grades_as_teacher(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)

    response = await execute(
        client, POST, {"id": school.assessment_id}, headers=school.teacher.headers
    )

    assert (
        payload_of(response, "postGrades")["assessment"]["gradesPostedAt"] is not None
    )
    await session.refresh(school.assessment)
    assert school.assessment.grades_posted_at is not None


@pytest.mark.parametrize("role", ["anonymous", "student", "other teacher"])
async def test_post_grades_rejected_for_role(
    session: AsyncSession, client: httpx.AsyncClient, role: str
) -> None:
    school = await graded_course(session, client)
    headers = {}
    if role == "student":
        headers = (await student_actor(session, client)).headers
    elif role == "other teacher":
        headers = (await teacher_actor(session, client)).headers

    response = await execute(
        client, POST, {"id": school.assessment_id}, headers=headers
    )

    expected = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert top_level_error(response)["code"] == expected
    await session.refresh(school.assessment)
    assert school.assessment.grades_posted_at is None


async def test_post_grades_missing_not_found(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    admin = await admin_actor(session, client)

    response = await execute(
        client, POST, {"id": to_global_id("Assessment", 404)}, headers=admin.headers
    )

    assert top_level_error(response) == {
        "message": "No assessment has this ID.",
        "path": ["postGrades"],
        "code": "NOT_FOUND",
    }
