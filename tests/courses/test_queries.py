import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_course, create_student, create_teacher
from tests.graphql_client import execute
from tests.ids import INVALID_IDS, invalid_id_error, to_global_id

# Where `course` starts in the one-line queries below.
COLUMN_19 = {"locations": [{"line": 1, "column": 19}]}


async def test_course_by_code_returns_teacher(session: AsyncSession, client) -> None:
    teacher = await create_teacher(session, full_name="Ada Adams")
    await create_course(
        session, code="MATH-101", title="Algebra", teacher_id=teacher.id
    )
    await session.commit()

    response = await execute(
        client, '{ course(code: "MATH-101") { code title teacher { fullName } } }'
    )

    assert response.status == 200
    assert response.errors == []
    assert response.data == {
        "course": {
            "code": "MATH-101",
            "title": "Algebra",
            "teacher": {"fullName": "Ada Adams"},
        }
    }


COURSE_BY_ID = "query($id: ID!) { course(id: $id) { id code title } }"


@pytest.mark.parametrize("course_id", INVALID_IDS.values(), ids=INVALID_IDS)
async def test_course_rejects_invalid_id(
    session: AsyncSession, client: httpx.AsyncClient, course_id: str
) -> None:
    await create_course(session)
    await session.commit()

    response = await execute(client, COURSE_BY_ID, {"id": course_id})

    assert response.status == 200
    assert response.data is None
    assert response.errors == [invalid_id_error("course") | COLUMN_19]


async def test_course_rejects_student_id(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    student = await create_student(session, full_name="Ada Adams")
    # A course with the student's row id, so a type mix-up would find a row.
    await create_course(session, id=student.id, code="MATH-101")
    await session.commit()

    response = await execute(
        client, COURSE_BY_ID, {"id": to_global_id("Student", student.id)}
    )

    assert response.data is None
    assert response.errors == [
        {
            "message": "`id` must be the ID of a Course; got the ID of a Student.",
            "locations": [{"line": 1, "column": 19}],
            "path": ["course"],
            "extensions": {"code": "BAD_USER_INPUT", "field": "id"},
        }
    ]
    assert "Ada Adams" not in response.text


async def test_course_missing_id_not_found(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session)
    await session.commit()

    response = await execute(
        client, COURSE_BY_ID, {"id": to_global_id("Course", course.id + 1)}
    )

    assert response.data is None
    assert response.errors == [
        {
            "message": "No course has this ID.",
            "locations": [{"line": 1, "column": 19}],
            "path": ["course"],
            "extensions": {"code": "NOT_FOUND", "field": "id"},
        }
    ]


async def test_course_by_id_returns_course(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session, code="MATH-101", title="Algebra")
    await session.commit()
    course_id = to_global_id("Course", course.id)

    response = await execute(client, COURSE_BY_ID, {"id": course_id})

    assert response.errors == []
    assert response.data == {
        "course": {"id": course_id, "code": "MATH-101", "title": "Algebra"}
    }


async def test_course_without_id_or_code_rejected(client: httpx.AsyncClient) -> None:
    response = await execute(client, "{ course { id } }")

    assert response.data is None
    assert response.errors == [
        {
            "message": "Pass exactly one of `id` and `code`.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["course"],
            "extensions": {"code": "BAD_USER_INPUT", "field": "id"},
        }
    ]


async def test_course_missing_code_not_found(client: httpx.AsyncClient) -> None:
    response = await execute(client, '{ course(code: "NOPE-1") { id } }')

    assert response.data is None
    assert response.errors == [
        {
            "message": "No course has the code 'NOPE-1'.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["course"],
            "extensions": {"code": "NOT_FOUND", "field": "code"},
        }
    ]


INVALID_CODES = {
    # A NUL character is rejected for every field before execution.
    "control character": (
        "MATH\x07101",
        "`code` must not contain line breaks or control characters.",
    ),
    "line break": (
        "MATH\n101",
        "`code` must not contain line breaks or control characters.",
    ),
    "33 characters": ("M" * 33, "`code` must be 1 to 32 characters long; got 33."),
    "blank": ("   ", "`code` must be 1 to 32 characters long; got 0."),
}


@pytest.mark.parametrize(("code", "message"), INVALID_CODES.values(), ids=INVALID_CODES)
async def test_course_rejects_invalid_code(
    client: httpx.AsyncClient, code: str, message: str
) -> None:
    response = await execute(
        client, "query($code: String!) { course(code: $code) { id } }", {"code": code}
    )

    assert response.data is None
    assert response.errors == [
        {
            "message": message,
            "locations": [{"line": 1, "column": 25}],
            "path": ["course"],
            "extensions": {"code": "BAD_USER_INPUT", "field": "code"},
        }
    ]
