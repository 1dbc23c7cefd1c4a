"""Credential attempt limits: per field executed, per account, per address."""

import os
import uuid

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth import PASSWORD, create_student_account, log_in_response
from tests.conftest import make_settings, serve
from tests.graphql_client import execute

REDIS_URL = os.environ.get("SCHOOLGQL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WRONG_PASSWORD = "not the password at all"


def aliased_log_ins(email: str, count: int, *, password: str = WRONG_PASSWORD) -> str:
    fields = " ".join(
        f'a{index}: logIn(email: "{email}", password: "{password}") '
        "{ accessToken userErrors { code } }"
        for index in range(count)
    )
    return f"mutation {{ {fields} }}"


def redis_settings(postgres_url: str, **overrides: object):  # type: ignore[no-untyped-def]
    prefix = f"schoolgql-test:{uuid.uuid4().hex}:"
    return make_settings(
        postgres_url,
        redis_url=REDIS_URL,
        redis_key_prefix=prefix,
        cache_key_prefix=prefix,
        **overrides,
    )


async def test_aliased_log_ins_count_each_field(
    session: AsyncSession, postgres_url: str
) -> None:
    student = await create_student_account(session)
    await session.commit()
    settings = redis_settings(
        postgres_url, max_query_aliases=100, credential_attempts_per_account=10
    )
    # With the right password every field succeeds, so all of them run
    # until the limit stops the eleventh.
    query = aliased_log_ins(student.email, 50, password=PASSWORD)

    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, query)

    assert response.status == 200
    assert response.data is None
    assert len(response.errors) == 1
    error = response.errors[0]
    assert error["path"] == ["a10"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["message"].startswith("Too many logIn attempts; retry after ")
    assert 0 < error["extensions"]["retryAfterSeconds"] <= 900


async def test_aliased_wrong_passwords_stop_at_first(
    session: AsyncSession, postgres_url: str
) -> None:
    student = await create_student_account(session)
    await session.commit()
    settings = redis_settings(
        postgres_url, max_query_aliases=100, credential_attempts_per_account=3
    )
    query = aliased_log_ins(student.email, 50)

    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        aliased = await execute(client, query)
        following = [
            await log_in_response(client, student.email, WRONG_PASSWORD)
            for _ in range(3)
        ]

    # A failed logIn nulls the whole mutation, so the other 49 never run.
    assert aliased.data is None
    assert [error["path"] for error in aliased.errors] == [["a0"]]
    assert aliased.error_codes == ["UNAUTHENTICATED"]
    assert [response.error_codes for response in following] == [
        ["UNAUTHENTICATED"],
        ["UNAUTHENTICATED"],
        ["RATE_LIMITED"],
    ]


async def test_aliased_brute_force_hits_alias_limit(postgres_url: str) -> None:
    settings = redis_settings(postgres_url)

    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, aliased_log_ins("someone@example.test", 50))

    assert response.error_codes == ["QUERY_TOO_COMPLEX"]
    assert response.errors[0]["message"] == (
        "The operation uses 50 aliases; the maximum is 30."
    )


async def test_batched_log_ins_rejected(postgres_url: str) -> None:
    settings = redis_settings(postgres_url)
    operation = {
        "query": aliased_log_ins("someone@example.test", 1),
    }

    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await client.post(
            "/graphql",
            content=orjson.dumps([operation] * 20),
            headers={"content-type": "application/json"},
        )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_account_limit_holds_across_processes(
    session: AsyncSession, postgres_url: str
) -> None:
    student = await create_student_account(session)
    await session.commit()
    settings = redis_settings(postgres_url, credential_attempts_per_account=4)

    async with serve(settings) as first, serve(settings) as second:
        async with (
            httpx.AsyncClient(base_url=first.url) as first_client,
            httpx.AsyncClient(base_url=second.url) as second_client,
        ):
            responses = [
                await log_in_response(client, student.email, WRONG_PASSWORD)
                for client in (first_client, second_client) * 3
            ]
            correct = await log_in_response(second_client, student.email, PASSWORD)

    assert [response.error_codes for response in responses] == [
        ["UNAUTHENTICATED"]
    ] * 4 + [["RATE_LIMITED"]] * 2
    # A locked-out account stays locked even for the right password.
    assert correct.error_codes == ["RATE_LIMITED"]
    assert correct.data is None


async def test_address_limit_spans_accounts(postgres_url: str) -> None:
    settings = redis_settings(postgres_url, credential_attempts_per_address=3)

    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        responses = [
            await log_in_response(client, f"nobody{index}@example.test", WRONG_PASSWORD)
            for index in range(5)
        ]

    assert [response.error_codes for response in responses] == [
        ["UNAUTHENTICATED"]
    ] * 3 + [["RATE_LIMITED"]] * 2
