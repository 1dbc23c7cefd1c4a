"""Document limits, query cost and production exposure, over HTTP."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from tests.auth import create_student_account, headers_for
from tests.conftest import make_settings, serve
from tests.graphql_client import execute

ROSTER = """
{ courses(first: 20) { edges { node {
    code title
    teacher { fullName department }
    enrollments(first: 50) { edges { node { status student { fullName studentNumber } } } }
} } } }
"""


async def test_depth_over_limit_rejected(postgres_url: str) -> None:
    settings = make_settings(postgres_url, max_query_depth=7)
    query = "{ courses { edges { node { teacher { courses { edges { node { code } } } } } } } }"
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, query)

    assert response.status == 200
    assert "data" not in response.body
    assert response.error_codes == ["QUERY_TOO_COMPLEX"]
    assert response.errors[0]["message"] == (
        "The operation is nested 8 levels deep; the maximum depth is 7."
    )


async def test_depth_counts_fragments(postgres_url: str) -> None:
    settings = make_settings(postgres_url, max_query_depth=4)
    query = """
    { courses { ...Edges } }
    fragment Edges on CourseConnection { edges { node { teacher { fullName } } } }
    """
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, query)

    assert response.error_codes == ["QUERY_TOO_COMPLEX"]
    assert response.errors[0]["message"] == (
        "The operation is nested 5 levels deep; the maximum depth is 4."
    )


async def test_aliases_over_limit_rejected(postgres_url: str) -> None:
    settings = make_settings(postgres_url, max_query_aliases=3)
    query = "{ a: __typename b: __typename c: __typename d: __typename }"
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, query)

    assert response.error_codes == ["QUERY_TOO_COMPLEX"]
    assert response.errors[0]["message"] == (
        "The operation uses 4 aliases; the maximum is 3."
    )


async def test_aliases_within_limit_allowed(postgres_url: str) -> None:
    settings = make_settings(postgres_url, max_query_aliases=3)
    query = "{ a: __typename b: __typename c: __typename }"
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, query)

    assert response.errors == []
    assert response.data == {"a": "Query", "b": "Query", "c": "Query"}


async def test_tokens_over_limit_rejected(postgres_url: str) -> None:
    settings = make_settings(postgres_url, max_query_tokens=50)
    query = "{ " + " ".join("__typename" for _ in range(60)) + " }"
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, query)

    assert response.error_codes == ["GRAPHQL_PARSE_FAILED"]
    assert response.errors[0]["message"] == (
        "Syntax Error: Document contains more than 50 tokens. Parsing aborted."
    )


async def test_query_length_over_limit_rejected(postgres_url: str) -> None:
    settings = make_settings(postgres_url, max_query_length=100)
    query = "{ __typename }" + " " * 200
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, query)

    assert response.error_codes == ["GRAPHQL_PARSE_FAILED"]
    assert "100" in response.errors[0]["message"]


async def test_cost_over_limit_rejected(postgres_url: str) -> None:
    settings = make_settings(postgres_url, max_query_cost=3000)
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, ROSTER)

    assert response.status == 200
    assert response.error_codes == ["QUERY_TOO_COMPLEX"]
    assert response.errors[0]["message"] == (
        "The operation costs 3081 points; the maximum per operation is 3000. "
        "Ask for fewer items with `first` or `last`, or split the operation."
    )


async def test_cost_uses_variables(postgres_url: str) -> None:
    query = """
    query Catalogue($size: Int) { courses(first: $size) { edges { node { teacher { fullName } } } } }
    """
    async with serve(make_settings(postgres_url)) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            response = await execute(client, query, {"size": 7})

    assert response.errors == []
    assert response.body["extensions"]["cost"]["requested"] == 1 + 7 * 3


async def test_cost_reported_in_extensions(postgres_url: str) -> None:
    settings = make_settings(
        postgres_url, rate_limit_capacity=10_000, rate_limit_refill_per_second=0.001
    )
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, ROSTER)

    assert response.errors == []
    assert response.body["extensions"]["cost"] == {
        "requested": 3081,
        "remaining": 10_000 - 3081,
        "capacity": 10_000,
        "refillPerSecond": 0.001,
    }


async def test_rate_limit_field_spends_nothing(postgres_url: str) -> None:
    settings = make_settings(
        postgres_url, rate_limit_capacity=500, rate_limit_refill_per_second=0.001
    )
    query = "{ rateLimit { capacity remaining refillPerSecond } }"
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        first = await execute(client, query)
        second = await execute(client, query)

    assert first.data == {
        "rateLimit": {"capacity": 500, "remaining": 500, "refillPerSecond": 0.001}
    }
    assert second.data == first.data
    assert second.body["extensions"]["cost"]["requested"] == 0


async def test_throttled_request_gets_429(postgres_url: str) -> None:
    settings = make_settings(
        postgres_url, rate_limit_capacity=40, rate_limit_refill_per_second=0.001
    )
    query = "{ courses(first: 10) { edges { node { teacher { fullName } } } } }"
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        allowed = await execute(client, query)
        throttled = await execute(client, query)

    assert allowed.status == 200
    assert allowed.body["extensions"]["cost"]["remaining"] == 40 - 31
    assert throttled.status == 429
    assert throttled.headers["retry-after"] == "22000"
    assert "data" not in throttled.body
    assert throttled.error_codes == ["RATE_LIMITED"]
    error = throttled.errors[0]
    assert error["message"] == (
        "The operation costs 31 points but only 9 are left in this client's "
        "budget; retry after 22000.0 seconds."
    )
    assert error["extensions"]["retryAfterSeconds"] == 22000.0


@pytest.mark.parametrize(
    ("query", "forbidden_words"),
    [
        ("{ __schema { types { name } } }", ["Student", "Course", "Teacher"]),
        ('{ __type(name: "Student") { name fields { name } } }', ["studentNumber"]),
        (
            "{ studnts(first: 1) { edges { node { id } } } }",
            ["students", "Did you mean"],
        ),
        ('{ course(code: "X") { titel } }', ["title", "Did you mean"]),
        ("{ me { emial } }", ["email", "Did you mean"]),
    ],
)
async def test_production_hides_schema(
    postgres_url: str, query: str, forbidden_words: list[str]
) -> None:
    settings = make_settings(postgres_url, introspection_enabled=False)
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, query)

    assert response.error_codes
    assert set(response.error_codes) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "data" not in response.body
    for word in forbidden_words:
        assert word not in response.text


async def test_production_still_answers_typename(postgres_url: str) -> None:
    settings = make_settings(postgres_url, introspection_enabled=False)
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, "{ __typename }")

    assert response.errors == []
    assert response.data == {"__typename": "Query"}


async def test_development_suggests_field_names(client: httpx.AsyncClient) -> None:
    response = await execute(client, "{ studnts(first: 1) { edges { node { id } } } }")

    assert response.errors[0]["message"] == (
        "Cannot query field 'studnts' on type 'Query'. Did you mean 'students'"
        " or 'student'?"
    )


async def test_graphiql_off_in_production(postgres_url: str) -> None:
    settings = make_settings(postgres_url, graphiql_enabled=False)
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await client.get("/graphql", headers={"accept": "text/html"})

    assert response.status_code == 404
    assert "graphiql" not in response.text.lower()


async def test_budget_kept_per_viewer(session: AsyncSession, postgres_url: str) -> None:
    first = await create_student_account(session)
    second = await create_student_account(session)
    await session.commit()
    settings = make_settings(
        postgres_url, rate_limit_capacity=40, rate_limit_refill_per_second=0.001
    )
    query = "{ courses(first: 10) { edges { node { teacher { fullName } } } } }"

    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        first_headers = await headers_for(client, first)
        second_headers = await headers_for(client, second)
        first_spent = await execute(client, query, headers=first_headers)
        first_again = await execute(client, query, headers=first_headers)
        second_spent = await execute(client, query, headers=second_headers)
        anonymous = await execute(client, "{ rateLimit { remaining } }")

    assert first_spent.status == 200
    assert first_again.status == 429
    assert second_spent.status == 200
    assert second_spent.body["extensions"]["cost"]["remaining"] == 40 - 31
    # The log-ins above spent the address's budget, not the students'.
    assert anonymous.data["rateLimit"]["remaining"] < 40


DEEP_GRADES = """
query($f: Int) { courses(first: $f) { edges { node {
  enrollments(first: $f) { edges { node { grades(first: $f) { edges { node { id } } } } } }
} } } }
"""


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (DEEP_GRADES, {"f": 100}),
        # graphql-core coerces 100.0 to the Int 100.
        (DEEP_GRADES, {"f": 100.0}),
        # A default applies when the variable is left out.
        (DEEP_GRADES.replace("$f: Int", "$f: Int = 100"), {}),
    ],
)
async def test_cost_counts_coerced_page_sizes(
    postgres_url: str, query: str, variables: dict[str, object]
) -> None:
    settings = make_settings(postgres_url)
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await execute(client, query, variables)

    assert response.error_codes == ["QUERY_TOO_COMPLEX"]
    assert response.errors[0]["message"].startswith(
        "The operation costs 2030301 points; the maximum per operation is 20000."
    )


async def test_cost_counts_literal_id_lists(postgres_url: str) -> None:
    ids = ", ".join(f'"{to_global_id("Course", number)}"' for number in range(1, 41))
    query = (
        f"{{ nodes(ids: [{ids}]) {{ ... on Course {{ teacher {{ fullName }} }} }} }}"
    )
    async with serve(make_settings(postgres_url)) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            response = await execute(client, query)

    assert response.errors == []
    assert response.body["extensions"]["cost"]["requested"] == 1 + 40 * 1


async def test_introspection_has_a_price(postgres_url: str) -> None:
    aliased = " ".join(
        f"s{index}: __schema {{ types {{ name }} }}" for index in range(21)
    )
    async with serve(make_settings(postgres_url)) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            one = await execute(client, "{ __schema { types { name } } }")
            many = await execute(client, f"{{ {aliased} }}")

    assert one.body["extensions"]["cost"]["requested"] == 1000
    assert many.error_codes == ["QUERY_TOO_COMPLEX"]
    assert many.errors[0]["message"].startswith("The operation costs 21000 points")


@pytest.mark.parametrize(
    ("query", "variables", "where"),
    [
        (
            'mutation($e: String!) { logIn(email: $e, password: "whatever-123") '
            "{ accessToken } }",
            {"e": "a\u0000@example.test"},
            "variable `$e`",
        ),
        (
            '{ courses(filter: { search: "a\\u0000b" }) { edges { node { id } } } }',
            None,
            "a string in the document",
        ),
    ],
)
async def test_nul_character_rejected_everywhere(
    any_database_url: str, query: str, variables: dict[str, object] | None, where: str
) -> None:
    async with serve(make_settings(any_database_url)) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            response = await execute(client, query, variables)

    assert response.status == 200
    assert response.data is None
    assert response.error_codes == ["BAD_USER_INPUT"]
    assert response.errors[0]["message"] == (
        f"Text must not contain the NUL character (U+0000); remove it from {where}."
    )
