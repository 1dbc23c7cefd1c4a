"""Compiled rendering and computed ids return what the generic executor returns.

SchoolExecutor renders each object below a list of plain objects in one
pass, and reads `Node.id` and `Edge.cursor` by calling their resolvers
directly. Each document here runs on one live server with both executors,
as in test_execution_roles.py, and the two responses must be equal,
errors and key order included. A few cases also check exact ids and
cursors, and that they round-trip through `node(id:)`, `after` and
`before`.

The school: teacher T1 teaches C1, where students S1 and S2 are enrolled;
teacher T2 teaches C2, where only S1 is enrolled. C1 has a posted and a
draft assessment, C2 a posted one. C2 is archived and C1 is not, so
`archivedAt` is null in some items of a list and set in others.
"""

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schoolgql.graphql.execution import SchoolExecutor
from schoolgql.settings import Settings
from tests.auth import (
    PASSWORD,
    create_admin,
    create_student_account,
    create_teacher_account,
    headers_for,
)
from tests.conftest import make_settings
from tests.factories import (
    create_assessment,
    create_course,
    create_enrollment,
    create_grade,
)
from tests.graphql.test_execution_roles import send, send_both
from tests.ids import to_global_id

POSTED = datetime(2026, 10, 1, tzinfo=UTC)
ARCHIVED = datetime(2026, 12, 1, tzinfo=UTC)
VIEWERS = ("admin", "t1", "t2", "s1", "s2", "anonymous")


@pytest.fixture
def settings(postgres_url: str) -> Settings:
    # The mutation documents log S1 and T1 in once per viewer and executor.
    return make_settings(
        postgres_url,
        credential_attempts_per_account=1000,
        credential_attempts_per_address=1000,
    )


@dataclass
class School:
    ids: dict[str, str]
    emails: dict[str, str]
    headers: dict[str, dict[str, str]]


@pytest.fixture
async def school(session: AsyncSession, client: httpx.AsyncClient) -> School:
    t1 = await create_teacher_account(session)
    t2 = await create_teacher_account(session)
    s1 = await create_student_account(session)
    s2 = await create_student_account(session)
    admin = await create_admin(session)
    c1 = await create_course(session, code="C1", teacher_id=t1.id)
    c2 = await create_course(session, code="C2", teacher_id=t2.id, archived_at=ARCHIVED)
    posted = await create_assessment(session, course=c1, grades_posted_at=POSTED)
    draft = await create_assessment(session, course=c1)
    c2_posted = await create_assessment(session, course=c2, grades_posted_at=POSTED)
    s1_c1 = await create_enrollment(session, student=s1, course=c1)
    s2_c1 = await create_enrollment(session, student=s2, course=c1)
    s1_c2 = await create_enrollment(session, student=s1, course=c2)
    grades = {}
    for name, enrollment, assessment, score in (
        ("g_s1_posted", s1_c1, posted, 91),
        ("g_s1_draft", s1_c1, draft, 50),
        ("g_s2_posted", s2_c1, posted, 62),
        ("g_s1_c2", s1_c2, c2_posted, 73),
    ):
        grades[name] = await create_grade(
            session, enrollment=enrollment, assessment=assessment, score=Decimal(score)
        )
    await session.commit()

    users = {"t1": t1, "t2": t2, "s1": s1, "s2": s2, "admin": admin}
    headers = {name: await headers_for(client, user) for name, user in users.items()}
    headers["anonymous"] = {}
    ids = {
        "t1": to_global_id("Teacher", t1.id),
        "t2": to_global_id("Teacher", t2.id),
        "s1": to_global_id("Student", s1.id),
        "s2": to_global_id("Student", s2.id),
        "admin": to_global_id("Admin", admin.id),
        "c1": to_global_id("Course", c1.id),
        "c2": to_global_id("Course", c2.id),
        "term1": to_global_id("Term", c1.term_id),
        "term2": to_global_id("Term", c2.term_id),
        "posted": to_global_id("Assessment", posted.id),
        "draft": to_global_id("Assessment", draft.id),
        "s1_c1": to_global_id("Enrollment", s1_c1.id),
        "s2_c1": to_global_id("Enrollment", s2_c1.id),
        "s1_c2": to_global_id("Enrollment", s1_c2.id),
    }
    for name, grade in grades.items():
        ids[name] = to_global_id("Grade", grade.id)
    return School(
        ids=ids,
        emails={name: user.email for name, user in users.items()},
        headers=headers,
    )


