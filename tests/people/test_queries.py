"""Students and teachers by id and in lists."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_student, create_teacher
from tests.graphql_client import execute
from tests.ids import INVALID_IDS, invalid_id_error, to_global_id

STUDENT = "query($id: ID!) { student(id: $id) { id fullName studentNumber } }"
TEACHER = "query($id: ID!) { teacher(id: $id) { id fullName department } }"
ERROR_AT = {"locations": [{"line": 1, "column": 19}]}


@pytest.mark.parametrize("student_id", INVALID_IDS.values(), ids=INVALID_IDS)
async def test_student_rejects_invalid_id(
    client: httpx.AsyncClient, admin_headers: dict[str, str], student_id: str
) -> None:
    response = await execute(client, STUDENT, {"id": student_id}, headers=admin_headers)

    assert response.status == 200
    assert response.data is None
    assert response.errors == [invalid_id_error("student") | ERROR_AT]


@pytest.mark.parametrize("teacher_id", INVALID_IDS.values(), ids=INVALID_IDS)
async def test_teacher_rejects_invalid_id(
    client: httpx.AsyncClient, admin_headers: dict[str, str], teacher_id: str
) -> None:
    response = await execute(client, TEACHER, {"id": teacher_id}, headers=admin_headers)

    assert response.status == 200
    assert response.data is None
    assert response.errors == [invalid_id_error("teacher") | ERROR_AT]


async def test_teacher_rejects_student_id(
    session: AsyncSession, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    student = await create_student(session, full_name="Ada Adams")
    await session.commit()

    response = await execute(
        client,
        TEACHER,
        {"id": to_global_id("Student", student.id)},
        headers=admin_headers,
    )

    assert response.data is None
    assert response.errors == [
        {
            "message": "`id` must be the ID of a Teacher; got the ID of a Student.",
            "locations": [{"line": 1, "column": 19}],
            "path": ["teacher"],
            "extensions": {"code": "BAD_USER_INPUT", "field": "id"},
        }
    ]
    assert "Ada Adams" not in response.text


async def test_student_id_of_teacher_not_found(
    session: AsyncSession, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    # The id names the Student type but points at a teacher's row.
    teacher = await create_teacher(session, full_name="Alan Bauer")
    await session.commit()

    response = await execute(
        client,
        STUDENT,
        {"id": to_global_id("Student", teacher.id)},
        headers=admin_headers,
    )

    assert response.data is None
    assert response.errors == [
        {
            "message": "No student has this ID.",
            "locations": [{"line": 1, "column": 19}],
            "path": ["student"],
            "extensions": {"code": "NOT_FOUND", "field": "id"},
        }
    ]
    assert "Alan Bauer" not in response.text


async def test_student_by_id_returns_student(
    session: AsyncSession, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    student = await create_student(
        session, full_name="Ada Adams", student_number="S000001"
    )
    await session.commit()
    student_id = to_global_id("Student", student.id)

    response = await execute(client, STUDENT, {"id": student_id}, headers=admin_headers)

    assert response.errors == []
    assert response.data == {
        "student": {
            "id": student_id,
            "fullName": "Ada Adams",
            "studentNumber": "S000001",
        }
    }


async def test_teacher_by_id_returns_teacher(
    session: AsyncSession, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    teacher = await create_teacher(
        session, full_name="Alan Bauer", department="Science"
    )
    await session.commit()
    teacher_id = to_global_id("Teacher", teacher.id)

    response = await execute(client, TEACHER, {"id": teacher_id}, headers=admin_headers)

    assert response.errors == []
    assert response.data == {
        "teacher": {"id": teacher_id, "fullName": "Alan Bauer", "department": "Science"}
    }


async def test_students_list_excludes_teachers(
    session: AsyncSession, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await create_teacher(session, full_name="Alan Bauer")
    await create_student(session, full_name="Ada Adams")
    await session.commit()

    response = await execute(
        client, "{ students { edges { node { fullName } } } }", headers=admin_headers
    )

    assert response.errors == []
    assert response.data == {
        "students": {"edges": [{"node": {"fullName": "Ada Adams"}}]}
    }
