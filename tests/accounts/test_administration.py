"""Administrators create accounts, reset passwords and deactivate users."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Admin, Student
from tests.auth import (
    PASSWORD,
    Tokens,
    create_admin,
    create_student_account,
    log_in,
    log_in_response,
)
from tests.graphql_client import execute

ME = "{ me { id } }"
CREATE_TEACHER = """
mutation Create($input: CreateTeacherInput!) {
  createTeacher(input: $input) {
    user { id email role ... on Teacher { department title } }
    userErrors { field code }
  }
}
"""
DEACTIVATE = """
mutation Deactivate($id: ID!) {
  deactivateUser(userId: $id) { user { id } userErrors { field message } }
}
"""
RESET = """
mutation Reset($id: ID!, $password: String!) {
  resetPassword(userId: $id, newPassword: $password) {
    user { id }
    userErrors { field }
  }
}
"""
END_SESSIONS = """
mutation End($id: ID!) { endUserSessions(userId: $id) { user { id } } }
"""
TEACHER_INPUT = {
    "email": "Turing@Example.com",
    "fullName": "Alan Turing",
    "department": "Mathematics",
    "title": "Lecturer",
    "password": "a teacher's password",
}


@pytest.fixture
async def admin_tokens(session: AsyncSession, client: httpx.AsyncClient) -> Tokens:
    admin = await create_admin(session)
    await session.commit()
    return await log_in(client, admin.email)


@pytest.fixture
async def student(session: AsyncSession) -> Student:
    student = await create_student_account(session)
    await session.commit()
    return student


def _student_id(student: Student) -> str:
    return to_global_id("Student", student.id)


async def test_admin_creates_teacher_who_logs_in(
    client: httpx.AsyncClient, admin_tokens: Tokens
) -> None:
    response = await execute(
        client, CREATE_TEACHER, {"input": TEACHER_INPUT}, headers=admin_tokens.headers
    )

    assert response.errors == []
    payload = response.data["createTeacher"]
    assert payload["userErrors"] == []
    assert payload["user"]["email"] == "turing@example.com"
    assert payload["user"]["role"] == "TEACHER"
    assert payload["user"]["department"] == "Mathematics"
    login = await log_in_response(client, "turing@example.com", "a teacher's password")
    assert login.data["logIn"]["role"] == "TEACHER"


@pytest.mark.parametrize(
    ("mutation", "variables"),
    [
        (CREATE_TEACHER, {"input": TEACHER_INPUT}),
        (DEACTIVATE, {"id": to_global_id("Student", 1)}),
        (RESET, {"id": to_global_id("Student", 1), "password": PASSWORD}),
        (END_SESSIONS, {"id": to_global_id("Student", 1)}),
    ],
)
async def test_admin_mutations_forbid_students(
    client: httpx.AsyncClient, student: Student, mutation: str, variables: Any
) -> None:
    tokens = await log_in(client, student.email)

    anonymous = await execute(client, mutation, variables)
    as_student = await execute(client, mutation, variables, headers=tokens.headers)

    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert as_student.error_codes == ["FORBIDDEN"]
    assert as_student.data is None


async def test_create_teacher_invalid_input(
    client: httpx.AsyncClient, admin_tokens: Tokens
) -> None:
    bad_input = TEACHER_INPUT | {"department": "D" * 101}

    response = await execute(
        client, CREATE_TEACHER, {"input": bad_input}, headers=admin_tokens.headers
    )

    assert response.data["createTeacher"] == {
        "user": None,
        "userErrors": [{"field": "department", "code": "BAD_USER_INPUT"}],
    }


async def test_deactivate_revokes_and_blocks_log_in(
    client: httpx.AsyncClient, admin_tokens: Tokens, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await execute(
        client, DEACTIVATE, {"id": _student_id(student)}, headers=admin_tokens.headers
    )

    assert response.data["deactivateUser"]["userErrors"] == []
    me = await execute(client, ME, headers=tokens.headers)
    assert me.error_codes == ["UNAUTHENTICATED"]
    refreshed = await execute(
        client,
        "mutation($t: String) { refreshToken(refreshToken: $t) { accessToken } }",
        {"t": tokens.refresh},
    )
    assert refreshed.error_codes == ["UNAUTHENTICATED"]
    login = await log_in_response(client, student.email)
    assert "deactivated" in login.errors[0]["message"]


async def test_admin_cannot_deactivate_self(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    admin = await create_admin(session)
    await session.commit()
    tokens = await log_in(client, admin.email)

    response = await execute(
        client,
        DEACTIVATE,
        {"id": to_global_id("Admin", admin.id)},
        headers=tokens.headers,
    )

    [error] = response.data["deactivateUser"]["userErrors"]
    assert error["field"] == "userId"
    assert (await execute(client, ME, headers=tokens.headers)).errors == []


async def test_reset_password_revokes_tokens(
    client: httpx.AsyncClient, admin_tokens: Tokens, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await execute(
        client,
        RESET,
        {"id": _student_id(student), "password": "set by the office"},
        headers=admin_tokens.headers,
    )

    assert response.data["resetPassword"]["userErrors"] == []
    assert (await execute(client, ME, headers=tokens.headers)).error_codes == [
        "UNAUTHENTICATED"
    ]
    await log_in(client, student.email, "set by the office")


async def test_end_user_sessions_revokes_tokens(
    client: httpx.AsyncClient, admin_tokens: Tokens, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await execute(
        client, END_SESSIONS, {"id": _student_id(student)}, headers=admin_tokens.headers
    )

    assert response.data == {"endUserSessions": {"user": {"id": _student_id(student)}}}
    assert (await execute(client, ME, headers=tokens.headers)).error_codes == [
        "UNAUTHENTICATED"
    ]
    await log_in(client, student.email)


async def test_deactivate_unknown_user_not_found(
    client: httpx.AsyncClient, admin_tokens: Tokens
) -> None:
    response = await execute(
        client,
        DEACTIVATE,
        {"id": to_global_id("Student", 999_999)},
        headers=admin_tokens.headers,
    )

    assert response.error_codes == ["NOT_FOUND"]


async def test_me_as_admin(client: httpx.AsyncClient, session: AsyncSession) -> None:
    admin: Admin = await create_admin(session, full_name="Ada Admin")
    await session.commit()
    tokens = await log_in(client, admin.email)

    response = await execute(
        client, "{ me { __typename fullName role } }", headers=tokens.headers
    )

    assert response.data == {
        "me": {"__typename": "Admin", "fullName": "Ada Admin", "role": "ADMIN"}
    }


async def test_admin_node_resolves(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    admin = await create_admin(session, full_name="Ada Admin")
    await session.commit()
    tokens = await log_in(client, admin.email)
    admin_id = to_global_id("Admin", admin.id)
    query = f'{{ node(id: "{admin_id}") {{ ... on Admin {{ fullName email }} }} }}'

    own = await execute(client, query, headers=tokens.headers)
    anonymous = await execute(client, query)

    assert own.data == {"node": {"fullName": "Ada Admin", "email": admin.email}}
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
