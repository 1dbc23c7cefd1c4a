"""Batched loading: statement counts, concurrency and per-request loaders."""

import asyncio
import logging
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from schoolgql.database import Database
from schoolgql.graphql.context import RequestContext
from schoolgql.graphql.view import GraphQLView
from schoolgql.models import User
from tests.auth import create_admin, headers_for
from tests.conftest import SERVER_URL, LiveServer, make_settings, serve
from tests.factories import (
    create_assessment,
    create_course,
    create_enrollment,
    create_grade,
    create_student,
    create_teacher,
    create_term,
)
from tests.graphql_client import execute
from tests.ids import to_global_id

DEEP_COURSE = """
query($id: ID!) {
  course(id: $id) {
    code
    term { name }
    teacher { fullName }
    enrollments(first: 10) { edges { node {
      status
      student {
        fullName
        grades(first: 10) { edges { node { score assessment { title } } } }
      }
    } } }
  }
}
"""
ROSTERS = """
query($size: Int) { courses(first: 20) { edges { node {
  code title
  teacher { fullName department }
  enrollments(first: $size) { edges { node {
    status student { fullName studentNumber }
  } } }
} } } }
"""
# The same roster with the student's fields in fragments: the enrollment
# pages must still be loaded with their students.
ROSTERS_WITH_FRAGMENTS = """
query($size: Int) { courses(first: 20) { edges { node {
  code title
  teacher { fullName department }
  enrollments(first: $size) { ...Roster }
} } } }
fragment Roster on EnrollmentConnection {
  edges { node { ... on Enrollment { status student { ...Name } } } }
}
fragment Name on Student { fullName studentNumber }
"""
POOL_SIZE = 5
CLIENTS = 10
REQUESTS_PER_CLIENT = 20


async def create_graded_course(session: AsyncSession) -> tuple[str, dict[str, Any]]:
    """Create a course with three graded students and return its id and query data."""
    term = await create_term(session, name="Autumn 2026")
    teacher = await create_teacher(session, full_name="Alan Bauer")
    course = await create_course(
        session, code="MATH-101", term_id=term.id, teacher_id=teacher.id
    )
    quiz = await create_assessment(session, course=course, title="Quiz")
    exam = await create_assessment(session, course=course, title="Exam")
    edges = []
    for number in range(1, 4):
        student = await create_student(session, full_name=f"Student {number}")
        enrollment = await create_enrollment(session, student=student, course=course)
        for assessment, score in ((quiz, 50 + number), (exam, 70 + number)):
            await create_grade(
                session,
                enrollment=enrollment,
                assessment=assessment,
                score=Decimal(score),
            )
        grades = [
            {"node": {"score": 50.0 + number, "assessment": {"title": "Quiz"}}},
            {"node": {"score": 70.0 + number, "assessment": {"title": "Exam"}}},
        ]
        student_data = {"fullName": f"Student {number}", "grades": {"edges": grades}}
        edges.append({"node": {"status": "ACTIVE", "student": student_data}})
    await session.commit()

    expected = {
        "course": {
            "code": "MATH-101",
            "term": {"name": "Autumn 2026"},
            "teacher": {"fullName": "Alan Bauer"},
            "enrollments": {"edges": edges},
        }
    }
    return to_global_id("Course", course.id), expected


async def connections_to(database_url: str) -> int:
    """Count the sessions PostgreSQL has open to the database of `database_url`."""
    name = make_url(database_url).database
    engine = create_async_engine(SERVER_URL)
    try:
        async with engine.connect() as connection:
            count = await connection.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )
    finally:
        await engine.dispose()
    return int(count or 0)


async def test_deep_query_complete_under_load(
    postgres_url: str,
    session: AsyncSession,
    database: Database,
    logs: pytest.LogCaptureFixture,
) -> None:
    course_id, expected = await create_graded_course(session)
    admin = await create_admin(session)
    await session.commit()
    await session.close()
    await database.dispose()
    settings = make_settings(
        postgres_url, database_pool_size=POOL_SIZE, database_max_overflow=POOL_SIZE
    )

    async def run_client(url: str) -> list[Any]:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            return [
                (await execute(client, DEEP_COURSE, variables, headers=headers)).body
                for _ in range(REQUESTS_PER_CLIENT)
            ]

    async with serve(settings) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            headers = await headers_for(client, admin)
        variables = {"id": course_id}
        batches = await asyncio.gather(
            *(run_client(server.url) for _ in range(CLIENTS))
        )
        pool = server.database.engine.pool
        checked_out = pool.checkedout()  # type: ignore[attr-defined]
        idle = pool.checkedin()  # type: ignore[attr-defined]
        open_connections = await connections_to(postgres_url)

    bodies = [body for batch in batches for body in batch]
    assert len(bodies) == CLIENTS * REQUESTS_PER_CLIENT
    assert [body.get("errors") for body in bodies] == [None] * len(bodies)
    assert all(body["data"] == expected for body in bodies)
    assert "MissingGreenlet" not in logs.text
    assert [record for record in logs.records if record.levelno >= logging.ERROR] == []
    assert checked_out == 0
    assert idle <= POOL_SIZE
    assert open_connections <= POOL_SIZE


