"""Page sizes, cursors and paging directions, on PostgreSQL and on SQLite."""

import base64

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from tests.conftest import LiveServer
from tests.factories import (
    create_course,
    create_enrollment,
    create_student,
    create_term,
)
from tests.graphql_client import execute

MAX_PAGE_SIZE = 100
COURSE_IDS = (
    "{ edges { cursor node { id } } "
    "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }"
)
COURSES_PAGE = "query($first: Int, $after: String, $last: Int, $before: String) {"
COURSES_PAGE += " courses(first: $first, after: $after, last: $last, before: $before)"
COURSES_PAGE += f" {COURSE_IDS} }}"


def bad_cursor_error(argument: str, node_type: str) -> dict[str, object]:
    return {
        "message": f"`{argument}` is not a valid cursor for this {node_type} "
        "connection. Pass a cursor from this connection's edges or pageInfo.",
        "locations": [{"line": 1, "column": 67}],
        "path": ["courses"],
        "extensions": {"code": "BAD_USER_INPUT", "field": argument},
    }


async def create_courses(session: AsyncSession, count: int) -> list[str]:
    """Create `count` courses in one term and return their global ids in id order."""
    term = await create_term(session)
    courses = [await create_course(session, term_id=term.id) for _ in range(count)]
    await session.commit()
    return [to_global_id("Course", course.id) for course in courses]


def node_ids(connection: dict[str, object]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]  # type: ignore[attr-defined, index]


@pytest.mark.parametrize("first", [MAX_PAGE_SIZE + 1, 1_000_000])
async def test_first_above_maximum_rejected(
    any_server: LiveServer, any_client: httpx.AsyncClient, first: int
) -> None:
    with any_server.count_statements() as statements:
        response = await execute(any_client, COURSES_PAGE, {"first": first})

    assert response.status == 200
    assert response.data is None
    assert response.errors == [
        {
            "message": f"`first` must be between 0 and 100; got {first}.",
            "locations": [{"line": 1, "column": 67}],
            "path": ["courses"],
            "extensions": {"code": "BAD_USER_INPUT", "field": "first"},
        }
    ]
    assert statements.count == 0


@pytest.mark.parametrize("argument", ["first", "last"])
async def test_negative_size_rejected_before_sql(
    any_server: LiveServer,
    any_session: AsyncSession,
    any_client: httpx.AsyncClient,
    argument: str,
) -> None:
    # SQLite reads a negative LIMIT as no limit, so -1 must never reach it.
    await create_courses(any_session, 3)

    with any_server.count_statements() as statements:
        response = await execute(any_client, COURSES_PAGE, {argument: -1})

    assert response.status == 200
    assert response.data is None
    assert response.errors == [
        {
            "message": f"`{argument}` must be between 0 and 100; got -1.",
            "locations": [{"line": 1, "column": 67}],
            "path": ["courses"],
            "extensions": {"code": "BAD_USER_INPUT", "field": argument},
        }
    ]
    assert statements.count == 0


@pytest.mark.parametrize("argument", ["first", "last"])
async def test_maximum_page_limits_sql_rows(
    any_server: LiveServer,
    any_session: AsyncSession,
    any_client: httpx.AsyncClient,
    argument: str,
) -> None:
    ids = await create_courses(any_session, 3)

    with any_server.count_statements() as statements:
        response = await execute(any_client, COURSES_PAGE, {argument: MAX_PAGE_SIZE})

    assert response.status == 200
    assert node_ids(response.data["courses"]) == ids
    assert statements.row_bounds() == [MAX_PAGE_SIZE + 1]


