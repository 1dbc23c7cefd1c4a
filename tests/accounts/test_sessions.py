"""Refresh rotation, reuse detection, log-out and the session list."""

import asyncio

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import RefreshTokenFamily, Student
from tests.auth import bearer, create_student_account, log_in
from tests.graphql_client import GraphQLResponse, execute

ME = "{ me { id } }"
REFRESH = """
mutation Refresh($token: String) {
  refreshToken(refreshToken: $token) { accessToken refreshToken }
}
"""
LOG_OUT = """
mutation LogOut($token: String) { logOut(refreshToken: $token) { done } }
"""
SESSIONS = "{ mySessions { id client current createdAt lastUsedAt expiresAt } }"
REVOKE = """
mutation Revoke($id: ID!) {
  revokeSession(id: $id) { done userErrors { field code } }
}
"""


@pytest.fixture
async def student(session: AsyncSession) -> Student:
    student = await create_student_account(session)
    await session.commit()
    return student


async def _refresh(client: httpx.AsyncClient, token: str) -> GraphQLResponse:
    return await execute(client, REFRESH, {"token": token})


def _error_code(response: GraphQLResponse) -> str:
    assert response.data is None, response.body
    [code] = response.error_codes
    return code


async def test_refresh_reuse_revokes_family(
    client: httpx.AsyncClient, session: AsyncSession, student: Student
) -> None:
    first = await log_in(client, student.email)
    rotated = (await _refresh(client, first.refresh)).data["refreshToken"]

    reused = await _refresh(client, first.refresh)
    after_reuse = await _refresh(client, rotated["refreshToken"])

    assert _error_code(reused) == "UNAUTHENTICATED"
    assert "already used" in reused.errors[0]["message"]
    assert _error_code(after_reuse) == "UNAUTHENTICATED"
    family = (await session.scalars(select(RefreshTokenFamily))).one()
    assert family.revoked_at is not None


async def test_refresh_reuse_spares_other_sessions(
    client: httpx.AsyncClient, student: Student
) -> None:
    stolen = await log_in(client, student.email)
    other = await log_in(client, student.email)
    await _refresh(client, stolen.refresh)

    await _refresh(client, stolen.refresh)
    response = await _refresh(client, other.refresh)

    assert response.errors == []


async def test_refresh_rotates_each_time(
    client: httpx.AsyncClient, student: Student
) -> None:
    token = (await log_in(client, student.email)).refresh
    seen = {token}

    for _ in range(3):
        response = await _refresh(client, token)
        token = response.data["refreshToken"]["refreshToken"]
        seen.add(token)

    assert len(seen) == 4


async def test_log_out_revokes_refresh_token(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    logged_out = await execute(client, LOG_OUT, headers=bearer(tokens.refresh))
    refreshed = await _refresh(client, tokens.refresh)

    assert logged_out.data == {"logOut": {"done": True}}
    assert _error_code(refreshed) == "UNAUTHENTICATED"
    assert "logged out or revoked" in refreshed.errors[0]["message"]


async def test_log_out_with_access_token_rejected(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await execute(client, LOG_OUT, {"token": tokens.access})

    assert _error_code(response) == "UNAUTHENTICATED"
    assert (await _refresh(client, tokens.refresh)).errors == []


async def test_my_sessions_lists_active_only(
    client: httpx.AsyncClient, student: Student
) -> None:
    first = await log_in(client, student.email)
    second = await log_in(client, student.email)
    await execute(client, LOG_OUT, {"token": first.refresh})

    response = await execute(client, SESSIONS, headers=second.headers)

    assert response.errors == []
    [listed] = response.data["mySessions"]
    assert listed["current"] is True
    assert listed["client"] == "python-httpx/" + httpx.__version__


async def test_my_sessions_records_client(
    client: httpx.AsyncClient, student: Student
) -> None:
    response = await execute(
        client,
        "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) "
        "{ accessToken } }",
        {"e": student.email, "p": "correct horse battery"},
        headers={"User-Agent": "School App/2.1\t(iOS)"},
    )
    access = response.data["logIn"]["accessToken"]

    sessions = await execute(client, SESSIONS, headers=bearer(access))

    [listed] = sessions.data["mySessions"]
    assert listed["client"] == "School App/2.1(iOS)"


async def test_revoke_session_ends_only_it(
    client: httpx.AsyncClient, student: Student
) -> None:
    kept = await log_in(client, student.email)
    ended = await log_in(client, student.email)
    listed = await execute(client, SESSIONS, headers=bearer(kept.access))
    ended_id = next(
        item["id"] for item in listed.data["mySessions"] if not item["current"]
    )

    revoked = await execute(client, REVOKE, {"id": ended_id}, headers=kept.headers)

    assert revoked.data == {"revokeSession": {"done": True, "userErrors": []}}
    assert _error_code(await _refresh(client, ended.refresh)) == "UNAUTHENTICATED"
    assert (await _refresh(client, kept.refresh)).errors == []


async def test_revoke_session_of_other_user_not_found(
    client: httpx.AsyncClient, session: AsyncSession, student: Student
) -> None:
    other = await create_student_account(session)
    await session.commit()
    victim = await log_in(client, other.email)
    attacker = await log_in(client, student.email)
    victim_sessions = await execute(client, SESSIONS, headers=victim.headers)
    victim_session_id = victim_sessions.data["mySessions"][0]["id"]

    response = await execute(
        client, REVOKE, {"id": victim_session_id}, headers=attacker.headers
    )

    assert _error_code(response) == "NOT_FOUND"
    assert (await _refresh(client, victim.refresh)).errors == []


async def test_log_out_everywhere_revokes_all(
    client: httpx.AsyncClient, student: Student
) -> None:
    first = await log_in(client, student.email)
    second = await log_in(client, student.email)

    response = await execute(
        client, "mutation { logOutEverywhere { done } }", headers=first.headers
    )

    assert response.data == {"logOutEverywhere": {"done": True}}
    for tokens in (first, second):
        me = await execute(client, ME, headers=tokens.headers)
        assert _error_code(me) == "UNAUTHENTICATED"
        assert _error_code(await _refresh(client, tokens.refresh)) == "UNAUTHENTICATED"


async def test_concurrent_refreshes_issue_one_pair(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    responses = await asyncio.gather(
        *(_refresh(client, tokens.refresh) for _ in range(5))
    )

    succeeded = [response for response in responses if response.errors == []]
    assert len(succeeded) <= 1