ROSTER_MIXED = """
query RosterMixed($course: ID!) {
  course(id: $course) {
    __typename
    enrollments(first: 10) {
      __typename
      edges {
        __typename cursor again: cursor
        node {
          __typename id status
          weightedAverage
          enrolledAt
          student { __typename id fullName email role }
          other: student { id studentNumber gradeLevel }
        }
      }
      pageInfo { __typename startCursor endCursor hasNextPage hasPreviousPage }
    }
  }
}
"""
# Only fields a course's teacher may see, so T1 gets data and no error.
ROSTER_NAMES = """
query RosterNames($course: ID!) {
  course(id: $course) {
    enrollments(first: 10) {
      edges {
        __typename cursor
        node {
          __typename id status enrolledAt
          student { __typename id fullName studentNumber gradeLevel role }
        }
      }
      pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
    }
  }
}
"""
ROSTER_FRAGMENTS = """
query RosterFragments($course: ID!) {
  course(id: $course) {
    enrollments(first: 10) {
      edges {
        node {
          ... on Node { id __typename }
          ...EnrollmentFields
          student { ... on User { email } ... on Node { id } }
        }
        ... on EnrollmentEdge { cursor }
      }
    }
  }
}
fragment EnrollmentFields on Enrollment {
  status
  student { ... on Student { studentNumber fullName } __typename }
}
"""
ROSTER_DIRECTIVES = """
query RosterDirectives($course: ID!, $a: Boolean!, $b: Boolean!) {
  course(id: $course) {
    enrollments(first: 10) {
      edges {
        cursor @skip(if: $a)
        node {
          id @include(if: $b)
          status @skip(if: $b)
          student @include(if: $a) { email fullName @skip(if: $a) }
          ... @include(if: $b) { student { id gradeLevel } }
        }
      }
    }
  }
}
"""
ROSTER_PAGES = """
query RosterPages($course: ID!, $after: String, $before: String) {
  course(id: $course) {
    forward: enrollments(first: 1, after: $after) {
      edges { cursor node { id } }
      pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
    }
    backward: enrollments(last: 1, before: $before) {
      edges { cursor node { id } }
      pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
    }
  }
}
"""
NODES = """
query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on Enrollment {
      status student { id email }
      grades { edges { cursor node { id score } } pageInfo { endCursor } }
    }
    ... on User { fullName email }
    ... on Course { code archivedAt teacher { id email } }
    ... on Assessment { title dueDate gradesPostedAt }
    ... on Grade { score student { id } }
    ... on Term { name archivedAt }
  }
}
"""
CATALOGUE = """
query Catalogue {
  courses(first: 10) {
    edges {
      cursor
      node { __typename id code archivedAt teacher { __typename id fullName email } }
    }
    pageInfo { startCursor endCursor }
  }
  terms(first: 10) {
    edges { cursor node { id name archivedAt } }
    pageInfo { startCursor endCursor }
  }
}
"""
PEOPLE = """
query People {
  students(first: 10) {
    edges { cursor node { __typename id fullName email studentNumber } }
    pageInfo { startCursor endCursor }
  }
  teachers(first: 10) {
    edges { cursor node { __typename id email department } }
    pageInfo { startCursor endCursor }
  }
}
"""
ME = """
query Me {
  me {
    __typename id email
    ... on Student {
      enrollments {
        edges {
          cursor
          node { id status student { id email } course { id code } }
        }
        pageInfo { startCursor endCursor }
      }
      grades { edges { cursor node { __typename id score } } }
    }
    ... on Teacher {
      courses {
        edges { cursor node { id code enrollments { edges { cursor node { id } } } } }
      }
    }
  }
  mySessions { __typename id client current }
}
"""
ASSESSMENTS = """
query Assessments($course: ID!) {
  course(id: $course) {
    enrollments(first: 10) { edges { node { __typename id } } }
    assessments(first: 10) {
      edges {
        cursor
        node {
          id title dueDate gradesPostedAt
          grades { edges { cursor node { id score student { id email } } } }
        }
      }
    }
  }
}
"""
# The viewer changes in the middle of the document: S1 logs in, then T1.
LOG_IN_TWICE = """
mutation LogInTwice($student: String!, $teacher: String!, $password: String!) {
  first: logIn(email: $student, password: $password) {
    viewer {
      __typename id email
      ... on Student {
        enrollments {
          edges { cursor node { id status student { id email } } }
          pageInfo { endCursor }
        }
      }
    }
  }
  second: logIn(email: $teacher, password: $password) {
    viewer {
      __typename id
      ... on Teacher {
        courses {
          edges {
            cursor
            node {
              id
              enrollments {
                edges { cursor node { id status student { id email } } }
              }
            }
          }
        }
      }
    }
  }
}
"""


