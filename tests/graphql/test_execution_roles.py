"""SchoolExecutor on the real app returns what the generic executor returns.

Each document is sent to one live server twice, first with Strawberry's
default executor and then with SchoolExecutor, by switching the schema's
`execution_context_class` between the two requests. Both requests use
the same PostgreSQL database and the same access token, so any
difference between the two responses comes from the executor.

The school: teacher T1 teaches C1, where students S1 and S2 are enrolled;
teacher T2 teaches C2, where only S1 is enrolled. C1 has a posted and a
draft assessment, C2 a posted one. A third student, enrolled in C1, was
deactivated after logging in, so the server rejects that student's token.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schoolgql.graphql.execution import SchoolExecutor
from schoolgql.graphql.schema import schema
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
from tests.graphql_client import execute
from tests.ids import to_global_id

POSTED = datetime(2026, 10, 1, tzinfo=UTC)

ROSTER = """
query Roster($course: ID!, $withStudent: Boolean!) {
  course(id: $course) {
    code
    enrollments(first: 10) {
      edges {
        cursor
        node {
          id status enrolledAt weightedAverage
          student @include(if: $withStudent) { ...StudentFields }
          grades { edges { node { score } } }
        }
      }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
fragment StudentFields on Student {
  __typename id fullName studentNumber gradeLevel role
}
"""
# Two aliases of the same connection with different student selections.
ROSTER_EMAILS = """
query RosterEmails($course: ID!, $skipNames: Boolean!) {
  course(id: $course) {
    names: enrollments(last: 2) {
      edges { node { student @skip(if: $skipNames) { fullName } } }
      pageInfo { hasPreviousPage startCursor }
    }
    emails: enrollments(first: 10) {
      edges { node { ... on Node { id } student { ... on User { email } } } }
    }
  }
}
"""
GRADEBOOK = """
query Gradebook {
  me {
    __typename
    ... on Student {
      fullName email studentNumber
      enrollments {
        edges {
          node {
            status weightedAverage
            course { code }
            student { fullName email }
            grades { edges { node { score } } }
          }
        }
      }
      grades { edges { node { score student { id } } } }
    }
  }
}
"""
STUDENT_RECORD = """
query StudentRecord($student: ID!) {
  student(id: $student) { __typename id fullName studentNumber gradeLevel }
}
"""
NODES = """
query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on Enrollment { status }
    ... on Student { fullName }
  }
}
"""
# The viewer changes twice in one document, because mutations run in order
# and each logIn resolves the rest of the request as the user it logged in.
LOG_IN_TWICE = """
mutation LogInTwice($student: String!, $teacher: String!, $password: String!) {
  first: logIn(email: $student, password: $password) {
    role
    viewer {
      __typename id fullName email
      ... on Student {
        studentNumber
        enrollments {
          edges {
            node {
              status
              student { fullName email }
              grades { edges { node { score } } }
            }
          }
        }
      }
    }
  }
  second: logIn(email: $teacher, password: $password) {
    role
    viewer {
      __typename email
      ... on Teacher {
        courses { edges { node { code enrollments { edges { node {
          status student { fullName studentNumber }
        } } } } } }
      }
    }
  }
}
"""

ROSTER_DENIED = "Only the course's teacher and administrators may see its roster."
EMAIL_DENIED = "Only this user and administrators may see this field."
STUDENT_DENIED = (
    "Only this student, the student's teachers and administrators may see this."
)
ENROLLMENT_DENIED = (
    "Only the enrolled student, the course's teacher and administrators "
    "may see this enrollment."
)
LOG_IN_REQUIRED = (
    "Log in to see this field: send `Authorization: Bearer <access token>`."
)
INVALID_TOKEN = (
    "Invalid token: the signature or the algorithm is not the one this server "
    "uses. Log in again to get new tokens."
)
DEACTIVATED_TOKEN = (
    "Invalid token: the account no longer exists or is deactivated. "
    "Log in again to get new tokens."
)


@pytest.fixture
def settings(postgres_url: str) -> Settings:
    # One test logs S1 and T1 in twice per viewer and executor, more often
    # than the default attempt limits of one window allow.
    return make_settings(
        postgres_url,
        credential_attempts_per_account=1000,
        credential_attempts_per_address=1000,
    )


# The (code, message, path) of one error of a response.
ErrorSummary = tuple[str, str, list[Any] | None]


@dataclass
class School:
    c1_id: str
    s1_id: str
    s2_id: str
    s1_c1_enrollment_id: str
    emails: dict[str, str]
    headers: dict[str, dict[str, str]]


@pytest.fixture
async def school(session: AsyncSession, client: httpx.AsyncClient) -> School:
    t1 = await create_teacher_account(session)
    t2 = await create_teacher_account(session)
    s1 = await create_student_account(session)
    s2 = await create_student_account(session)
    leaver = await create_student_account(session)
    admin = await create_admin(session)
    c1 = await create_course(session, code="C1", teacher_id=t1.id)
    c2 = await create_course(session, code="C2", teacher_id=t2.id)
    posted = await create_assessment(session, course=c1, grades_posted_at=POSTED)
    draft = await create_assessment(session, course=c1)
    c2_posted = await create_assessment(session, course=c2, grades_posted_at=POSTED)
    s1_c1 = await create_enrollment(session, student=s1, course=c1)
    s2_c1 = await create_enrollment(session, student=s2, course=c1)
    s1_c2 = await create_enrollment(session, student=s1, course=c2)
    await create_enrollment(session, student=leaver, course=c1)
    for enrollment, assessment, score in (
        (s1_c1, posted, 91),
        (s1_c1, draft, 50),
        (s2_c1, posted, 62),
        (s1_c2, c2_posted, 73),
    ):
        await create_grade(
            session, enrollment=enrollment, assessment=assessment, score=Decimal(score)
        )
    await session.commit()

    users = {"t1": t1, "t2": t2, "s1": s1, "s2": s2, "admin": admin}
    headers = {name: await headers_for(client, user) for name, user in users.items()}
    headers["deactivated"] = await headers_for(client, leaver)
    deactivated = await execute(
        client,
        "mutation($id: ID!) { deactivateUser(userId: $id) { userErrors { code } } }",
        {"id": to_global_id("Student", leaver.id)},
        headers=headers["admin"],
    )
    assert deactivated.errors == []
    assert deactivated.data == {"deactivateUser": {"userErrors": []}}
    headers["anonymous"] = {}
    headers["invalid token"] = {"Authorization": "Bearer not-a-token"}
    return School(
        c1_id=to_global_id("Course", c1.id),
        s1_id=to_global_id("Student", s1.id),
        s2_id=to_global_id("Student", s2.id),
        s1_c1_enrollment_id=to_global_id("Enrollment", s1_c1.id),
        emails={name: user.email for name, user in users.items()},
        headers=headers,
    )


@contextmanager
def executor(execution_context_class: type) -> Iterator[None]:
    """Run the shared schema with another executor until the block exits."""
    schema.execution_context_class = execution_context_class
    try:
        yield
    finally:
        schema.execution_context_class = SchoolExecutor


async def send(
    client: httpx.AsyncClient,
    execution_context_class: type,
    query: str,
    variables: dict[str, Any],
    headers: dict[str, str],
) -> dict[str, Any]:
    """Return the response body without `extensions`, the remaining rate budget."""
    with executor(execution_context_class):
        response = await execute(client, query, variables, headers=headers)
    assert response.status == 200, response.text
    return {key: value for key, value in response.body.items() if key != "extensions"}


async def send_both(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any],
    headers: dict[str, str],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the generic executor's response, then SchoolExecutor's."""
    generic = await send(
        client, StrawberryGraphQLCoreExecutionContext, query, variables, headers
    )
    fast = await send(client, SchoolExecutor, query, variables, headers)
    return generic, fast


def error_summary(body: dict[str, Any]) -> list[ErrorSummary]:
    return [
        (error["extensions"]["code"], error["message"], error.get("path"))
        for error in body.get("errors", [])
    ]


def documents(school: School) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return each document of the role table with its variables."""
    return {
        "roster": (ROSTER, {"course": school.c1_id, "withStudent": True}),
        "roster without students": (
            ROSTER,
            {"course": school.c1_id, "withStudent": False},
        ),
        "roster emails": (
            ROSTER_EMAILS,
            {"course": school.c1_id, "skipNames": False},
        ),
        "roster emails, names skipped": (
            ROSTER_EMAILS,
            {"course": school.c1_id, "skipNames": True},
        ),
        "gradebook": (GRADEBOOK, {}),
        "record of S2": (STUDENT_RECORD, {"student": school.s2_id}),
        "nodes": (NODES, {"ids": [school.s1_c1_enrollment_id, school.s2_id]}),
        "log in twice": (
            LOG_IN_TWICE,
            {
                "student": school.emails["s1"],
                "teacher": school.emails["t1"],
                "password": PASSWORD,
            },
        ),
    }


def roster_errors(code: str, message: str) -> list[ErrorSummary]:
    return [(code, message, ["course", "enrollments"])]


def emails_errors(code: str, message: str) -> list[ErrorSummary]:
    return [(code, message, ["course", "names"])]


EMAIL_OF_FIRST_STUDENT: ErrorSummary = (
    "FORBIDDEN",
    EMAIL_DENIED,
    ["course", "emails", "edges", 0, "node", "student", "email"],
)

# Expected (code, message, path) of each error, by viewer and document.
# A document not listed for a viewer returns no error.
EXPECTED_ERRORS: dict[str, dict[str, list[ErrorSummary]]] = {
    "admin": {},
    "t1": {
        "roster emails": [EMAIL_OF_FIRST_STUDENT],
        "roster emails, names skipped": [EMAIL_OF_FIRST_STUDENT],
    },
    "t2": {
        "roster": roster_errors("FORBIDDEN", ROSTER_DENIED),
        "roster without students": roster_errors("FORBIDDEN", ROSTER_DENIED),
        "roster emails": emails_errors("FORBIDDEN", ROSTER_DENIED),
        "roster emails, names skipped": emails_errors("FORBIDDEN", ROSTER_DENIED),
        "record of S2": [("FORBIDDEN", STUDENT_DENIED, ["student", "fullName"])],
        "nodes": [
            ("FORBIDDEN", ENROLLMENT_DENIED, ["nodes", 0, "status"]),
            ("FORBIDDEN", STUDENT_DENIED, ["nodes", 1, "fullName"]),
        ],
    },
    "s1": {
        "roster": roster_errors("FORBIDDEN", ROSTER_DENIED),
        "roster without students": roster_errors("FORBIDDEN", ROSTER_DENIED),
        "roster emails": emails_errors("FORBIDDEN", ROSTER_DENIED),
        "roster emails, names skipped": emails_errors("FORBIDDEN", ROSTER_DENIED),
        "record of S2": [("FORBIDDEN", STUDENT_DENIED, ["student", "fullName"])],
        "nodes": [("FORBIDDEN", STUDENT_DENIED, ["nodes", 1, "fullName"])],
    },
    "s2": {
        "roster": roster_errors("FORBIDDEN", ROSTER_DENIED),
        "roster without students": roster_errors("FORBIDDEN", ROSTER_DENIED),
        "roster emails": emails_errors("FORBIDDEN", ROSTER_DENIED),
        "roster emails, names skipped": emails_errors("FORBIDDEN", ROSTER_DENIED),
        "nodes": [("FORBIDDEN", ENROLLMENT_DENIED, ["nodes", 0, "status"])],
    },
}
for viewer, message in (
    ("anonymous", LOG_IN_REQUIRED),
    ("invalid token", INVALID_TOKEN),
    ("deactivated", DEACTIVATED_TOKEN),
):
    EXPECTED_ERRORS[viewer] = {
        "roster": roster_errors("UNAUTHENTICATED", message),
        "roster without students": roster_errors("UNAUTHENTICATED", message),
        "roster emails": emails_errors("UNAUTHENTICATED", message),
        "roster emails, names skipped": emails_errors("UNAUTHENTICATED", message),
        "gradebook": [("UNAUTHENTICATED", message, ["me"])],
        "record of S2": [("UNAUTHENTICATED", message, ["student"])],
        "nodes": [
            ("UNAUTHENTICATED", message, ["nodes", 0, "status"]),
            ("UNAUTHENTICATED", message, ["nodes", 1, "fullName"]),
        ],
    }


async def test_roles_match_generic_executor(
    client: httpx.AsyncClient, school: School
) -> None:
    for viewer, expected_errors in EXPECTED_ERRORS.items():
        headers = school.headers[viewer]
        for name, (query, variables) in documents(school).items():
            case = f"{name} as {viewer}"

            generic, fast = await send_both(client, query, variables, headers)

            assert fast == generic, case
            expected = expected_errors.get(name, [])
            assert error_summary(fast) == expected, case
            if not expected:
                assert fast["data"] is not None, case


async def test_log_in_reads_new_viewer_fields(
    client: httpx.AsyncClient, school: School
) -> None:
    _, variables = documents(school)["log in twice"]

    generic, fast = await send_both(
        client, LOG_IN_TWICE, variables, school.headers["invalid token"]
    )

    assert fast == generic
    first = fast["data"]["first"]
    assert first["role"] == "STUDENT"
    assert first["viewer"]["email"] == school.emails["s1"]
    s1_edges = first["viewer"]["enrollments"]["edges"]
    # S1 gets posted scores only: 91 in C1 (not the draft 50) and 73 in C2.
    scores = [
        [grade["node"]["score"] for grade in edge["node"]["grades"]["edges"]]
        for edge in s1_edges
    ]
    assert scores == [[91.0], [73.0]]
    assert {edge["node"]["student"]["email"] for edge in s1_edges} == {
        school.emails["s1"]
    }
    second = fast["data"]["second"]
    assert second["viewer"]["email"] == school.emails["t1"]
    [course] = second["viewer"]["courses"]["edges"]
    assert course["node"]["code"] == "C1"
    assert len(course["node"]["enrollments"]["edges"]) == 3


# Two aliases of the same page, each with an invalid argument below it.
# Both errors propagate to `data: null`. graphql-core 3.3.2 cancels the
# other fields once one error reaches a nulled position and drops later
# errors below it, so the order in which fields run decides which error
# the client receives.
TWO_INVALID_PAGES_IN_ROSTER = """
query TwoInvalidPages($course: ID!) {
  course(id: $course) {
    a: enrollments(first: 1) {
      edges { node { status g: grades(first: -1) { edges { cursor } } } }
    }
    b: enrollments(first: 1) {
      edges { node { h: grades(first: -2) { edges { cursor } } } }
    }
  }
}
"""
TWO_INVALID_PAGES_IN_GRADEBOOK = """
query TwoInvalidPages {
  me {
    ... on Student {
      a: enrollments(first: 1) {
        edges { node { status g: grades(first: -1) { edges { cursor } } } }
      }
      b: enrollments(first: 1) {
        edges { node { h: grades(first: -2) { edges { cursor } } } }
      }
    }
  }
}
"""


def location_of(query: str, text: str) -> dict[str, int]:
    """Return the 1-based line and column where `text` starts in `query`."""
    offset = query.index(text)
    line = query.count("\n", 0, offset) + 1
    column = offset - query.rfind("\n", 0, offset)
    return {"line": line, "column": column}


def invalid_first_error(
    value: int, query: str, field: str, path: list[Any]
) -> dict[str, Any]:
    return {
        "message": f"`first` must be between 0 and 100; got {value}.",
        "locations": [location_of(query, field)],
        "path": path,
        "extensions": {"code": "BAD_USER_INPUT", "field": "first"},
    }


@pytest.mark.parametrize(
    ("viewer", "query", "root"),
    [
        ("admin", TWO_INVALID_PAGES_IN_ROSTER, "course"),
        ("s1", TWO_INVALID_PAGES_IN_GRADEBOOK, "me"),
    ],
)
async def test_two_errors_null_one_parent(
    client: httpx.AsyncClient, school: School, viewer: str, query: str, root: str
) -> None:
    # graphql-core reports only the first error under a parent it nulls.
    # The executors interleave sibling fields differently, so either error
    # may come first: the data and the error's content are what both keep.
    candidates = [
        invalid_first_error(
            -1, query, "g: grades", [root, "a", "edges", 0, "node", "g"]
        ),
        invalid_first_error(
            -2, query, "h: grades", [root, "b", "edges", 0, "node", "h"]
        ),
    ]

    generic, fast = await send_both(
        client, query, {"course": school.c1_id}, school.headers[viewer]
    )

    for response in (generic, fast):
        assert response["data"] is None
        assert len(response["errors"]) == 1
        assert response["errors"][0] in candidates


ENROLLMENT_AND_STUDENT_ERRORS = """
query EnrollmentAndStudent($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Enrollment { status g: grades(first: -1) { edges { cursor } } }
    ... on Student { x: enrollments(first: -2) { edges { cursor } } }
  }
}
"""


@pytest.mark.parametrize("viewer", ["admin", "s1"])
async def test_errors_match_in_any_order(
    client: httpx.AsyncClient, school: School, viewer: str
) -> None:
    # The order of errors from fields that run concurrently is not part of
    # the contract, so the errors are compared by path.
    variables = {"ids": [school.s1_c1_enrollment_id, school.s1_id]}
    expected = [
        invalid_first_error(
            -1, ENROLLMENT_AND_STUDENT_ERRORS, "g: grades", ["nodes", 0, "g"]
        ),
        invalid_first_error(
            -2, ENROLLMENT_AND_STUDENT_ERRORS, "x: enrollments", ["nodes", 1, "x"]
        ),
    ]

    generic, fast = await send_both(
        client, ENROLLMENT_AND_STUDENT_ERRORS, variables, school.headers[viewer]
    )

    for response in (generic, fast):
        assert response["data"] == {"nodes": [None, None]}
        assert sorted(response["errors"], key=lambda error: error["path"]) == expected
