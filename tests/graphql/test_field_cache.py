"""Per-field caching of the public catalogue, in real Redis."""

import asyncio
import os
import uuid

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.cache import decode
from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Course
from schoolgql.settings import Settings
from tests.auth import create_admin, create_student_account, headers_for
from tests.conftest import LiveServer, make_settings, serve
from tests.factories import create_course
from tests.graphql_client import execute
from tests.kit.test_token_buckets import RedisProcess

REDIS_URL = os.environ.get("SCHOOLGQL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CATALOGUE = "{ courses(first: 5) { edges { node { code title credits } } } }"
ONE_COURSE = "query One($code: String) { course(code: $code) { code title credits } }"
UPDATE_COURSE = """
mutation Update($id: ID!, $title: String, $credits: Int) {
  updateCourse(id: $id, input: { title: $title, credits: $credits }) {
    course { title credits }
    userErrors { field message }
  }
}
"""


@pytest.fixture
def settings(postgres_url: str) -> Settings:
    prefix = f"schoolgql-test:{uuid.uuid4().hex}:"
    return make_settings(
        postgres_url,
        redis_url=REDIS_URL,
        redis_key_prefix=prefix,
        cache_key_prefix=prefix,
    )


async def statements_for(
    server: LiveServer,
    client: httpx.AsyncClient,
    query: str,
    variables: dict | None = None,
) -> tuple[int, dict]:
    with server.count_statements() as counter:
        response = await execute(client, query, variables)
    assert response.errors == [], response.body
    return counter.count, response.data


async def test_repeated_catalogue_read_runs_no_sql(
    session: AsyncSession, server: LiveServer, client: httpx.AsyncClient
) -> None:
    await create_course(session, code="ART-1", title="Drawing")
    await session.commit()

    first_count, first = await statements_for(server, client, CATALOGUE)
    second_count, second = await statements_for(server, client, CATALOGUE)

    assert first_count == 1
    assert second_count == 0
    assert second == first
    assert first == {
        "courses": {
            "edges": [{"node": {"code": "ART-1", "title": "Drawing", "credits": 3}}]
        }
    }


async def test_arguments_are_part_of_key(
    session: AsyncSession, server: LiveServer, client: httpx.AsyncClient
) -> None:
    await create_course(session, code="ART-1")
    await create_course(session, code="ART-2")
    await session.commit()

    _, art_one = await statements_for(server, client, ONE_COURSE, {"code": "ART-1"})
    count, art_two = await statements_for(server, client, ONE_COURSE, {"code": "ART-2"})

    assert art_one["course"]["code"] == "ART-1"
    assert art_two["course"]["code"] == "ART-2"
    assert count == 1


async def test_update_visible_through_second_process(
    session: AsyncSession,
    settings: Settings,
    server: LiveServer,
    client: httpx.AsyncClient,
) -> None:
    course = await create_course(session, code="ART-1", title="Drawing", credits=3)
    admin = await create_admin(session)
    await session.commit()
    course_id = await _global_id(client, "ART-1")
    await execute(client, CATALOGUE)
    await execute(client, ONE_COURSE, {"code": "ART-1"})

    headers = await headers_for(client, admin)
    changed = await execute(
        client,
        UPDATE_COURSE,
        {"id": course_id, "title": "Painting", "credits": 5},
        headers=headers,
    )
    async with (
        serve(settings) as other,
        httpx.AsyncClient(base_url=other.url) as other_client,
    ):
        through_other = await execute(other_client, ONE_COURSE, {"code": "ART-1"})
        catalogue = await execute(other_client, CATALOGUE)

    assert changed.data["updateCourse"] == {
        "course": {"title": "Painting", "credits": 5},
        "userErrors": [],
    }
    assert through_other.data == {
        "course": {"code": "ART-1", "title": "Painting", "credits": 5}
    }
    assert catalogue.data["courses"]["edges"] == [
        {"node": {"code": course.code, "title": "Painting", "credits": 5}}
    ]


async def test_rolled_back_write_keeps_cache(
    session: AsyncSession, server: LiveServer, client: httpx.AsyncClient
) -> None:
    await create_course(session, code="ART-1", title="Drawing")
    admin = await create_admin(session)
    await session.commit()
    course_id = await _global_id(client, "ART-1")
    await execute(client, CATALOGUE)

    headers = await headers_for(client, admin)
    rejected = await execute(
        client, UPDATE_COURSE, {"id": course_id, "title": "x\ny"}, headers=headers
    )
    count, catalogue = await statements_for(server, client, CATALOGUE)

    assert rejected.data["updateCourse"]["course"] is None
    assert rejected.data["updateCourse"]["userErrors"][0]["field"] == "title"
    assert count == 0
    assert catalogue["courses"]["edges"][0]["node"]["title"] == "Drawing"


async def test_concurrent_reads_never_store_stale_title(
    session: AsyncSession,
    settings: Settings,
    server: LiveServer,
    client: httpx.AsyncClient,
) -> None:
    await create_course(session, code="ART-1", title="Title 0")
    admin = await create_admin(session)
    await session.commit()
    course_id = await _global_id(client, "ART-1")
    headers = await headers_for(client, admin)
    writing_done = asyncio.Event()

    async def read_in_loop() -> None:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as reader:
            while not writing_done.is_set():
                response = await execute(reader, ONE_COURSE, {"code": "ART-1"})
                assert response.errors == []

    async def write_titles() -> None:
        for number in range(1, 21):
            response = await execute(
                client,
                UPDATE_COURSE,
                {"id": course_id, "title": f"Title {number}"},
                headers=headers,
            )
            assert response.data["updateCourse"]["userErrors"] == []
        writing_done.set()

    await asyncio.gather(write_titles(), *(read_in_loop() for _ in range(30)))

    reads = await asyncio.gather(
        *(execute(client, ONE_COURSE, {"code": "ART-1"}) for _ in range(30))
    )
    assert {read.data["course"]["title"] for read in reads} == {"Title 20"}
    assert "Title 20" in await _stored_course_titles(settings)
    # Entries under older tag versions may remain until their TTL, but the
    # entry that current reads use holds the last title.
    async with (
        serve(settings) as other,
        httpx.AsyncClient(base_url=other.url) as other_client,
    ):
        with other.count_statements() as counter:
            cached = await execute(other_client, ONE_COURSE, {"code": "ART-1"})
    assert cached.data["course"]["title"] == "Title 20"
    assert counter.count == 0


async def test_redis_outage_bypasses_cache(
    postgres_url: str, session: AsyncSession
) -> None:
    await create_course(session, code="ART-1", title="Drawing")
    await session.commit()
    redis = RedisProcess()
    redis.start()
    settings = make_settings(
        postgres_url, redis_url=redis.url, rate_limit_enabled=False
    )
    try:
        async with (
            serve(settings) as server,
            httpx.AsyncClient(base_url=server.url) as client,
        ):
            before = await execute(client, CATALOGUE)
            redis.stop()
            with server.count_statements() as counter:
                during = await execute(client, CATALOGUE)
            await session.execute(
                update(Course).where(Course.code == "ART-1").values(title="Painting")
            )
            await session.commit()
            redis.start()
            after = await execute(client, CATALOGUE)
    finally:
        redis.stop()

    assert before.errors == []
    assert during.errors == []
    assert during.data == before.data
    assert counter.count == 1
    # The restarted Redis is empty, so the read goes to the database.
    assert after.data["courses"]["edges"][0]["node"]["title"] == "Painting"


async def _global_id(client: httpx.AsyncClient, code: str) -> str:
    response = await execute(
        client, "query($c: String) { course(code: $c) { id } }", {"c": code}
    )
    course_id: str = response.data["course"]["id"]
    return course_id


async def _stored_course_titles(settings: Settings) -> list[str]:
    redis = Redis.from_url(REDIS_URL)
    titles = []
    try:
        async for key in redis.scan_iter(
            match=f"{settings.redis_key_prefix}fields:value:*"
        ):
            raw = await redis.get(key)
            if raw is None:
                continue
            value = decode(raw)
            title = getattr(value, "title", None)
            if title is not None:
                titles.append(title)
    finally:
        await redis.aclose()
    return titles


async def test_enrollment_shows_in_me_at_once(
    session: AsyncSession, server: LiveServer, client: httpx.AsyncClient
) -> None:
    await create_course(session, code="ART-1")
    admin = await create_admin(session)
    student = await create_student_account(session)
    await session.commit()
    course_id = await _global_id(client, "ART-1")
    student_headers = await headers_for(client, student)
    my_courses = "{ me { ... on Student { enrollments { edges { node { course { code } } } } } } }"
    before = await execute(client, my_courses, headers=student_headers)
    await execute(client, CATALOGUE)

    enrolled = await execute(
        client,
        "mutation($course: ID!, $student: ID!) { enroll(courseId: $course, "
        "studentId: $student) { userErrors { message } } }",
        {"course": course_id, "student": to_global_id("Student", student.id)},
        headers=await headers_for(client, admin),
    )
    after = await execute(client, my_courses, headers=student_headers)

    assert enrolled.data == {"enroll": {"userErrors": []}}
    assert before.data == {"me": {"enrollments": {"edges": []}}}
    assert after.data == {
        "me": {"enrollments": {"edges": [{"node": {"course": {"code": "ART-1"}}}]}}
    }
