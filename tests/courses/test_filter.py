"""The course filter, on PostgreSQL and on SQLite."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_course, create_teacher, create_term
from tests.graphql_client import execute
from tests.ids import to_global_id

COURSES = """query($filter: CourseFilter, $first: Int, $after: String) {
  courses(filter: $filter, first: $first, after: $after) {
    edges { cursor node { code } } pageInfo { hasNextPage }
  }
}"""


def codes(response_data: dict[str, object]) -> list[str]:
    edges = response_data["courses"]["edges"]  # type: ignore[index]
    return [edge["node"]["code"] for edge in edges]


def filter_error(message: str, field: str) -> dict[str, object]:
    return {
        "message": message,
        "locations": [{"line": 2, "column": 3}],
        "path": ["courses"],
        "extensions": {"code": "BAD_USER_INPUT", "field": field},
    }


async def test_filter_by_term(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    autumn = await create_term(any_session)
    spring = await create_term(any_session)
    await create_course(any_session, code="A-1", term_id=autumn.id)
    await create_course(any_session, code="S-1", term_id=spring.id)
    await create_course(any_session, code="A-2", term_id=autumn.id)
    await any_session.commit()

    response = await execute(
        any_client, COURSES, {"filter": {"termId": to_global_id("Term", autumn.id)}}
    )

    assert response.errors == []
    assert codes(response.data) == ["A-1", "A-2"]


async def test_filter_by_teacher(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    ada = await create_teacher(any_session)
    alan = await create_teacher(any_session)
    await create_course(any_session, code="ADA-1", teacher_id=ada.id)
    await create_course(any_session, code="ALAN-1", teacher_id=alan.id)
    await create_course(any_session, code="NONE-1")
    await any_session.commit()

    response = await execute(
        any_client, COURSES, {"filter": {"teacherId": to_global_id("Teacher", ada.id)}}
    )

    assert response.errors == []
    assert codes(response.data) == ["ADA-1"]


async def test_filter_by_term_and_teacher(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    term = await create_term(any_session)
    teacher = await create_teacher(any_session)
    await create_course(
        any_session, code="BOTH-1", term_id=term.id, teacher_id=teacher.id
    )
    await create_course(any_session, code="TERM-1", term_id=term.id)
    await create_course(any_session, code="TEACHER-1", teacher_id=teacher.id)
    await any_session.commit()
    course_filter = {
        "termId": to_global_id("Term", term.id),
        "teacherId": to_global_id("Teacher", teacher.id),
    }

    response = await execute(any_client, COURSES, {"filter": course_filter})

    assert codes(response.data) == ["BOTH-1"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("math", ["MATH-101", "MATH-102"]),
        ("ALGEBRA", ["MATH-101"]),
        ("  history ", ["HIST-101"]),
        ("101", ["MATH-101", "HIST-101"]),
    ],
)
async def test_search_ignores_case(
    any_session: AsyncSession,
    any_client: httpx.AsyncClient,
    search: str,
    expected: list[str],
) -> None:
    await create_course(any_session, code="MATH-101", title="Algebra")
    await create_course(any_session, code="MATH-102", title="Geometry")
    await create_course(any_session, code="HIST-101", title="Modern History")
    await any_session.commit()

    response = await execute(any_client, COURSES, {"filter": {"search": search}})

    assert response.errors == []
    assert codes(response.data) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("%", ["PCT-1"]),
        ("100%", ["PCT-1"]),
        ("_", ["UND_1"]),
        ("D_1", ["UND_1"]),
        ("\\", ["BSL-1"]),
        ("%_\\", []),
    ],
)
async def test_search_matches_wildcards_literally(
    any_session: AsyncSession,
    any_client: httpx.AsyncClient,
    search: str,
    expected: list[str],
) -> None:
    await create_course(any_session, code="PCT-1", title="100% Mathematics")
    await create_course(any_session, code="UND_1", title="Physics")
    await create_course(any_session, code="UNDX1", title="Chemistry")
    await create_course(any_session, code="BSL-1", title="Paths like C:\\School")
    await any_session.commit()

    response = await execute(any_client, COURSES, {"filter": {"search": search}})

    assert response.errors == []
    assert codes(response.data) == expected


async def test_search_pages_with_cursor(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    for number in range(1, 6):
        await create_course(any_session, code=f"MATH-{number}")
        await create_course(any_session, code=f"ARTS-{number}")
    await any_session.commit()
    variables: dict[str, object] = {"filter": {"search": "math"}, "first": 3}

    first = await execute(any_client, COURSES, variables)
    after = first.data["courses"]["edges"][-1]["cursor"]
    second = await execute(any_client, COURSES, variables | {"after": after})

    assert codes(first.data) == ["MATH-1", "MATH-2", "MATH-3"]
    assert first.data["courses"]["pageInfo"] == {"hasNextPage": True}
    assert codes(second.data) == ["MATH-4", "MATH-5"]
    assert second.data["courses"]["pageInfo"] == {"hasNextPage": False}


INVALID_SEARCHES = {
    "101 characters": (
        "m" * 101,
        "`filter.search` must be 1 to 100 characters long; got 101.",
    ),
    "blank": ("   ", "`filter.search` must be 1 to 100 characters long; got 0."),
    "line break": (
        "math\nhistory",
        "`filter.search` must not contain line breaks or control characters.",
    ),
    # A NUL character is rejected for every field before execution.
    "control character": (
        "math\x07",
        "`filter.search` must not contain line breaks or control characters.",
    ),
}


@pytest.mark.parametrize(
    ("search", "message"), INVALID_SEARCHES.values(), ids=INVALID_SEARCHES
)
async def test_invalid_search_rejected(
    any_client: httpx.AsyncClient, search: str, message: str
) -> None:
    response = await execute(any_client, COURSES, {"filter": {"search": search}})

    assert response.data is None
    assert response.errors == [filter_error(message, "filter.search")]


async def test_term_filter_rejects_teacher_id(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    teacher = await create_teacher(any_session)
    await any_session.commit()

    response = await execute(
        any_client,
        COURSES,
        {"filter": {"termId": to_global_id("Teacher", teacher.id)}},
    )

    assert response.data is None
    assert response.errors == [
        filter_error(
            "`filter.termId` must be the ID of a Term; got the ID of a Teacher.",
            "filter.termId",
        )
    ]


async def test_teacher_filter_rejects_invalid_id(
    any_client: httpx.AsyncClient,
) -> None:
    response = await execute(any_client, COURSES, {"filter": {"teacherId": "abc"}})

    assert response.data is None
    assert response.errors == [
        filter_error(
            "`filter.teacherId` is not a valid ID. Pass the `id` of an object "
            "returned by this API.",
            "filter.teacherId",
        )
    ]
