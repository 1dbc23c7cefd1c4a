"""Cached grade statistics: one entry per viewer, invalidated by grade writes."""

import os
import uuid
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.settings import Settings
from tests.auth import create_student_account, create_teacher_account, headers_for
from tests.conftest import LiveServer, make_settings
from tests.factories import (
    create_assessment,
    create_course,
    create_enrollment,
    create_grade,
)
from tests.graphql_client import execute

REDIS_URL = os.environ.get("SCHOOLGQL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
STATISTICS = """
query Stats($code: String) {
  course(code: $code) { gradeStatistics { statistics { count mean } } }
}
"""
POST_GRADES = """
mutation Post($id: ID!) { postGrades(assessmentId: $id) { userErrors { message } } }
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


async def read_statistics(
    server: LiveServer, client: httpx.AsyncClient, headers: dict[str, str]
) -> tuple[list[dict[str, object]], list[str]]:
    with server.count_statements() as counter:
        response = await execute(client, STATISTICS, {"code": "ART-1"}, headers=headers)
    assert response.errors == [], response.body
    return response.data["course"]["gradeStatistics"], counter.statements


def reads_grades(statements: list[str]) -> bool:
    return any("FROM grades" in statement for statement in statements)


async def test_viewers_get_their_own_statistics(
    session: AsyncSession, server: LiveServer, client: httpx.AsyncClient
) -> None:
    teacher = await create_teacher_account(session)
    student = await create_student_account(session)
    course = await create_course(session, code="ART-1", teacher_id=teacher.id)
    enrollment = await create_enrollment(session, student=student, course=course)
    # A draft: the assessment's grades are not posted.
    assessment = await create_assessment(session, course=course)
    await create_grade(
        session, enrollment=enrollment, assessment=assessment, score=Decimal(80)
    )
    await session.commit()
    teacher_headers = await headers_for(client, teacher)
    student_headers = await headers_for(client, student)

    teacher_first, teacher_first_statements = await read_statistics(
        server, client, teacher_headers
    )
    student_first, student_first_statements = await read_statistics(
        server, client, student_headers
    )
    teacher_again, teacher_statements = await read_statistics(
        server, client, teacher_headers
    )
    student_again, student_statements = await read_statistics(
        server, client, student_headers
    )

    assert teacher_first == [{"statistics": {"count": 1, "mean": 80.0}}]
    assert student_first == [{"statistics": {"count": 0, "mean": None}}]
    assert teacher_again == teacher_first
    assert student_again == student_first
    assert reads_grades(teacher_first_statements)
    assert reads_grades(student_first_statements)
    assert not reads_grades(teacher_statements)
    assert not reads_grades(student_statements)


async def test_posting_grades_invalidates_statistics(
    session: AsyncSession, server: LiveServer, client: httpx.AsyncClient
) -> None:
    teacher = await create_teacher_account(session)
    student = await create_student_account(session)
    course = await create_course(session, code="ART-1", teacher_id=teacher.id)
    enrollment = await create_enrollment(session, student=student, course=course)
    assessment = await create_assessment(session, course=course)
    await create_grade(
        session, enrollment=enrollment, assessment=assessment, score=Decimal(60)
    )
    await session.commit()
    teacher_headers = await headers_for(client, teacher)
    student_headers = await headers_for(client, student)
    before, _ = await read_statistics(server, client, student_headers)
    assessment_id = (
        await execute(
            client,
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": _global_id("Assessment", assessment.id)},
            headers=teacher_headers,
        )
    ).data["node"]["id"]

    posted = await execute(
        client, POST_GRADES, {"id": assessment_id}, headers=teacher_headers
    )
    after, _ = await read_statistics(server, client, student_headers)

    assert posted.data == {"postGrades": {"userErrors": []}}
    assert before == [{"statistics": {"count": 0, "mean": None}}]
    assert after == [{"statistics": {"count": 1, "mean": 60.0}}]


def _global_id(type_name: str, row_id: int) -> str:
    from schoolgql.graphql.relay import to_global_id

    return to_global_id(type_name, row_id)
