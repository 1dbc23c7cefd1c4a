from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_course, create_teacher
from tests.graphql_client import execute


async def test_course_by_code_returns_teacher(session: AsyncSession, client) -> None:
    teacher = await create_teacher(session, full_name="Ada Adams")
    await create_course(
        session, code="MATH-101", title="Algebra", teacher_id=teacher.id
    )
    await session.commit()

    response = await execute(
        client, '{ course(code: "MATH-101") { code title teacher { fullName } } }'
    )

    assert response.status == 200
    assert response.errors == []
    assert response.data == {
        "course": {
            "code": "MATH-101",
            "title": "Algebra",
            "teacher": {"fullName": "Ada Adams"},
        }
    }
