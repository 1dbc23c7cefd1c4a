"""The /graphql endpoint over HTTP, as the GraphQL over HTTP specification sets."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_term

GRAPHQL_RESPONSE = "application/graphql-response+json"
TERM_NAMES = "{ terms { edges { node { name } } } }"


def bad_request(message: str) -> dict[str, object]:
    return {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}


async def test_post_json_runs_query(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await create_term(session, name="Autumn 2026")
    await session.commit()

    response = await client.post("/graphql", json={"query": TERM_NAMES})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"] == {
        "terms": {"edges": [{"node": {"name": "Autumn 2026"}}]}
    }


async def test_graphql_response_media_type_honoured(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": TERM_NAMES}, headers={"accept": GRAPHQL_RESPONSE}
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json()["data"] == {"terms": {"edges": []}}


async def test_get_runs_query(session: AsyncSession, client: httpx.AsyncClient) -> None:
    await create_term(session, name="Autumn 2026")
    await session.commit()

    response = await client.get("/graphql", params={"query": TERM_NAMES})

    assert response.status_code == 200
    assert response.json()["data"] == {
        "terms": {"edges": [{"node": {"name": "Autumn 2026"}}]}
    }


async def test_get_with_variables_runs_query(client: httpx.AsyncClient) -> None:
    query = "query($n: Int) { terms(first: $n) { edges { cursor } } }"

    response = await client.get(
        "/graphql", params={"query": query, "variables": '{"n": 1}'}
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"terms": {"edges": []}}


async def test_mutation_over_get_rejected(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { __typename }"})

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json() == {
        "errors": [
            {
                "message": "Only queries may be sent with GET; send mutations "
                "with POST.",
                "extensions": {"code": "METHOD_NOT_ALLOWED"},
            }
        ]
    }


async def test_mutation_over_post_runs(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "mutation { __typename }"})

    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Mutation"}


async def test_browser_get_shows_graphiql(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "graphiql" in response.text.lower()


async def test_malformed_json_rejected(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        content=b'{"query": ',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == bad_request("Unable to parse request body as JSON")


@pytest.mark.parametrize("body", [b"5", b'"query"', b"null", b"true"])
async def test_non_object_json_rejected(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json() == bad_request(
        "The request body must be a JSON object with a `query` member."
    )


async def test_json_list_rejected(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=[{"query": TERM_NAMES}])

    assert response.status_code == 400
    assert response.json() == bad_request("Batching is not enabled")


@pytest.mark.parametrize("body", [{}, {"query": None}, {"variables": {}}])
async def test_missing_query_rejected(
    client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    response = await client.post("/graphql", json=body)

    assert response.status_code == 400
    assert response.json() == bad_request("No GraphQL query found in the request")


async def test_parse_error_is_200_as_json(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ terms "})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "errors": [
            {
                "message": "Syntax Error: Expected Name, found <EOF>.",
                "locations": [{"line": 1, "column": 9}],
                "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
            }
        ]
    }


async def test_parse_error_is_400_as_graphql_response(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ terms "}, headers={"accept": GRAPHQL_RESPONSE}
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json() == {
        "errors": [
            {
                "message": "Syntax Error: Expected Name, found <EOF>.",
                "locations": [{"line": 1, "column": 9}],
                "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
            }
        ]
    }


@pytest.mark.parametrize(
    ("accept", "status"), [("application/json", 200), (GRAPHQL_RESPONSE, 400)]
)
async def test_unknown_field_fails_validation(
    client: httpx.AsyncClient, accept: str, status: int
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ grades }"}, headers={"accept": accept}
    )

    assert response.status_code == status
    body = response.json()
    assert "data" not in body
    assert len(body["errors"]) == 1
    assert body["errors"][0]["message"].startswith(
        "Cannot query field 'grades' on type 'Query'."
    )
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


async def test_invalid_variable_is_bad_input(client: httpx.AsyncClient) -> None:
    query = "query($n: Int) { terms(first: $n) { edges { cursor } } }"

    response = await client.post(
        "/graphql", json={"query": query, "variables": {"n": "ten"}}
    )

    assert response.status_code == 200
    assert "data" not in response.json()
    assert response.json()["errors"] == [
        {
            "message": "Variable '$n' has invalid value: Int cannot represent "
            "non-integer value: 'ten'",
            "locations": [{"line": 1, "column": 7}],
            "extensions": {"code": "BAD_USER_INPUT"},
        }
    ]