def documents(school: School) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return each document of the comparison table with its variables."""
    c1 = school.ids["c1"]
    tables: dict[str, tuple[str, dict[str, Any]]] = {
        "roster mixed": (ROSTER_MIXED, {"course": c1}),
        "roster of C2": (ROSTER_MIXED, {"course": school.ids["c2"]}),
        "roster names": (ROSTER_NAMES, {"course": c1}),
        "roster fragments": (ROSTER_FRAGMENTS, {"course": c1}),
        "roster pages": (ROSTER_PAGES, {"course": c1, "after": None, "before": None}),
        "nodes": (NODES, {"ids": list(school.ids.values())}),
        "catalogue": (CATALOGUE, {}),
        "people": (PEOPLE, {}),
        "me": (ME, {}),
        "assessments": (ASSESSMENTS, {"course": c1}),
        "log in twice": (
            LOG_IN_TWICE,
            {
                "student": school.emails["s1"],
                "teacher": school.emails["t1"],
                "password": PASSWORD,
            },
        ),
    }
    for a in (False, True):
        for b in (False, True):
            tables[f"roster directives a={a} b={b}"] = (
                ROSTER_DIRECTIVES,
                {"course": c1, "a": a, "b": b},
            )
    return tables


async def test_documents_match_generic_executor(
    client: httpx.AsyncClient, school: School
) -> None:
    for viewer in VIEWERS:
        headers = school.headers[viewer]
        for name, (query, variables) in documents(school).items():
            case = f"{name} as {viewer}"

            generic, fast = await send_both(client, query, variables, headers)

            assert fast == generic, case
            # Equal dicts may still list their keys in another order.
            assert json.dumps(fast) == json.dumps(generic), case


def row_id_of(global_id: str) -> int:
    _, _, digits = base64.b64decode(global_id).decode().partition(":")
    return int(digits)


def global_id(type_name: str, row_id: int) -> str:
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


def cursor(type_name: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"cursor:v1:{type_name}:{row_id}".encode()).decode()


EXECUTORS = {"generic": StrawberryGraphQLCoreExecutionContext, "school": SchoolExecutor}


@pytest.mark.parametrize("executor_name", EXECUTORS)
async def test_roster_ids_and_cursors(
    client: httpx.AsyncClient, school: School, executor_name: str
) -> None:
    body = await send(
        client,
        EXECUTORS[executor_name],
        ROSTER_NAMES,
        {"course": school.ids["c1"]},
        school.headers["t1"],
    )

    assert "errors" not in body
    connection = body["data"]["course"]["enrollments"]
    edges = connection["edges"]
    expected = [("s1_c1", "s1"), ("s2_c1", "s2")]
    assert [edge["node"]["id"] for edge in edges] == [
        school.ids[enrollment] for enrollment, _ in expected
    ]
    assert [edge["node"]["student"]["id"] for edge in edges] == [
        school.ids[student] for _, student in expected
    ]
    cursors = [
        cursor("Enrollment", row_id_of(school.ids[enrollment]))
        for enrollment, _ in expected
    ]
    assert [edge["cursor"] for edge in edges] == cursors
    assert connection["pageInfo"] == {
        "startCursor": cursors[0],
        "endCursor": cursors[-1],
        "hasNextPage": False,
        "hasPreviousPage": False,
    }


@pytest.mark.parametrize("executor_name", EXECUTORS)
async def test_cursors_page_through_roster(
    client: httpx.AsyncClient, school: School, executor_name: str
) -> None:
    async def pages(after: str | None, before: str | None) -> dict[str, Any]:
        variables = {"course": school.ids["c1"], "after": after, "before": before}
        body = await send(
            client,
            EXECUTORS[executor_name],
            ROSTER_PAGES,
            variables,
            school.headers["t1"],
        )
        assert "errors" not in body
        course: dict[str, Any] = body["data"]["course"]
        return course

    first = await pages(None, None)
    second = await pages(
        first["forward"]["pageInfo"]["endCursor"],
        first["backward"]["pageInfo"]["startCursor"],
    )

    s1_c1, s2_c1 = school.ids["s1_c1"], school.ids["s2_c1"]
    assert [edge["node"]["id"] for edge in first["forward"]["edges"]] == [s1_c1]
    assert [edge["node"]["id"] for edge in first["backward"]["edges"]] == [s2_c1]
    assert [edge["node"]["id"] for edge in second["forward"]["edges"]] == [s2_c1]
    assert [edge["node"]["id"] for edge in second["backward"]["edges"]] == [s1_c1]
    assert second["forward"]["pageInfo"]["hasNextPage"] is False
    assert second["backward"]["pageInfo"]["hasPreviousPage"] is False


NODE = "query Node($id: ID!) { node(id: $id) { __typename id } }"
IDS_IN_LISTS = """
query IdsInLists($course: ID!) {
  me { __typename id }
  terms(first: 10) { edges { node { __typename id } } }
  courses(first: 10) { edges { node { __typename id } } }
  students(first: 10) { edges { node { __typename id } } }
  teachers(first: 10) { edges { node { __typename id } } }
  course(id: $course) {
    enrollments(first: 10) { edges { node { __typename id } } }
    assessments(first: 10) {
      edges {
        node {
          __typename id
          grades(first: 10) { edges { node { __typename id } } }
        }
      }
    }
  }
}
"""


def nodes_in(value: Any) -> list[dict[str, Any]]:
    """Return every object of a response that has both `__typename` and `id`."""
    if isinstance(value, list):
        return [node for item in value for node in nodes_in(item)]
    if not isinstance(value, dict):
        return []
    found = [value] if {"__typename", "id"} <= value.keys() else []
    return found + [node for item in value.values() for node in nodes_in(item)]


@pytest.mark.parametrize("executor_name", EXECUTORS)
async def test_ids_round_trip_through_node(
    client: httpx.AsyncClient, school: School, executor_name: str
) -> None:
    admin = school.headers["admin"]
    listed = await send(
        client,
        EXECUTORS[executor_name],
        IDS_IN_LISTS,
        {"course": school.ids["c1"]},
        admin,
    )
    assert "errors" not in listed
    found = nodes_in(listed["data"])
    # Only C2's enrollment and grade are outside these lists.
    outside = {school.ids["s1_c2"], school.ids["g_s1_c2"]}
    assert {node["id"] for node in found} == set(school.ids.values()) - outside

    for node in found:
        type_name = node["__typename"]
        assert node["id"] == global_id(type_name, row_id_of(node["id"])), node

        fetched = await send(
            client, EXECUTORS[executor_name], NODE, {"id": node["id"]}, admin
        )

        expected = {"__typename": type_name, "id": node["id"]}
        assert fetched == {"data": {"node": expected}}, node


CREATE_TERM = """
mutation CreateTerm($name: String!) {
  createTerm(input: {name: $name, startDate: "2027-01-01", endDate: "2027-06-30"}) {
    term { __typename id courses(first: 1) { edges { cursor } pageInfo { endCursor } } }
    userErrors { code }
  }
}
"""


@pytest.mark.parametrize("executor_name", EXECUTORS)
async def test_payload_id_round_trips(
    client: httpx.AsyncClient, school: School, executor_name: str
) -> None:
    admin = school.headers["admin"]
    created = await send(
        client,
        EXECUTORS[executor_name],
        CREATE_TERM,
        {"name": f"Spring of the {executor_name} executor"},
        admin,
    )

    assert "errors" not in created
    payload = created["data"]["createTerm"]
    assert payload["userErrors"] == []
    term = payload["term"]
    assert term["courses"] == {"edges": [], "pageInfo": {"endCursor": None}}
    fetched = await send(
        client, EXECUTORS[executor_name], NODE, {"id": term["id"]}, admin
    )
    assert fetched == {"data": {"node": {"__typename": "Term", "id": term["id"]}}}
