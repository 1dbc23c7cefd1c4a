"""Password changes, bcrypt's byte limit and new-password rules."""

import asyncio
import os
import threading
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts.passwords import HASHING_THREAD_NICENESS, PasswordHasher
from schoolgql.models import Student
from schoolgql.settings import Settings
from tests.auth import PASSWORD, Tokens, create_student_account, log_in, log_in_response
from tests.conftest import serve
from tests.graphql_client import GraphQLResponse, execute

ME = "{ me { id } }"
CHANGE_PASSWORD = """
mutation Change($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new) {
    accessToken
    refreshToken
    userErrors { field message code }
  }
}
"""
PADLOCKS = "\N{LOCK}" * 19 + "a"
ACCENTED = "\N{LATIN SMALL LETTER E WITH ACUTE}" * 30


@pytest.fixture
async def student(session: AsyncSession) -> Student:
    student = await create_student_account(session, email="pat@example.com")
    await session.commit()
    return student


async def _change(
    client: httpx.AsyncClient, tokens: Tokens, new: str, current: str = PASSWORD
) -> GraphQLResponse:
    return await execute(
        client,
        CHANGE_PASSWORD,
        {"current": current, "new": new},
        headers=tokens.headers,
    )


def _user_error(response: GraphQLResponse) -> dict[str, Any]:
    assert response.errors == [], response.body
    payload = response.data["changePassword"]
    assert payload["accessToken"] is None
    [error] = payload["userErrors"]
    return dict(error)


async def test_change_password_revokes_old_tokens(
    client: httpx.AsyncClient, student: Student
) -> None:
    old = await log_in(client, student.email)

    response = await _change(client, old, "a brand new secret")

    payload = response.data["changePassword"]
    assert payload["userErrors"] == []
    assert (await execute(client, ME, headers=old.headers)).error_codes == [
        "UNAUTHENTICATED"
    ]
    new_headers = {"Authorization": f"Bearer {payload['accessToken']}"}
    assert (await execute(client, ME, headers=new_headers)).errors == []
    await log_in(client, student.email, "a brand new secret")


async def test_change_password_old_refresh_rejected(
    client: httpx.AsyncClient, student: Student
) -> None:
    old = await log_in(client, student.email)
    await _change(client, old, "a brand new secret")

    response = await execute(
        client,
        "mutation($t: String) { refreshToken(refreshToken: $t) { accessToken } }",
        {"t": old.refresh},
    )

    assert response.error_codes == ["UNAUTHENTICATED"]


async def test_change_password_wrong_current_rejected(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await _change(client, tokens, "a brand new secret", current="nope")

    error = _user_error(response)
    assert error["field"] == "currentPassword"
    assert error["code"] == "BAD_USER_INPUT"
    assert (await execute(client, ME, headers=tokens.headers)).errors == []


async def test_change_password_73_bytes_rejected(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await _change(client, tokens, "x" * 73)

    error = _user_error(response)
    assert error == {
        "field": "newPassword",
        "code": "BAD_USER_INPUT",
        "message": "`newPassword` must be at most 72 bytes in UTF-8; got 73. "
        "Letters outside ASCII take 2 to 4 bytes each.",
    }
    await log_in(client, student.email)


async def test_change_password_counts_bytes_not_characters(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)
    assert len(PADLOCKS) == 20
    assert len(PADLOCKS.encode()) == 77

    response = await _change(client, tokens, PADLOCKS)

    error = _user_error(response)
    assert error["field"] == "newPassword"
    assert "got 77" in error["message"]


async def test_change_password_accented_accepted(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)
    assert len(ACCENTED.encode()) == 60

    response = await _change(client, tokens, ACCENTED)

    assert response.data["changePassword"]["userErrors"] == []
    await log_in(client, student.email, ACCENTED)


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("line\nbreak inside", "control characters"),
        ("short", "at least 10 characters"),
        ("PAT@example.com", "must not be the email address"),
    ],
)
async def test_change_password_rules(
    client: httpx.AsyncClient, student: Student, new_password: str, message: str
) -> None:
    tokens = await log_in(client, student.email)

    response = await _change(client, tokens, new_password)

    error = _user_error(response)
    assert error["field"] == "newPassword"
    assert error["code"] == "BAD_USER_INPUT"
    assert message in error["message"]


async def test_change_password_failure_writes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, student: Student
) -> None:
    tokens = await log_in(client, student.email)
    before = student.password_hash

    await _change(client, tokens, "x" * 73)

    await session.refresh(student)
    assert student.password_hash == before
    assert student.token_version == 0


async def test_change_password_anonymous_unauthenticated(
    client: httpx.AsyncClient,
) -> None:
    response = await execute(
        client, CHANGE_PASSWORD, {"current": PASSWORD, "new": "a brand new secret"}
    )

    assert response.error_codes == ["UNAUTHENTICATED"]


async def test_password_change_revokes_on_every_instance(
    settings: Settings, session: AsyncSession, student: Student
) -> None:
    async with (
        serve(settings) as first,
        serve(settings) as second,
        httpx.AsyncClient(base_url=first.url) as first_client,
        httpx.AsyncClient(base_url=second.url) as second_client,
    ):
        old = await log_in(first_client, student.email)
        # Both instances now hold the version in the shared cache.
        assert (await execute(first_client, ME, headers=old.headers)).errors == []
        assert (await execute(second_client, ME, headers=old.headers)).errors == []

        await _change(first_client, old, "a brand new secret")

        for client in (first_client, second_client):
            response = await execute(client, ME, headers=old.headers)
            assert response.error_codes == ["UNAUTHENTICATED"]


async def test_long_password_log_in_never_500(
    client: httpx.AsyncClient, student: Student
) -> None:
    response = await log_in_response(client, student.email, "\N{LOCK}" * 100)

    assert response.status == 200
    assert response.error_codes == ["UNAUTHENTICATED"]


async def test_change_password_nul_rejected(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await _change(client, tokens, "has a \x00 NUL inside")

    # Every string variable is checked for NUL before any resolver runs.
    assert response.data is None
    [error] = response.errors
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "NUL" in error["message"]
    await log_in(client, student.email)


async def test_hashing_threads_run_at_lower_priority() -> None:
    hasher = PasswordHasher(cost=4, threads=1)
    loop = asyncio.get_running_loop()
    server_niceness = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    try:
        # The pool's only thread runs this after hashing with it.
        await hasher.hash(PASSWORD)
        thread_niceness = await loop.run_in_executor(
            hasher._executor,
            lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
        )
    finally:
        hasher.close()

    expected = min(server_niceness + HASHING_THREAD_NICENESS, 19)
    assert thread_niceness == expected
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == (
        server_niceness
    )
