"""Changing and deleting students and teachers."""

from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Student, Teacher, User
from tests.factories import (
    create_assessment,
    create_course,
    create_enrollment,
    create_grade,
    create_student,
    create_teacher,
)
from tests.graphql_client import execute
from tests.writes import (
    FORBIDDEN_ADMIN,
    admin_actor,
    payload_of,
    snapshot,
    student_actor,
    teacher_actor,
    top_level_error,
)

ERRORS = "userErrors { field message code }"
UPDATE_STUDENT = f"""
mutation($id: ID!, $input: UpdateStudentInput!) {{
  updateStudent(id: $id, input: $input) {{
    student {{ fullName email studentNumber gradeLevel }} {ERRORS}
  }}
}}
"""
UPDATE_TEACHER = f"""
mutation($id: ID!, $input: UpdateTeacherInput!) {{
  updateTeacher(id: $id, input: $input) {{
    teacher {{ fullName email department title }} {ERRORS}
  }}
}}
"""
DELETE_STUDENT = f"""
mutation($id: ID!) {{ deleteStudent(id: $id) {{ deletedUserId {ERRORS} }} }}
"""
DELETE_TEACHER = f"""
mutation($id: ID!) {{ deleteTeacher(id: $id) {{ deletedUserId {ERRORS} }} }}
"""


async def test_update_student_as_admin(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    student = await create_student(session, full_name="Ada", grade_level=9)
    admin = await admin_actor(session, client)

    response = await execute(
        client,
        UPDATE_STUDENT,
        {
            "id": to_global_id("Student", student.id),
            "input": {
                "fullName": "Ada Lovelace",
                "email": "ADA@Example.com",
                "gradeLevel": 10,
            },
        },
        headers=admin.headers,
    )

    assert payload_of(response, "updateStudent") == {
        "student": {
            "fullName": "Ada Lovelace",
            "email": "ada@example.com",
            "studentNumber": student.student_number,
            "gradeLevel": 10,
        },
        "userErrors": [],
    }
    await session.refresh(student)
    assert student.grade_level == 10


INVALID_STUDENT_CHANGES = {
    "grade level": (
        {"gradeLevel": 14},
        "gradeLevel",
        "`gradeLevel` must be 1 to 13; got 14.",
    ),
    "empty name": (
        {"fullName": " "},
        "fullName",
        "`fullName` must be 1 to 200 characters long; got 0.",
    ),
    "taken email": (
        {"email": "taken@example.com"},
        "email",
        "An account with this email already exists.",
    ),
    "taken number": (
        {"studentNumber": "TAKEN-1"},
        "studentNumber",
        "Another student already has this student number.",
    ),
}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    INVALID_STUDENT_CHANGES.values(),
    ids=INVALID_STUDENT_CHANGES,
)
async def test_update_student_invalid_writes_nothing(
    session: AsyncSession,
    client: httpx.AsyncClient,
    change: dict[str, object],
    field: str,
    message: str,
) -> None:
    student = await create_student(session)
    await create_student(session, email="taken@example.com", student_number="TAKEN-1")
    admin = await admin_actor(session, client)
    before = await snapshot(session, User, Student)

    response = await execute(
        client,
        UPDATE_STUDENT,
        {"id": to_global_id("Student", student.id), "input": change},
        headers=admin.headers,
    )

    assert payload_of(response, "updateStudent") == {
        "student": None,
        "userErrors": [{"field": field, "message": message, "code": "BAD_USER_INPUT"}],
    }
    assert await snapshot(session, User, Student) == before


@pytest.mark.parametrize("role", ["anonymous", "teacher", "student"])
async def test_update_student_rejected_for_non_admins(
    session: AsyncSession, client: httpx.AsyncClient, role: str
) -> None:
    student = await student_actor(session, client)
    headers = {
        "anonymous": {},
        "teacher": (await teacher_actor(session, client)).headers,
        "student": student.headers,
    }[role]
    before = await snapshot(session, Student)

    response = await execute(
        client,
        UPDATE_STUDENT,
        {"id": to_global_id("Student", student.id), "input": {"gradeLevel": 12}},
        headers=headers,
    )

    error = top_level_error(response)
    if role == "anonymous":
        assert error["code"] == "UNAUTHENTICATED"
    else:
        assert error == {
            "message": FORBIDDEN_ADMIN,
            "path": ["updateStudent"],
            "code": "FORBIDDEN",
        }
    assert await snapshot(session, Student) == before


