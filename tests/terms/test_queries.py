"""Terms by id."""

from datetime import date

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_course, create_term
from tests.graphql_client import execute
from tests.ids import INVALID_IDS, invalid_id_error, to_global_id

TERM = "query($id: ID!) { term(id: $id) { id name startDate endDate } }"
ERROR_AT = {"locations": [{"line": 1, "column": 19}]}


@pytest.mark.parametrize("term_id", INVALID_IDS.values(), ids=INVALID_IDS)
async def test_term_rejects_invalid_id(client: httpx.AsyncClient, term_id: str) -> None:
    response = await execute(client, TERM, {"id": term_id})

    assert response.status == 200
    assert response.data is None
    assert response.errors == [invalid_id_error("term") | ERROR_AT]


async def test_term_rejects_course_id(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session, title="Algebra")
    await session.commit()

    response = await execute(client, TERM, {"id": to_global_id("Course", course.id)})

    assert response.data is None
    assert response.errors == [
        {
            "message": "`id` must be the ID of a Term; got the ID of a Course.",
            "locations": [{"line": 1, "column": 19}],
            "path": ["term"],
            "extensions": {"code": "BAD_USER_INPUT", "field": "id"},
        }
    ]
    assert "Algebra" not in response.text


async def test_term_missing_id_not_found(client: httpx.AsyncClient) -> None:
    response = await execute(client, TERM, {"id": to_global_id("Term", 12345)})

    assert response.data is None
    assert response.errors == [
        {
            "message": "No term has this ID.",
            "locations": [{"line": 1, "column": 19}],
            "path": ["term"],
            "extensions": {"code": "NOT_FOUND", "field": "id"},
        }
    ]


async def test_term_by_id_returns_term(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(
        session,
        name="Autumn 2026",
        start_date=date(2026, 9, 1),
        end_date=date(2026, 12, 20),
    )
    await session.commit()
    term_id = to_global_id("Term", term.id)

    response = await execute(client, TERM, {"id": term_id})

    assert response.errors == []
    assert response.data == {
        "term": {
            "id": term_id,
            "name": "Autumn 2026",
            "startDate": "2026-09-01",
            "endDate": "2026-12-20",
        }
    }
