"""Every response carries a request id, and each request is logged once."""

import logging

import httpx
import pytest

from tests.conftest import LiveServer


def access_lines(logs: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in logs.records if record.name == "schoolgql.access"]


async def send_every_kind(client: httpx.AsyncClient) -> list[httpx.Response]:
    query = "{ terms { edges { cursor } } }"
    json_headers = {"content-type": "application/json"}
    return [
        await client.post("/graphql", json={"query": query}),
        await client.get("/graphql", params={"query": query}),
        await client.get("/graphql", headers={"accept": "text/html"}),
        await client.get("/graphql", params={"query": "mutation { __typename }"}),
        await client.post("/graphql", content=b"{", headers=json_headers),
        await client.post("/graphql", json={"query": "{ terms "}),
        await client.put("/graphql", content=b""),
        await client.get("/healthz"),
        await client.get("/readyz"),
        await client.get("/no-such-page"),
    ]


async def test_every_response_has_request_id(
    server: LiveServer, client: httpx.AsyncClient
) -> None:
    responses = await send_every_kind(client)

    assert [response.status_code for response in responses] == [
        200,
        200,
        200,
        405,
        400,
        200,
        405,
        200,
        200,
        404,
    ]
    request_ids = [response.headers.get("x-request-id") for response in responses]
    assert all(request_ids)
    assert len(set(request_ids)) == len(responses)


async def test_access_log_one_line_per_request(
    client: httpx.AsyncClient, logs: pytest.LogCaptureFixture
) -> None:
    responses = await send_every_kind(client)

    lines = access_lines(logs)
    assert len(lines) == len(responses)
    for response, line in zip(responses, lines, strict=True):
        assert line.request_id == response.headers["x-request-id"]  # type: ignore[attr-defined]
        assert line.getMessage().startswith(
            f"{response.request.method} {response.request.url.path} "
            f"{response.status_code} "
        )


async def test_plain_client_request_id_reused(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"x-request-id": "trace-0001.a_b"})

    assert response.headers["x-request-id"] == "trace-0001.a_b"


@pytest.mark.parametrize(
    "incoming", ["short", "x" * 65, "has space inside", "line\\nbreak00"]
)
async def test_unsafe_client_request_id_replaced(
    client: httpx.AsyncClient, incoming: str
) -> None:
    response = await client.get("/healthz", headers={"x-request-id": incoming})

    request_id = response.headers["x-request-id"]
    assert request_id != incoming
    assert len(request_id) == 32
    assert int(request_id, 16) >= 0


async def test_crashed_request_has_request_id(
    server: LiveServer,
    client: httpx.AsyncClient,
    logs: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = next(
        route.endpoint  # type: ignore[attr-defined]
        for route in server.app.routes
        if getattr(route, "path", None) == "/graphql"
    )

    async def broken_get_context(*args: object, **kwargs: object) -> None:
        raise RuntimeError("context failed")

    monkeypatch.setattr(view, "get_context", broken_get_context)

    response = await client.post("/graphql", json={"query": "{ __typename }"})

    request_id = response.headers["x-request-id"]
    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {
                "message": "Internal server error. Report the request ID to the "
                "operators of this service.",
                "extensions": {
                    "code": "INTERNAL_SERVER_ERROR",
                    "requestId": request_id,
                },
            }
        ]
    }
    assert "context failed" not in response.text
    [error] = [record for record in logs.records if record.levelno >= logging.ERROR]
    assert error.request_id == request_id  # type: ignore[attr-defined]
    assert error.exc_info is not None
    assert str(error.exc_info[1]) == "context failed"
    [line] = access_lines(logs)
    assert line.getMessage().startswith("POST /graphql 500 ")
