"""Token versions when Redis fails: reads fall back to the database."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import Student
from tests.auth import PASSWORD, create_student_account, log_in
from tests.conftest import make_settings, serve
from tests.graphql_client import execute

# Nothing listens on port 1, so every Redis call fails at once.
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
CHANGE_PASSWORD = f"""
mutation {{
  changePassword(currentPassword: "{PASSWORD}", newPassword: "a brand new secret") {{
    accessToken
    userErrors {{ field }}
  }}
}}
"""


@pytest.fixture
async def broken_redis_client(postgres_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        postgres_url, redis_url=UNREACHABLE_REDIS, redis_timeout_seconds=0.2
    )
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        yield client


@pytest.fixture
async def student(session: AsyncSession) -> Student:
    student = await create_student_account(session)
    await session.commit()
    return student


async def test_redis_down_reads_database(
    broken_redis_client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(broken_redis_client, student.email)

    response = await execute(
        broken_redis_client, "{ me { id } }", headers=tokens.headers
    )

    assert response.errors == []


async def test_redis_down_revocation_refused(
    broken_redis_client: httpx.AsyncClient, session: AsyncSession, student: Student
) -> None:
    tokens = await log_in(broken_redis_client, student.email)

    response = await execute(
        broken_redis_client, CHANGE_PASSWORD, headers=tokens.headers
    )

    assert response.error_codes == ["SERVICE_UNAVAILABLE"]
    await session.refresh(student)
    assert student.token_version == 0
    await log_in(broken_redis_client, student.email)
