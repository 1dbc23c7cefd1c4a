"""Concurrent enrollments on PostgreSQL: the last seat and a double submit.

Each test holds the course row lock in its own transaction, sends two
enroll requests at once, waits until both server transactions block on
that lock, and only then releases it. Both requests are therefore in
flight together, past every check that runs before the lock.
"""

import asyncio

import httpx
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Course, Enrollment, EnrollmentStatus
from tests.factories import (
    create_course,
    create_enrollment,
    create_student,
    create_term,
)
from tests.graphql_client import GraphQLResponse, execute
from tests.writes import admin_actor, snapshot

ENROLL = """
mutation($courseId: ID!, $studentId: ID) {
  enroll(courseId: $courseId, studentId: $studentId) {
    enrollment { id }
    userErrors { field message code }
  }
}
"""
LOCK_WAIT_TIMEOUT_SECONDS = 10


async def wait_for_lock_waiters(session: AsyncSession, count: int) -> None:
    """Wait until `count` other backends of this database wait on a lock."""
    statement = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with asyncio.timeout(LOCK_WAIT_TIMEOUT_SECONDS):
        while True:
            waiting = (await session.execute(statement)).scalar_one()
            # pg_stat_activity is read once per transaction, so each poll
            # needs a new one.
            await session.rollback()
            if waiting >= count:
                return
            await asyncio.sleep(0.02)


async def race(
    session: AsyncSession,
    client: httpx.AsyncClient,
    course: Course,
    student_ids: list[int],
    headers: dict[str, str],
) -> list[GraphQLResponse]:
    """Send one enroll per student at once while the course row is locked."""
    lock_statement = select(Course).where(Course.id == course.id).with_for_update()
    await session.execute(lock_statement)
    requests = [
        asyncio.create_task(
            execute(
                client,
                ENROLL,
                {
                    "courseId": to_global_id("Course", course.id),
                    "studentId": to_global_id("Student", student_id),
                },
                headers=headers,
            )
        )
        for student_id in student_ids
    ]
    try:
        # A second session watches, because this one holds the lock open.
        async with AsyncSession(session.bind) as watcher:
            await wait_for_lock_waiters(watcher, len(requests))
    finally:
        # Released even when the wait fails, so the requests can finish.
        await session.commit()
    return list(await asyncio.gather(*requests))


async def test_last_seat_race_one_wins(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session)
    course = await create_course(session, term_id=term.id, code="LAST-1", capacity=2)
    await create_enrollment(
        session, student=await create_student(session), course=course
    )
    first = await create_student(session)
    second = await create_student(session)
    admin = await admin_actor(session, client)

    responses = await race(
        session, client, course, [first.id, second.id], admin.headers
    )

    payloads = [response.data["enroll"] for response in responses]
    winners = [payload for payload in payloads if payload["enrollment"] is not None]
    losers = [payload for payload in payloads if payload["enrollment"] is None]
    assert len(winners) == 1
    assert [loser["userErrors"] for loser in losers] == [
        [
            {
                "field": "courseId",
                "message": "Course LAST-1 is full: all 2 seat(s) are taken. Ask an "
                "administrator to raise its capacity.",
                "code": "COURSE_FULL",
            }
        ]
    ]
    rows = (await snapshot(session, Enrollment))["enrollments"]
    active = [row for row in rows if row[3] == EnrollmentStatus.ACTIVE.value]
    assert len(active) == 2


async def test_duplicate_enrollment_race_one_wins(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session)
    course = await create_course(session, term_id=term.id, code="DUP-1", capacity=10)
    student = await create_student(session, full_name="Emmy Noether")
    admin = await admin_actor(session, client)

    responses = await race(
        session, client, course, [student.id, student.id], admin.headers
    )

    payloads = [response.data["enroll"] for response in responses]
    winners = [payload for payload in payloads if payload["enrollment"] is not None]
    losers = [payload for payload in payloads if payload["enrollment"] is None]
    assert len(winners) == 1
    assert [loser["userErrors"] for loser in losers] == [
        [
            {
                "field": "studentId",
                "message": "Emmy Noether is already enrolled in DUP-1.",
                "code": "ALREADY_ENROLLED",
            }
        ]
    ]
    rows = (await snapshot(session, Enrollment))["enrollments"]
    assert [(row[1], row[2]) for row in rows] == [(student.id, course.id)]
