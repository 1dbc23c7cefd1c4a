"""Unexpected failures are masked for clients and logged with the request id."""

import logging

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.cost import CostCalculator
from tests.factories import create_course
from tests.graphql_client import execute

INTERNAL_ERROR_MESSAGE = (
    "Internal server error. Report the request ID to the operators of this service."
)
# Words that would show the client how the server is built.
INTERNAL_WORDS = (
    "asyncpg",
    "sqlalchemy",
    "SELECT",
    "Traceback",
    "course_title",
    "courses.title",
    "pk_courses",
    "uq_courses_code",
)


def unexpected_errors(logs: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        record
        for record in logs.records
        if record.name == "schoolgql.graphql.errors" and record.levelno == logging.ERROR
    ]


async def test_database_error_masked_and_logged(
    session: AsyncSession,
    client: httpx.AsyncClient,
    logs: pytest.LogCaptureFixture,
) -> None:
    await create_course(session, title="Algebra")
    await session.commit()
    # The server's query names a column the database no longer has.
    await session.execute(
        text("ALTER TABLE courses RENAME COLUMN title TO course_title")
    )
    await session.commit()

    response = await execute(client, "{ courses { edges { node { title } } } }")

    request_id = response.headers["x-request-id"]
    assert response.status == 200
    assert response.data is None
    assert response.errors == [
        {
            "message": INTERNAL_ERROR_MESSAGE,
            "locations": [{"line": 1, "column": 3}],
            "path": ["courses"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        }
    ]
    for word in INTERNAL_WORDS:
        assert word.lower() not in response.text.lower()
    [record] = unexpected_errors(logs)
    assert record.request_id == request_id  # type: ignore[attr-defined]
    assert record.getMessage() == "unexpected error in field courses"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], DBAPIError)
    assert "courses.title does not exist" in str(record.exc_info[1])


async def test_masked_error_reuses_client_request_id(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await session.execute(text("ALTER TABLE terms RENAME COLUMN name TO term_name"))
    await session.commit()

    response = await execute(
        client,
        "{ terms { edges { node { name } } } }",
        headers={"x-request-id": "client-chosen-id-1"},
    )

    assert response.headers["x-request-id"] == "client-chosen-id-1"
    assert response.errors[0]["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": "client-chosen-id-1",
    }


async def test_extension_crash_masked_and_logged(
    client: httpx.AsyncClient,
    logs: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An exception raised by an extension ends the operation before the
    # resolvers run, so it reaches the client by another path.
    def broken_cost(*args: object) -> int:
        raise RuntimeError("asyncpg connection to db.internal:5432 refused")

    monkeypatch.setattr(CostCalculator, "operation_cost", broken_cost)

    response = await execute(client, "{ terms { edges { node { name } } } }")

    request_id = response.headers["x-request-id"]
    assert response.status == 200
    assert response.errors == [
        {
            "message": INTERNAL_ERROR_MESSAGE,
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        }
    ]
    assert "db.internal" not in response.text
    [record] = unexpected_errors(logs)
    assert record.request_id == request_id  # type: ignore[attr-defined]
    assert record.getMessage() == "unexpected error in an extension, before execution"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


async def test_extension_crash_is_server_error(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_cost(*args: object) -> int:
        raise RuntimeError("cost calculator failed")

    monkeypatch.setattr(CostCalculator, "operation_cost", broken_cost)

    response = await execute(
        client,
        "{ terms { edges { node { name } } } }",
        headers={"accept": "application/graphql-response+json"},
    )

    assert response.status == 500
    assert response.headers["content-type"] == "application/graphql-response+json"
    assert "data" not in response.body
    assert response.error_codes == ["INTERNAL_SERVER_ERROR"]


async def test_expected_errors_not_logged(
    client: httpx.AsyncClient, logs: pytest.LogCaptureFixture
) -> None:
    response = await execute(client, '{ course(code: "NOPE-1") { id } }')

    assert response.error_codes == ["NOT_FOUND"]
    assert unexpected_errors(logs) == []
