import asyncio
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import RefreshTokenFamily, User
from tests.auth import (
    PASSWORD,
    create_admin,
    create_student_account,
    create_teacher_account,
    hash_password,
    log_in,
    log_in_response,
)
from tests.graphql_client import execute

INVALID_CREDENTIALS = "Invalid email or password."


async def test_log_in_returns_role_and_tokens(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    student = await create_student_account(session, email="ada@example.com")
    await session.commit()

    response = await log_in_response(client, " ADA@Example.com ")

    assert response.errors == []
    payload = response.data["logIn"]
    assert payload["role"] == "STUDENT"
    assert payload["viewer"]["email"] == "ada@example.com"
    assert payload["accessToken"].count(".") == 2
    assert payload["refreshToken"].count(".") == 2
    assert payload["userErrors"] == []
    families = (await session.scalars(select(RefreshTokenFamily))).all()
    assert [family.user_id for family in families] == [student.id]


async def test_log_in_for_each_role(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    users = [
        await create_student_account(session),
        await create_teacher_account(session),
        await create_admin(session),
    ]
    await session.commit()

    roles = []
    for user in users:
        response = await log_in_response(client, user.email)
        roles.append(response.data["logIn"]["role"])

    assert roles == ["STUDENT", "TEACHER", "ADMIN"]


async def _log_in_error(client: httpx.AsyncClient, email: str, password: str) -> Any:
    response = await log_in_response(client, email, password)
    assert response.status == 200
    assert response.data is None
    [error] = response.errors
    return error


async def test_log_in_same_error_unknown_or_wrong(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await create_student_account(session, email="known@example.com")
    await session.commit()

    wrong = await _log_in_error(client, "known@example.com", "not the password")
    unknown = await _log_in_error(client, "nobody@example.com", PASSWORD)

    assert wrong["message"] == INVALID_CREDENTIALS
    assert wrong["extensions"] == {"code": "UNAUTHENTICATED"}
    assert unknown["message"] == wrong["message"]
    assert unknown["extensions"] == wrong["extensions"]


async def test_log_in_long_password_same_error(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await create_student_account(session, email="known@example.com")
    await session.commit()
    long_password = "p" * 100

    known = await _log_in_error(client, "known@example.com", long_password)
    unknown = await _log_in_error(client, "nobody@example.com", long_password)

    assert known["message"] == INVALID_CREDENTIALS
    assert known["extensions"] == {"code": "UNAUTHENTICATED"}
    assert unknown == known


async def test_log_in_without_password_hash_fails(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await create_student_account(session, email="new@example.com", password_hash=None)
    await session.commit()

    error = await _log_in_error(client, "new@example.com", PASSWORD)

    assert error["message"] == INVALID_CREDENTIALS


async def test_log_in_deactivated_account_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await create_student_account(session, email="gone@example.com", is_active=False)
    await session.commit()

    error = await _log_in_error(client, "gone@example.com", PASSWORD)

    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert "deactivated" in error["message"]


async def test_log_in_rehashes_when_cost_rises(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    # The test server hashes at cost 4; a hash made at cost 5 is out of date.
    student = await create_student_account(session, password_hash=hash_password(cost=5))
    await session.commit()

    await log_in(client, student.email)

    await session.refresh(student)
    assert student.password_hash is not None
    assert student.password_hash.startswith("$2b$04$")
    await log_in(client, student.email)


async def test_log_in_concurrent_burst_keeps_serving(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    students = [await create_student_account(session) for _ in range(20)]
    await session.commit()

    logins = [asyncio.create_task(log_in(client, s.email)) for s in students]
    typename = await execute(client, "{ __typename }")
    tokens = await asyncio.gather(*logins)

    assert typename.data == {"__typename": "Query"}
    assert len({token.access for token in tokens}) == 20


async def test_log_in_user_row_unchanged_on_failure(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    student = await create_student_account(session)
    await session.commit()

    await _log_in_error(client, student.email, "wrong password!")

    families = (await session.scalars(select(RefreshTokenFamily))).all()
    assert families == []
    refreshed = await session.get(User, student.id)
    assert refreshed is not None


async def test_log_in_overlong_email_same_error(client: httpx.AsyncClient) -> None:
    error = await _log_in_error(client, "a" * 300 + "@example.com", PASSWORD)

    assert error["message"] == INVALID_CREDENTIALS
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