async def test_zero_first_returns_empty_page(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    await create_courses(any_session, 2)

    response = await execute(any_client, COURSES_PAGE, {"first": 0})

    assert response.errors == []
    assert response.data == {
        "courses": {
            "edges": [],
            "pageInfo": {
                "hasNextPage": True,
                "hasPreviousPage": False,
                "startCursor": None,
                "endCursor": None,
            },
        }
    }


async def test_first_and_last_together_rejected(
    any_client: httpx.AsyncClient,
) -> None:
    response = await execute(any_client, COURSES_PAGE, {"first": 1, "last": 1})

    assert response.data is None
    assert response.errors == [
        {
            "message": "Pass either `first` or `last`, not both.",
            "locations": [{"line": 1, "column": 67}],
            "path": ["courses"],
            "extensions": {"code": "BAD_USER_INPUT", "field": "first"},
        }
    ]


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


INVALID_CURSORS = {
    "punctuation": "!!!",
    "one character": "0",
    "base64 of junk": base64.b64encode(b"\xff\xfe junk \x00").decode(),
    "base64 of text": _cursor("hello, world"),
    "10,000 characters": "A" * 10_000,
    "negative id": _cursor("cursor:v1:Course:-1"),
    "id beyond integer": _cursor("cursor:v1:Course:2147483648"),
    "leading zero": _cursor("cursor:v1:Course:01"),
    "extra padding": _cursor("cursor:v1:Course:1") + "====",
    "junk inside": "!" + _cursor("cursor:v1:Course:1"),
    "other version": _cursor("cursor:v2:Course:1"),
}


@pytest.mark.parametrize("cursor", INVALID_CURSORS.values(), ids=INVALID_CURSORS)
@pytest.mark.parametrize("argument", ["after", "before"])
async def test_invalid_cursor_rejected(
    any_server: LiveServer,
    any_session: AsyncSession,
    any_client: httpx.AsyncClient,
    argument: str,
    cursor: str,
) -> None:
    await create_courses(any_session, 2)

    with any_server.count_statements() as statements:
        response = await execute(any_client, COURSES_PAGE, {argument: cursor})

    assert response.status == 200
    assert response.data is None
    assert response.errors == [bad_cursor_error(argument, "Course")]
    assert "padding" not in response.text.lower()
    assert statements.count == 0


async def test_student_cursor_rejected_on_courses(
    any_session: AsyncSession,
    any_client: httpx.AsyncClient,
    any_admin_headers: dict[str, str],
) -> None:
    await create_student(any_session)
    await create_courses(any_session, 2)
    students = await execute(
        any_client,
        "{ students(first: 1) { edges { cursor } } }",
        headers=any_admin_headers,
    )
    student_cursor = students.data["students"]["edges"][0]["cursor"]

    response = await execute(any_client, COURSES_PAGE, {"after": student_cursor})

    assert response.data is None
    assert response.errors == [bad_cursor_error("after", "Course")]


async def test_forward_paging_walks_every_course(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    ids = await create_courses(any_session, 5)

    first = await execute(any_client, COURSES_PAGE, {"first": 2})
    after = first.data["courses"]["pageInfo"]["endCursor"]
    second = await execute(any_client, COURSES_PAGE, {"first": 2, "after": after})
    after = second.data["courses"]["pageInfo"]["endCursor"]
    third = await execute(any_client, COURSES_PAGE, {"first": 2, "after": after})

    assert node_ids(first.data["courses"]) == ids[0:2]
    assert node_ids(second.data["courses"]) == ids[2:4]
    assert node_ids(third.data["courses"]) == ids[4:5]
    assert first.data["courses"]["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": first.data["courses"]["edges"][0]["cursor"],
        "endCursor": first.data["courses"]["edges"][1]["cursor"],
    }
    assert second.data["courses"]["pageInfo"]["hasNextPage"] is True
    assert second.data["courses"]["pageInfo"]["hasPreviousPage"] is True
    assert third.data["courses"]["pageInfo"]["hasNextPage"] is False
    assert third.data["courses"]["pageInfo"]["hasPreviousPage"] is True


async def test_backward_paging_walks_every_course(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    ids = await create_courses(any_session, 5)

    last = await execute(any_client, COURSES_PAGE, {"last": 2})
    before = last.data["courses"]["pageInfo"]["startCursor"]
    middle = await execute(any_client, COURSES_PAGE, {"last": 2, "before": before})
    before = middle.data["courses"]["pageInfo"]["startCursor"]
    start = await execute(any_client, COURSES_PAGE, {"last": 2, "before": before})

    assert node_ids(last.data["courses"]) == ids[3:5]
    assert node_ids(middle.data["courses"]) == ids[1:3]
    assert node_ids(start.data["courses"]) == ids[0:1]
    assert last.data["courses"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": last.data["courses"]["edges"][0]["cursor"],
        "endCursor": last.data["courses"]["edges"][1]["cursor"],
    }
    assert middle.data["courses"]["pageInfo"]["hasNextPage"] is True
    assert middle.data["courses"]["pageInfo"]["hasPreviousPage"] is True
    assert start.data["courses"]["pageInfo"]["hasNextPage"] is True
    assert start.data["courses"]["pageInfo"]["hasPreviousPage"] is False


async def test_after_and_before_bound_page(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    ids = await create_courses(any_session, 5)
    everything = await execute(any_client, COURSES_PAGE, {"first": 5})
    cursors = [edge["cursor"] for edge in everything.data["courses"]["edges"]]

    response = await execute(
        any_client, COURSES_PAGE, {"after": cursors[0], "before": cursors[4]}
    )

    assert node_ids(response.data["courses"]) == ids[1:4]


ENROLLMENT_PAGES = """
query($first: Int, $after: String, $last: Int, $before: String) {
  courses(first: 10) {
    edges { node {
      code
      enrollments(first: $first, after: $after, last: $last, before: $before) {
        edges { cursor node { student { studentNumber } } }
        pageInfo { hasNextPage hasPreviousPage }
      }
    } }
  }
}
"""


async def create_rosters(session: AsyncSession) -> None:
    """Create two courses, A and B, with three students each."""
    term = await create_term(session)
    for code in ("A", "B"):
        course = await create_course(session, code=code, term_id=term.id)
        for number in range(1, 4):
            student = await create_student(session, student_number=f"{code}{number}")
            await create_enrollment(session, student=student, course=course)
    await session.commit()


def roster(course: dict[str, object]) -> list[str]:
    edges = course["enrollments"]["edges"]  # type: ignore[index]
    return [edge["node"]["student"]["studentNumber"] for edge in edges]


async def test_nested_first_pages_each_course(
    any_session: AsyncSession,
    any_client: httpx.AsyncClient,
    any_admin_headers: dict[str, str],
) -> None:
    await create_rosters(any_session)

    response = await execute(
        any_client, ENROLLMENT_PAGES, {"first": 2}, headers=any_admin_headers
    )

    courses = [edge["node"] for edge in response.data["courses"]["edges"]]
    assert [course["code"] for course in courses] == ["A", "B"]
    assert [roster(course) for course in courses] == [["A1", "A2"], ["B1", "B2"]]
    for course in courses:
        assert course["enrollments"]["pageInfo"] == {
            "hasNextPage": True,
            "hasPreviousPage": False,
        }


async def test_nested_last_pages_each_course(
    any_session: AsyncSession,
    any_client: httpx.AsyncClient,
    any_admin_headers: dict[str, str],
) -> None:
    await create_rosters(any_session)

    response = await execute(
        any_client, ENROLLMENT_PAGES, {"last": 2}, headers=any_admin_headers
    )

    courses = [edge["node"] for edge in response.data["courses"]["edges"]]
    assert [roster(course) for course in courses] == [["A2", "A3"], ["B2", "B3"]]
    for course in courses:
        assert course["enrollments"]["pageInfo"] == {
            "hasNextPage": False,
            "hasPreviousPage": True,
        }


async def test_nested_after_continues_course(
    any_session: AsyncSession,
    any_client: httpx.AsyncClient,
    any_admin_headers: dict[str, str],
) -> None:
    await create_rosters(any_session)
    first = await execute(
        any_client, ENROLLMENT_PAGES, {"first": 1}, headers=any_admin_headers
    )
    course_a = first.data["courses"]["edges"][0]["node"]
    after = course_a["enrollments"]["edges"][0]["cursor"]

    response = await execute(
        any_client, ENROLLMENT_PAGES, {"after": after}, headers=any_admin_headers
    )

    courses = [edge["node"] for edge in response.data["courses"]["edges"]]
    # Enrollment ids grow across courses, so B's rows all follow A1's cursor.
    assert [roster(course) for course in courses] == [
        ["A2", "A3"],
        ["B1", "B2", "B3"],
    ]
    assert courses[0]["enrollments"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
    }


async def test_nested_page_size_limits_sql_rows(
    any_server: LiveServer,
    any_session: AsyncSession,
    any_client: httpx.AsyncClient,
    any_admin_headers: dict[str, str],
) -> None:
    await create_rosters(any_session)

    with any_server.count_statements() as statements:
        response = await execute(
            any_client,
            ENROLLMENT_PAGES,
            {"first": MAX_PAGE_SIZE},
            headers=any_admin_headers,
        )

    assert len(response.data["courses"]["edges"]) == 2
    # The courses page (10 + 1 rows), then one window over both rosters.
    assert sorted(statements.row_bounds()) == [11, MAX_PAGE_SIZE + 1]


async def test_nested_course_cursor_rejected(
    any_session: AsyncSession,
    any_client: httpx.AsyncClient,
    any_admin_headers: dict[str, str],
) -> None:
    await create_rosters(any_session)
    courses = await execute(any_client, COURSES_PAGE, {"first": 1})
    course_cursor = courses.data["courses"]["edges"][0]["cursor"]

    response = await execute(
        any_client,
        ENROLLMENT_PAGES,
        {"after": course_cursor},
        headers=any_admin_headers,
    )

    # The first error nulls the whole non-null `courses`, so it is the only one.
    assert response.data is None
    assert response.errors == [
        {
            "message": "`after` is not a valid cursor for this Enrollment "
            "connection. Pass a cursor from this connection's edges or pageInfo.",
            "locations": [{"line": 6, "column": 7}],
            "path": ["courses", "edges", 0, "node", "enrollments"],
            "extensions": {"code": "BAD_USER_INPUT", "field": "after"},
        },
    ]
