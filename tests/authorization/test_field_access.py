"""Read access: every path to a student's record and grades is guarded.

The school: teacher T1 teaches course C1, where students S1 and S2 are
enrolled; teacher T2 teaches C2, where only S1 is enrolled. S1 scored 91
and S2 scored 62 on C1's assessment, and S1 scored 73 in C2.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Course, Enrollment, Grade, Student
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
from tests.graphql_client import GraphQLResponse, execute

S1_SCORE, S2_SCORE, S1_C2_SCORE = 91.0, 62.0, 73.0
POSTED = datetime(2026, 10, 1, tzinfo=UTC)


@dataclass
class School:
    c1: Course
    c2: Course
    s1: Student
    s2: Student
    s2_enrollment: Enrollment
    s2_grade: Grade
    s1_c2_grade: Grade
    headers: dict[str, dict[str, str]]


@pytest.fixture
async def school(session: AsyncSession, client: httpx.AsyncClient) -> School:
    t1 = await create_teacher_account(session)
    t2 = await create_teacher_account(session)
    s1 = await create_student_account(session)
    s2 = await create_student_account(session)
    admin = await create_admin(session)
    c1 = await create_course(session, code="C1", teacher_id=t1.id)
    c2 = await create_course(session, code="C2", teacher_id=t2.id)
    # Posted, so that students see their own scores.
    a1 = await create_assessment(session, course=c1, grades_posted_at=POSTED)
    a2 = await create_assessment(session, course=c2, grades_posted_at=POSTED)
    s1_c1 = await create_enrollment(session, student=s1, course=c1)
    s2_c1 = await create_enrollment(session, student=s2, course=c1)
    s1_c2 = await create_enrollment(session, student=s1, course=c2)
    await create_grade(session, enrollment=s1_c1, assessment=a1, score=Decimal(91))
    s2_grade = await create_grade(
        session, enrollment=s2_c1, assessment=a1, score=Decimal(62)
    )
    s1_c2_grade = await create_grade(
        session, enrollment=s1_c2, assessment=a2, score=Decimal(73)
    )
    await session.commit()

    headers = {
        name: await headers_for(client, user)
        for name, user in {
            "t1": t1,
            "t2": t2,
            "s1": s1,
            "s2": s2,
            "admin": admin,
        }.items()
    }
    headers["anonymous"] = {}
    return School(c1, c2, s1, s2, s2_c1, s2_grade, s1_c2_grade, headers)


def _scores(value: Any) -> Iterator[float]:
    """Yield every `score` anywhere in a response body."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "score" and isinstance(item, float):
                yield item
            else:
                yield from _scores(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scores(item)


async def _query(
    client: httpx.AsyncClient, school: School, who: str, query: str
) -> GraphQLResponse:
    return await execute(client, query, headers=school.headers[who])


CATALOGUE = "{ courses { edges { node { code teacher { fullName } } } } }"


@pytest.mark.parametrize("who", ["anonymous", "s1", "t1", "admin"])
async def test_catalogue_open_to_everyone(
    client: httpx.AsyncClient, school: School, who: str
) -> None:
    response = await _query(client, school, who, CATALOGUE)

    assert response.errors == []
    codes = [edge["node"]["code"] for edge in response.data["courses"]["edges"]]
    assert codes == ["C1", "C2"]


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", "UNAUTHENTICATED"), ("s1", "FORBIDDEN"), ("t1", "FORBIDDEN")],
)
async def test_student_list_admin_only(
    client: httpx.AsyncClient, school: School, who: str, code: str
) -> None:
    response = await _query(
        client, school, who, "{ students { edges { node { id } } } }"
    )

    assert response.error_codes == [code]
    assert response.data is None


async def test_student_list_for_admin(
    client: httpx.AsyncClient, school: School
) -> None:
    response = await _query(
        client, school, "admin", "{ students { edges { node { fullName } } } }"
    )

    assert response.errors == []
    assert len(response.data["students"]["edges"]) == 2


async def test_student_sees_own_grades_via_me(
    client: httpx.AsyncClient, school: School
) -> None:
    query = "{ me { ... on Student { grades { edges { node { score } } } } } }"

    response = await _query(client, school, "s1", query)

    assert response.errors == []
    assert sorted(_scores(response.body)) == [S1_C2_SCORE, S1_SCORE]


async def test_student_denied_other_student_grades(
    client: httpx.AsyncClient, school: School
) -> None:
    query = (
        f'{{ student(id: "{to_global_id("Student", school.s2.id)}") '
        "{ grades { edges { node { score } } } } }"
    )

    response = await _query(client, school, "s1", query)

    assert response.error_codes == ["FORBIDDEN"]
    assert list(_scores(response.body)) == []


async def test_student_denied_other_student_record(
    client: httpx.AsyncClient, school: School
) -> None:
    query = (
        f'{{ node(id: "{to_global_id("Student", school.s2.id)}") '
        "{ ... on Student { fullName studentNumber email } } }"
    )

    response = await _query(client, school, "s1", query)

    assert set(response.error_codes) == {"FORBIDDEN"}
    assert response.data == {"node": None}
    assert school.s2.student_number not in str(response.body)


async def test_student_denied_grade_by_node_id(
    client: httpx.AsyncClient, school: School
) -> None:
    query = (
        f'{{ node(id: "{to_global_id("Grade", school.s2_grade.id)}") '
        "{ ... on Grade { score } } }"
    )

    response = await _query(client, school, "s1", query)

    assert response.error_codes == ["FORBIDDEN"]
    assert list(_scores(response.body)) == []


