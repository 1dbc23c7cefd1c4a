"""Recording grades one at a time and in bulk, their history and drafts."""

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import EnrollmentStatus, Grade, GradeChange
from tests.factories import create_enrollment, create_student
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
RECORD = f"""
mutation($assessmentId: ID!, $studentId: ID!, $score: Float!) {{
  recordGrade(assessmentId: $assessmentId, studentId: $studentId, score: $score) {{
    grade {{ id score student {{ fullName }} gradedBy {{ fullName }} }}
    {ERRORS}
  }}
}}
"""
RECORD_MANY = f"""
mutation($assessmentId: ID!, $grades: [GradeEntryInput!]!) {{
  recordGrades(assessmentId: $assessmentId, grades: $grades) {{
    grades {{ score student {{ fullName }} }}
    {ERRORS}
  }}
}}
"""
HISTORY = """
query($id: ID!) {
  node(id: $id) {
    ... on Grade {
      score
      history {
        previousScore
        newScore
        previousGradedBy { fullName }
        changedBy { fullName }
      }
    }
  }
}
"""
POST = "mutation($id: ID!) { postGrades(assessmentId: $id) { userErrors { code } } }"
MY_GRADES = """
query($id: ID!) {
  student(id: $id) { grades { edges { node { score } } } }
}
"""


async def test_record_grade_as_teacher(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)

    response = await execute(
        client,
        RECORD,
        {
            "assessmentId": school.assessment_id,
            "studentId": school.student_id(0),
            "score": 87.5,
        },
        headers=school.teacher.headers,
    )

    payload = payload_of(response, "recordGrade")
    [grade] = (await session.scalars(select(Grade))).all()
    assert payload == {
        "grade": {
            "id": to_global_id("Grade", grade.id),
            "score": 87.5,
            "student": {"fullName": "Student 1"},
            "gradedBy": {"fullName": school.teacher.user.full_name},
        },
        "userErrors": [],
    }
    assert grade.score == Decimal("87.50")
    assert grade.graded_by_id == school.teacher.id


