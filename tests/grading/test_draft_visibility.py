"""Draft grades are visible to the course's own teacher and administrators only."""

from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from tests.auth import (
    create_admin,
    create_student_account,
    create_teacher_account,
    headers_for,
)
from tests.factories import (
    create_assessment,
    create_course,
    create_enrollment,
    create_grade,
)
from tests.graphql_client import execute

GRADE = "query($id: ID!) { node(id: $id) { ... on Grade { score } } }"


async def test_draft_grade_only_for_its_teacher(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    own_teacher = await create_teacher_account(session)
    other_teacher = await create_teacher_account(session)
    admin = await create_admin(session)
    student = await create_student_account(session)
    course = await create_course(session, teacher_id=own_teacher.id)
    enrollment = await create_enrollment(session, student=student, course=course)
    assessment = await create_assessment(session, course=course)
    grade = await create_grade(
        session, enrollment=enrollment, assessment=assessment, score=Decimal(71)
    )
    await session.commit()
    variables = {"id": to_global_id("Grade", grade.id)}

    own = await execute(
        client, GRADE, variables, headers=await headers_for(client, own_teacher)
    )
    other = await execute(
        client, GRADE, variables, headers=await headers_for(client, other_teacher)
    )
    by_admin = await execute(
        client, GRADE, variables, headers=await headers_for(client, admin)
    )

    assert own.errors == []
    assert own.data == {"node": {"score": 71.0}}
    assert by_admin.data == {"node": {"score": 71.0}}
    assert other.data == {"node": None}
    assert other.error_codes == ["FORBIDDEN"]
    assert other.errors[0]["message"] == (
        "This grade is a draft; only the course's teacher and administrators see it."
    )