async def test_student_denied_grades_through_nodes(
    client: httpx.AsyncClient, school: School
) -> None:
    enrollment_id = to_global_id("Enrollment", school.s2_enrollment.id)
    query = (
        f'{{ nodes(ids: ["{enrollment_id}"]) '
        "{ ... on Enrollment { grades { edges { node { score } } } } } }"
    )

    response = await _query(client, school, "s1", query)

    assert response.error_codes == ["FORBIDDEN"]
    assert list(_scores(response.body)) == []


NESTED_ROSTER_GRADES = """
{ course(code: "C1") { enrollments { edges { node {
    student { fullName grades { edges { node { score } } } }
} } } } }
"""


@pytest.mark.parametrize(
    ("who", "code"), [("anonymous", "UNAUTHENTICATED"), ("s1", "FORBIDDEN")]
)
async def test_nested_roster_grades_denied(
    client: httpx.AsyncClient, school: School, who: str, code: str
) -> None:
    response = await _query(client, school, who, NESTED_ROSTER_GRADES)

    assert response.error_codes == [code]
    assert response.errors[0]["path"] == ["course", "enrollments"]
    assert list(_scores(response.body)) == []


async def test_assessment_grades_denied_to_student(
    client: httpx.AsyncClient, school: School
) -> None:
    query = """
    { course(code: "C1") { assessments { edges { node {
        title grades { edges { node { score } } }
    } } } } }
    """

    response = await _query(client, school, "s1", query)

    assert response.error_codes == ["FORBIDDEN"]
    assert list(_scores(response.body)) == []


async def test_enrollment_grade_paths_denied_to_student(
    client: httpx.AsyncClient, school: School
) -> None:
    query = """
    { me { ... on Student { enrollments { edges { node {
        course { enrollments { edges { node {
            grades { edges { node { score } } }
        } } } }
    } } } } } }
    """

    response = await _query(client, school, "s1", query)

    assert set(response.error_codes) == {"FORBIDDEN"}
    assert list(_scores(response.body)) == []


TEACHER_ROSTER = """
{ course(code: "%s") { enrollments { edges { node {
    student { fullName studentNumber }
    grades { edges { node { score } } }
} } } } }
"""


async def test_teacher_sees_own_course_grades(
    client: httpx.AsyncClient, school: School
) -> None:
    response = await _query(client, school, "t1", TEACHER_ROSTER % "C1")

    assert response.errors == []
    assert sorted(_scores(response.body)) == [S2_SCORE, S1_SCORE]
    edges = response.data["course"]["enrollments"]["edges"]
    assert {edge["node"]["student"]["studentNumber"] for edge in edges} == {
        school.s1.student_number,
        school.s2.student_number,
    }


async def test_teacher_denied_other_course_roster(
    client: httpx.AsyncClient, school: School
) -> None:
    response = await _query(client, school, "t1", TEACHER_ROSTER % "C2")

    assert response.error_codes == ["FORBIDDEN"]
    assert list(_scores(response.body)) == []


async def test_teacher_denied_grade_of_other_course(
    client: httpx.AsyncClient, school: School
) -> None:
    # T1 teaches S1, but not in C2.
    query = (
        f'{{ node(id: "{to_global_id("Grade", school.s1_c2_grade.id)}") '
        "{ ... on Grade { score } } }"
    )

    response = await _query(client, school, "t1", query)

    assert response.error_codes == ["FORBIDDEN"]
    assert list(_scores(response.body)) == []


async def test_teacher_sees_taught_student_only(
    client: httpx.AsyncClient, school: School
) -> None:
    query = '{ student(id: "%s") { studentNumber } }'
    s2_id = to_global_id("Student", school.s2.id)

    taught = await _query(client, school, "t1", query % s2_id)
    not_taught = await _query(client, school, "t2", query % s2_id)

    assert taught.data == {"student": {"studentNumber": school.s2.student_number}}
    assert not_taught.error_codes == ["FORBIDDEN"]


async def test_teacher_denied_student_grade_list(
    client: httpx.AsyncClient, school: School
) -> None:
    query = (
        f'{{ student(id: "{to_global_id("Student", school.s1.id)}") '
        "{ grades { edges { node { score } } } } }"
    )

    response = await _query(client, school, "t1", query)

    assert response.error_codes == ["FORBIDDEN"]
    assert list(_scores(response.body)) == []


async def test_admin_sees_every_grade(
    client: httpx.AsyncClient, school: School
) -> None:
    query = "{ students { edges { node { grades { edges { node { score } } } } } } }"

    response = await _query(client, school, "admin", query)

    assert response.errors == []
    assert sorted(_scores(response.body)) == [S2_SCORE, S1_C2_SCORE, S1_SCORE]


async def test_student_email_hidden_from_teacher(
    client: httpx.AsyncClient, school: School
) -> None:
    query = f'{{ student(id: "{to_global_id("Student", school.s1.id)}") {{ email }} }}'

    teacher = await _query(client, school, "t1", query)
    own = await _query(client, school, "s1", query)

    assert teacher.error_codes == ["FORBIDDEN"]
    assert own.data == {"student": {"email": school.s1.email}}


async def test_denied_sibling_keeps_shared_check(
    client: httpx.AsyncClient, school: School
) -> None:
    # The denied email nulls `a` and graphql-core cancels `a.fullName`,
    # whose permission check waits on the same loaded value as `b`'s.
    s1_id = to_global_id("Student", school.s1.id)
    query = (
        f'{{ a: node(id: "{s1_id}") {{ ... on Student {{ fullName email }} }} '
        f'b: node(id: "{s1_id}") {{ ... on Student {{ studentNumber }} }} }}'
    )

    response = await _query(client, school, "t1", query)

    assert response.data == {
        "a": None,
        "b": {"studentNumber": school.s1.student_number},
    }
    assert response.error_codes == ["FORBIDDEN"]
    assert [error["path"] for error in response.errors] == [["a", "email"]]
