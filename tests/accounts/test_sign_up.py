"""Student and administrator sign-up, with input validation."""

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import User
from schoolgql.settings import Settings
from tests.accounts.conftest import REDIS_URL
from tests.auth import PASSWORD, create_student_account, log_in
from tests.conftest import make_settings, serve
from tests.graphql_client import GraphQLResponse, execute

SIGN_UP_STUDENT = """
mutation SignUp($input: SignUpStudentInput!) {
  signUpStudent(input: $input) {
    accessToken
    refreshToken
    role
    viewer { id email fullName ... on Student { studentNumber gradeLevel } }
    userErrors { field message code }
  }
}
"""
SIGN_UP_ADMIN = """
mutation SignUp($input: SignUpAdminInput!) {
  signUpAdmin(input: $input) { role viewer { email } userErrors { field code } }
}
"""


def _student_input(**overrides: Any) -> dict[str, Any]:
    values = {
        "email": "Grace@Example.com",
        "password": PASSWORD,
        "fullName": "Grace Hopper",
        "studentNumber": "S-0001",
        "gradeLevel": 11,
    }
    return values | overrides


async def _sign_up(client: httpx.AsyncClient, **overrides: Any) -> GraphQLResponse:
    return await execute(
        client, SIGN_UP_STUDENT, {"input": _student_input(**overrides)}
    )


async def _user_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def test_sign_up_student_logs_in(client: httpx.AsyncClient) -> None:
    response = await _sign_up(client, email="  Grace@Example.com ")

    assert response.errors == []
    payload = response.data["signUpStudent"]
    assert payload["userErrors"] == []
    assert payload["role"] == "STUDENT"
    assert payload["viewer"]["email"] == "grace@example.com"
    assert payload["viewer"]["studentNumber"] == "S-0001"
    me = await execute(
        client,
        "{ me { email } }",
        headers={"Authorization": f"Bearer {payload['accessToken']}"},
    )
    assert me.data == {"me": {"email": "grace@example.com"}}
    await log_in(client, "GRACE@example.com")


async def test_sign_up_email_taken_any_case(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await create_student_account(session, email="grace@example.com")
    await session.commit()

    response = await _sign_up(client, email="GRACE@EXAMPLE.COM", studentNumber="X2")

    [error] = response.data["signUpStudent"]["userErrors"]
    assert error == {
        "field": "email",
        "message": "An account with this email already exists.",
        "code": "BAD_USER_INPUT",
    }
    assert await _user_count(session) == 1


async def test_sign_up_concurrent_same_email_one_wins(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    emails = ["race@example.com", "RACE@example.com", "Race@Example.com"]

    responses = await asyncio.gather(
        *(
            _sign_up(client, email=email, studentNumber=f"R-{index}")
            for index, email in enumerate(emails)
        )
    )

    payloads = [response.data["signUpStudent"] for response in responses]
    winners = [payload for payload in payloads if not payload["userErrors"]]
    losers = [
        payload["userErrors"][0]["field"]
        for payload in payloads
        if payload["userErrors"]
    ]
    assert len(winners) == 1
    assert losers.count("email") == 2
    assert await _user_count(session) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "not a valid email address"),
        ({"email": "a" * 250 + "@example.com"}, "email", "3 to 254 characters"),
        ({"fullName": "Grace\nHopper"}, "fullName", "line breaks or control"),
        ({"fullName": "Grace\u0007Hopper"}, "fullName", "line breaks or control"),
        ({"fullName": "   "}, "fullName", "1 to 200 characters"),
        ({"fullName": "G" * 201}, "fullName", "1 to 200 characters"),
        ({"studentNumber": "S" * 33}, "studentNumber", "1 to 32 characters"),
        ({"gradeLevel": 0}, "gradeLevel", "1 to 13"),
        ({"gradeLevel": 14}, "gradeLevel", "1 to 13"),
        ({"password": "p" * 73}, "password", "at most 72 bytes"),
        ({"password": "short"}, "password", "at least 10 characters"),
        ({"password": "grace@example.com"}, "password", "not be the email"),
    ],
)
async def test_sign_up_invalid_input_writes_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = await _sign_up(client, **overrides)

    assert response.errors == []
    payload = response.data["signUpStudent"]
    assert payload["accessToken"] is None
    [error] = payload["userErrors"]
    assert error["field"] == field
    assert error["code"] == "BAD_USER_INPUT"
    assert message in error["message"]
    assert await _user_count(session) == 0


async def test_sign_up_student_number_taken(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await create_student_account(session, student_number="S-0001")
    await session.commit()

    response = await _sign_up(client)

    [error] = response.data["signUpStudent"]["userErrors"]
    assert error["field"] == "studentNumber"
    assert await _user_count(session) == 1


async def test_sign_up_admin_off_without_code(client: httpx.AsyncClient) -> None:
    response = await execute(
        client,
        SIGN_UP_ADMIN,
        {
            "input": {
                "signUpCode": "",
                "email": "root@example.com",
                "password": PASSWORD,
                "fullName": "Root",
            }
        },
    )

    assert response.error_codes == ["FORBIDDEN"]
    assert "turned off" in response.errors[0]["message"]


@pytest.fixture
async def coded_client(postgres_url: str, redis_prefix: str) -> Any:
    settings: Settings = make_settings(
        postgres_url,
        redis_url=REDIS_URL,
        redis_key_prefix=redis_prefix,
        cache_key_prefix=redis_prefix,
        admin_sign_up_code="open sesame, but longer",
    )
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        yield client


async def test_sign_up_admin_with_code(coded_client: httpx.AsyncClient) -> None:
    variables = {
        "input": {
            "signUpCode": "open sesame, but longer",
            "email": "Root@Example.com",
            "password": PASSWORD,
            "fullName": "Root",
        }
    }

    response = await execute(coded_client, SIGN_UP_ADMIN, variables)

    assert response.data == {
        "signUpAdmin": {
            "role": "ADMIN",
            "viewer": {"email": "root@example.com"},
            "userErrors": [],
        }
    }


async def test_sign_up_admin_wrong_code_forbidden(
    coded_client: httpx.AsyncClient,
) -> None:
    variables = {
        "input": {
            "signUpCode": "open sesame",
            "email": "root@example.com",
            "password": PASSWORD,
            "fullName": "Root",
        }
    }

    response = await execute(coded_client, SIGN_UP_ADMIN, variables)

    assert response.error_codes == ["FORBIDDEN"]
    assert response.errors[0]["message"] == "The sign-up code is wrong."