async def test_update_teacher_as_admin(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    teacher = await create_teacher(session, department="Physics")
    admin = await admin_actor(session, client)

    response = await execute(
        client,
        UPDATE_TEACHER,
        {
            "id": to_global_id("Teacher", teacher.id),
            "input": {"department": "Chemistry", "title": "Head of Chemistry"},
        },
        headers=admin.headers,
    )

    payload = payload_of(response, "updateTeacher")
    assert payload["teacher"]["department"] == "Chemistry"
    assert payload["teacher"]["title"] == "Head of Chemistry"
    await session.refresh(teacher)
    assert teacher.department == "Chemistry"


async def test_update_teacher_invalid_writes_nothing(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    teacher = await create_teacher(session)
    admin = await admin_actor(session, client)
    before = await snapshot(session, User, Teacher)

    response = await execute(
        client,
        UPDATE_TEACHER,
        {"id": to_global_id("Teacher", teacher.id), "input": {"title": "t" * 101}},
        headers=admin.headers,
    )

    assert payload_of(response, "updateTeacher")["userErrors"] == [
        {
            "field": "title",
            "message": "`title` must be 1 to 100 characters long; got 101.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert await snapshot(session, User, Teacher) == before


async def test_update_teacher_rejected_for_teacher(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    teacher = await teacher_actor(session, client)
    before = await snapshot(session, Teacher)

    response = await execute(
        client,
        UPDATE_TEACHER,
        {"id": to_global_id("Teacher", teacher.id), "input": {"title": "Principal"}},
        headers=teacher.headers,
    )

    assert top_level_error(response)["code"] == "FORBIDDEN"
    assert await snapshot(session, Teacher) == before


async def test_update_missing_student_not_found(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    admin = await admin_actor(session, client)

    response = await execute(
        client,
        UPDATE_STUDENT,
        {"id": to_global_id("Student", 404), "input": {"gradeLevel": 3}},
        headers=admin.headers,
    )

    assert top_level_error(response) == {
        "message": "No student has this ID.",
        "path": ["updateStudent"],
        "code": "NOT_FOUND",
    }


async def test_delete_student_without_records(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    student = await create_student(session)
    admin = await admin_actor(session, client)
    student_id = to_global_id("Student", student.id)

    response = await execute(
        client, DELETE_STUDENT, {"id": student_id}, headers=admin.headers
    )

    assert payload_of(response, "deleteStudent") == {
        "deletedUserId": student_id,
        "userErrors": [],
    }
    assert await snapshot(session, Student) == {"students": []}


async def test_delete_student_with_records_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    student = await create_student(session, full_name="Kept Student")
    course = await create_course(session)
    enrollment = await create_enrollment(session, student=student, course=course)
    assessment = await create_assessment(session, course=course)
    await create_grade(session, enrollment=enrollment, assessment=assessment)
    admin = await admin_actor(session, client)
    before = await snapshot(session, User, Student)

    response = await execute(
        client,
        DELETE_STUDENT,
        {"id": to_global_id("Student", student.id)},
        headers=admin.headers,
    )

    assert payload_of(response, "deleteStudent") == {
        "deletedUserId": None,
        "userErrors": [
            {
                "field": "id",
                "message": "Student Kept Student still has 1 enrollment(s) and 1 "
                "grade(s), so the account cannot be deleted. Deactivate it with "
                "`deactivateUser` to keep the records.",
                "code": "HAS_DEPENDENTS",
            }
        ],
    }
    assert await snapshot(session, User, Student) == before


async def test_delete_student_rejected_for_teacher(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    student = await create_student(session)
    teacher = await teacher_actor(session, client)

    response = await execute(
        client,
        DELETE_STUDENT,
        {"id": to_global_id("Student", student.id)},
        headers=teacher.headers,
    )

    assert top_level_error(response)["code"] == "FORBIDDEN"
    assert len((await snapshot(session, Student))["students"]) == 1


async def test_delete_teacher_without_records(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    teacher = await create_teacher(session)
    admin = await admin_actor(session, client)
    teacher_id = to_global_id("Teacher", teacher.id)

    response = await execute(
        client, DELETE_TEACHER, {"id": teacher_id}, headers=admin.headers
    )

    assert payload_of(response, "deleteTeacher")["deletedUserId"] == teacher_id
    assert await snapshot(session, Teacher) == {"teachers": []}


async def test_delete_teacher_with_records_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    teacher = await create_teacher(session, full_name="Kept Teacher")
    course = await create_course(session, teacher_id=teacher.id)
    other_course = await create_course(session)
    enrollment = await create_enrollment(
        session, student=await create_student(session), course=other_course
    )
    assessment = await create_assessment(session, course=other_course)
    await create_grade(
        session,
        enrollment=enrollment,
        assessment=assessment,
        score=Decimal(50),
        graded_by_id=teacher.id,
    )
    admin = await admin_actor(session, client)
    before = await snapshot(session, User, Teacher)

    response = await execute(
        client,
        DELETE_TEACHER,
        {"id": to_global_id("Teacher", teacher.id)},
        headers=admin.headers,
    )

    assert payload_of(response, "deleteTeacher")["userErrors"] == [
        {
            "field": "id",
            "message": "Teacher Kept Teacher still teaches 1 course(s) and "
            "recorded 1 grade(s) or grade change(s), so the account cannot be "
            "deleted. Assign the courses to another teacher, or deactivate the "
            "account with `deactivateUser` to keep the records.",
            "code": "HAS_DEPENDENTS",
        }
    ]
    assert await snapshot(session, User, Teacher) == before
    assert course.teacher_id == teacher.id


async def test_delete_teacher_anonymous_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    teacher = await create_teacher(session)
    await session.commit()

    response = await execute(
        client, DELETE_TEACHER, {"id": to_global_id("Teacher", teacher.id)}
    )

    assert top_level_error(response)["code"] == "UNAUTHENTICATED"
    assert len((await snapshot(session, Teacher))["teachers"]) == 1