async def test_record_grade_change_keeps_history(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    admin = await admin_actor(session, client)
    variables = {
        "assessmentId": school.assessment_id,
        "studentId": school.student_id(0),
    }
    first = await execute(
        client, RECORD, variables | {"score": 70}, headers=school.teacher.headers
    )
    grade_id = payload_of(first, "recordGrade")["grade"]["id"]

    await execute(client, RECORD, variables | {"score": 75}, headers=admin.headers)
    history = await execute(client, HISTORY, {"id": grade_id}, headers=admin.headers)

    assert payload_of(history, "node") == {
        "score": 75.0,
        "history": [
            {
                "previousScore": 70.0,
                "newScore": 75.0,
                "previousGradedBy": {"fullName": school.teacher.user.full_name},
                "changedBy": {"fullName": admin.user.full_name},
            }
        ],
    }
    changes = (await snapshot(session, GradeChange))["grade_changes"]
    assert len(changes) == 1


async def test_grade_history_admins_only(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    recorded = await execute(
        client,
        RECORD,
        {
            "assessmentId": school.assessment_id,
            "studentId": school.student_id(0),
            "score": 70,
        },
        headers=school.teacher.headers,
    )
    grade_id = payload_of(recorded, "recordGrade")["grade"]["id"]

    response = await execute(
        client, HISTORY, {"id": grade_id}, headers=school.teacher.headers
    )

    [error] = response.errors
    assert error["message"] == "Only administrators may use this field."
    assert error["path"] == ["node", "history"]
    assert error["extensions"]["code"] == "FORBIDDEN"


INVALID_GRADES = {
    "above maximum": (
        0,
        120,
        "score",
        "The score of Student 1 (S001) must be between 0 and 100, the "
        "assessment's maximum; got 120.",
        "BAD_USER_INPUT",
    ),
    "negative": (
        0,
        -1,
        "score",
        "The score of Student 1 (S001) must be between 0 and 100, the "
        "assessment's maximum; got -1.",
        "BAD_USER_INPUT",
    ),
    "three decimals": (
        0,
        80.125,
        "score",
        "The score of Student 1 (S001) may have at most 2 decimal places; got 80.125.",
        "BAD_USER_INPUT",
    ),
    "dropped student": (
        1,
        50,
        "studentId",
        "Student 2 (S002) is not actively enrolled in MATH-101, so cannot be "
        "graded in it.",
        "NOT_ENROLLED",
    ),
}


@pytest.mark.parametrize(
    ("student", "score", "field", "message", "code"),
    INVALID_GRADES.values(),
    ids=INVALID_GRADES,
)
async def test_record_grade_invalid_writes_nothing(
    session: AsyncSession,
    client: httpx.AsyncClient,
    student: int,
    score: float,
    field: str,
    message: str,
    code: str,
) -> None:
    school = await graded_course(session, client)
    school.enrollments[1].status = EnrollmentStatus.DROPPED
    await session.commit()

    response = await execute(
        client,
        RECORD,
        {
            "assessmentId": school.assessment_id,
            "studentId": school.student_id(student),
            "score": score,
        },
        headers=school.teacher.headers,
    )

    assert payload_of(response, "recordGrade") == {
        "grade": None,
        "userErrors": [{"field": field, "message": message, "code": code}],
    }
    assert await snapshot(session, Grade) == {"grades": []}


async def test_record_grade_other_teacher_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    other = await teacher_actor(session, client)

    response = await execute(
        client,
        RECORD,
        {
            "assessmentId": school.assessment_id,
            "studentId": school.student_id(0),
            "score": 90,
        },
        headers=other.headers,
    )

    assert top_level_error(response) == {
        "message": "Only the teacher of MATH-101 and administrators may change "
        "its assessments and grades.",
        "path": ["recordGrade"],
        "code": "FORBIDDEN",
    }
    assert await snapshot(session, Grade) == {"grades": []}


@pytest.mark.parametrize("role", ["anonymous", "student"])
async def test_record_grade_rejected_for_role(
    session: AsyncSession, client: httpx.AsyncClient, role: str
) -> None:
    school = await graded_course(session, client)
    headers = (
        {} if role == "anonymous" else (await student_actor(session, client)).headers
    )

    response = await execute(
        client,
        RECORD,
        {
            "assessmentId": school.assessment_id,
            "studentId": school.student_id(0),
            "score": 90,
        },
        headers=headers,
    )

    expected = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert top_level_error(response)["code"] == expected
    assert await snapshot(session, Grade) == {"grades": []}


async def test_record_grades_in_bulk(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    rows = [
        {"studentId": school.student_id(0), "score": 91},
        {"studentId": school.student_id(1), "score": 64.25},
    ]

    response = await execute(
        client,
        RECORD_MANY,
        {"assessmentId": school.assessment_id, "grades": rows},
        headers=school.teacher.headers,
    )

    assert payload_of(response, "recordGrades") == {
        "grades": [
            {"score": 91.0, "student": {"fullName": "Student 1"}},
            {"score": 64.25, "student": {"fullName": "Student 2"}},
        ],
        "userErrors": [],
    }
    grades = (await snapshot(session, Grade))["grades"]
    assert sorted(row[6] for row in grades) == [Decimal("64.25"), Decimal("91.00")]


async def test_record_grades_one_bad_row_writes_nothing(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client, student_count=3)
    outsider = await create_student(
        session, full_name="Outsider", student_number="X001"
    )
    await session.commit()
    # An earlier grade of student 3 must keep its score too.
    await execute(
        client,
        RECORD,
        {
            "assessmentId": school.assessment_id,
            "studentId": school.student_id(2),
            "score": 40,
        },
        headers=school.teacher.headers,
    )
    before = await snapshot(session, Grade, GradeChange)
    rows = [
        {"studentId": school.student_id(0), "score": 91},
        {"studentId": school.student_id(1), "score": 101},
        {"studentId": to_global_id("Student", outsider.id), "score": 50},
        {"studentId": school.student_id(0), "score": 92},
        {"studentId": to_global_id("Student", 9999), "score": 10},
        {"studentId": school.student_id(2), "score": 45},
    ]

    response = await execute(
        client,
        RECORD_MANY,
        {"assessmentId": school.assessment_id, "grades": rows},
        headers=school.teacher.headers,
    )

    assert payload_of(response, "recordGrades") == {
        "grades": None,
        "userErrors": [
            {
                "field": "grades[1].score",
                "message": "The score of Student 2 (S002) must be between 0 and "
                "100, the assessment's maximum; got 101.",
                "code": "BAD_USER_INPUT",
            },
            {
                "field": "grades[2].studentId",
                "message": "Outsider (X001) is not actively enrolled in MATH-101, "
                "so cannot be graded in it.",
                "code": "NOT_ENROLLED",
            },
            {
                "field": "grades[3].studentId",
                "message": "Student 1 (S001) appears more than once; send one row "
                "per student.",
                "code": "BAD_USER_INPUT",
            },
            {
                "field": "grades[4].studentId",
                "message": "No student has the ID in `grades[4].studentId`.",
                "code": "BAD_USER_INPUT",
            },
        ],
    }
    assert await snapshot(session, Grade, GradeChange) == before


async def test_record_grades_invalid_id_rows(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    rows = [
        {"studentId": school.student_id(0), "score": 91},
        {"studentId": "not-an-id", "score": 50},
    ]

    response = await execute(
        client,
        RECORD_MANY,
        {"assessmentId": school.assessment_id, "grades": rows},
        headers=school.teacher.headers,
    )

    assert payload_of(response, "recordGrades")["userErrors"] == [
        {
            "field": "grades[1].studentId",
            "message": "`grades[1].studentId` is not a valid ID. Pass the `id` of "
            "an object returned by this API.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert await snapshot(session, Grade) == {"grades": []}


async def test_record_grades_other_teacher_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    other = await teacher_actor(session, client)

    response = await execute(
        client,
        RECORD_MANY,
        {
            "assessmentId": school.assessment_id,
            "grades": [{"studentId": school.student_id(0), "score": 91}],
        },
        headers=other.headers,
    )

    assert top_level_error(response)["code"] == "FORBIDDEN"
    assert await snapshot(session, Grade) == {"grades": []}


async def test_draft_grades_hidden_until_posted(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    student = await student_actor(session, client)
    await create_enrollment(session, student=student.user, course=school.course)
    await session.commit()
    student_id = to_global_id("Student", student.id)
    recorded = await execute(
        client,
        RECORD,
        {"assessmentId": school.assessment_id, "studentId": student_id, "score": 55},
        headers=school.teacher.headers,
    )
    grade_id = payload_of(recorded, "recordGrade")["grade"]["id"]

    draft_list = await execute(
        client, MY_GRADES, {"id": student_id}, headers=student.headers
    )
    draft_node = await execute(
        client,
        "query($id: ID!) { node(id: $id) { ... on Grade { score } } }",
        {"id": grade_id},
        headers=student.headers,
    )
    # Teachers see grades through their courses, not a student's own lists.
    teacher_node = await execute(
        client,
        "query($id: ID!) { node(id: $id) { ... on Grade { score } } }",
        {"id": grade_id},
        headers=school.teacher.headers,
    )
    await execute(
        client, POST, {"id": school.assessment_id}, headers=school.teacher.headers
    )
    posted_list = await execute(
        client, MY_GRADES, {"id": student_id}, headers=student.headers
    )

    assert payload_of(draft_list, "student") == {"grades": {"edges": []}}
    [error] = draft_node.errors
    assert error["message"] == (
        "This grade is a draft; only the course's teacher and administrators see it."
    )
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert payload_of(teacher_node, "node") == {"score": 55.0}
    assert payload_of(posted_list, "student") == {
        "grades": {"edges": [{"node": {"score": 55.0}}]}
    }