@pytest.mark.parametrize("page_size", [5, 50])
@pytest.mark.parametrize("document", [ROSTERS, ROSTERS_WITH_FRAGMENTS])
async def test_roster_statements_per_level(
    server: LiveServer,
    session: AsyncSession,
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    page_size: int,
    document: str,
) -> None:
    term = await create_term(session)
    students = [await create_student(session) for _ in range(75)]
    for number in range(20):
        teacher = await create_teacher(session)
        course = await create_course(session, term_id=term.id, teacher_id=teacher.id)
        for student in students[number : number + 55]:
            await create_enrollment(session, student=student, course=course)
    await session.commit()
    # The engine's first connection runs the dialect's own set-up queries,
    # and a viewer's first request loads its token version into the cache.
    warm_up = "{ terms { edges { node { name } } } me { __typename } }"
    await execute(client, warm_up, headers=admin_headers)

    with server.count_statements() as statements:
        response = await execute(
            client, document, {"size": page_size}, headers=admin_headers
        )

    courses = response.data["courses"]["edges"]
    assert response.errors == []
    assert len(courses) == 20
    assert [len(course["node"]["enrollments"]["edges"]) for course in courses] == [
        page_size
    ] * 20
    first_roster = courses[0]["node"]["enrollments"]["edges"]
    assert [edge["node"]["student"]["fullName"] for edge in first_roster] == [
        student.full_name for student in students[:page_size]
    ]
    # Courses, their teachers, one page of enrollments per course joined
    # with the students, and the viewer's token version, read from the
    # database without Redis.
    assert statements.count == 4


async def test_sibling_relations_load_concurrently(
    session: AsyncSession, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    course_id, _ = await create_graded_course(session)
    query = """
    query($id: ID!) {
      course(id: $id) {
        term { name courses { edges { node { code } } } }
        teacher { fullName courses { edges { node { code } } } }
        assessments { edges { node { title course { code } } } }
        enrollments { edges { node { course { code } student { fullName } } } }
      }
      terms { edges { node { name } } }
      teachers { edges { node { fullName } } }
      students { edges { node { fullName } } }
    }
    """

    responses = await asyncio.gather(
        *(
            execute(client, query, {"id": course_id}, headers=admin_headers)
            for _ in range(5)
        )
    )

    for response in responses:
        assert response.errors == []
        course = response.data["course"]
        assert course["term"]["courses"]["edges"] == [{"node": {"code": "MATH-101"}}]
        assert course["teacher"]["courses"]["edges"] == [{"node": {"code": "MATH-101"}}]
        assert [edge["node"]["title"] for edge in course["assessments"]["edges"]] == [
            "Quiz",
            "Exam",
        ]
        assert len(course["enrollments"]["edges"]) == 3
        assert response.data["terms"]["edges"] == [{"node": {"name": "Autumn 2026"}}]
        assert len(response.data["students"]["edges"]) == 3


async def test_unbatched_loaders_load_concurrently(
    postgres_url: str, session: AsyncSession
) -> None:
    # Without batching every load opens its own session at the same time.
    course_id, expected = await create_graded_course(session)
    admin = await create_admin(session)
    await session.commit()
    settings = make_settings(postgres_url, use_dataloaders=False)

    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        headers = await headers_for(client, admin)
        response = await execute(
            client, DEEP_COURSE, {"id": course_id}, headers=headers
        )

    assert response.errors == []
    assert response.data == expected


async def test_each_request_gets_new_loaders(
    server: LiveServer,
    session: AsyncSession,
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    student = await create_student(session, full_name="Ada Adams")
    await session.commit()
    view = next(
        route.endpoint  # type: ignore[attr-defined]
        for route in server.app.routes
        if getattr(route, "path", None) == "/graphql"
    )
    assert isinstance(view, GraphQLView)
    contexts: list[RequestContext] = []
    get_context = view.get_context

    async def recording_get_context(*args: Any, **kwargs: Any) -> RequestContext:
        context = await get_context(*args, **kwargs)
        contexts.append(context)
        return context

    monkeypatch.setattr(view, "get_context", recording_get_context)
    query = "query($id: ID!) { node(id: $id) { ... on Student { fullName } } }"
    variables = {"id": to_global_id("Student", student.id)}

    before = await execute(client, query, variables, headers=admin_headers)
    await session.execute(
        update(User).where(User.id == student.id).values(full_name="Ada Lovelace")
    )
    await session.commit()
    after = await execute(client, query, variables, headers=admin_headers)

    assert before.data == {"node": {"fullName": "Ada Adams"}}
    assert after.data == {"node": {"fullName": "Ada Lovelace"}}
    assert len(contexts) == 2
    assert contexts[0].loaders is not contexts[1].loaders
    assert contexts[0].loaders.student is not contexts[1].loaders.student
