"""Creating, changing, archiving and deleting terms."""

from datetime import date

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Term
from tests.factories import create_course, create_term
from tests.graphql_client import execute
from tests.writes import (
    FORBIDDEN_ADMIN,
    UNAUTHENTICATED,
    admin_actor,
    payload_of,
    snapshot,
    student_actor,
    teacher_actor,
    top_level_error,
)

TERM_FIELDS = "id name startDate endDate enrollmentOpen archivedAt"
ERRORS = "userErrors { field message code }"

CREATE_TERM = f"""
mutation($input: CreateTermInput!) {{
  createTerm(input: $input) {{ term {{ {TERM_FIELDS} }} {ERRORS} }}
}}
"""
UPDATE_TERM = f"""
mutation($id: ID!, $input: UpdateTermInput!) {{
  updateTerm(id: $id, input: $input) {{ term {{ {TERM_FIELDS} }} {ERRORS} }}
}}
"""
ARCHIVE_TERM = f"""
mutation($id: ID!) {{
  archiveTerm(id: $id) {{ term {{ {TERM_FIELDS} }} {ERRORS} }}
}}
"""
DELETE_TERM = f"""
mutation($id: ID!) {{ deleteTerm(id: $id) {{ deletedTermId {ERRORS} }} }}
"""

FALL = {"name": "Fall 2026", "startDate": "2026-09-01", "endDate": "2026-12-20"}


async def test_create_term_as_admin(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    admin = await admin_actor(session, client)

    response = await execute(
        client,
        CREATE_TERM,
        {"input": FALL | {"name": "  Fall 2026 "}},
        headers=admin.headers,
    )

    payload = payload_of(response, "createTerm")
    term = (await session.scalars(select(Term))).one()
    assert payload == {
        "term": {
            "id": to_global_id("Term", term.id),
            "name": "Fall 2026",
            "startDate": "2026-09-01",
            "endDate": "2026-12-20",
            "enrollmentOpen": False,
            "archivedAt": None,
        },
        "userErrors": [],
    }
    assert term.name == "Fall 2026"
    assert term.start_date == date(2026, 9, 1)


@pytest.mark.parametrize("role", ["anonymous", "teacher", "student"])
async def test_create_term_rejected_for_non_admins(
    session: AsyncSession, client: httpx.AsyncClient, role: str
) -> None:
    headers = {}
    if role == "teacher":
        headers = (await teacher_actor(session, client)).headers
    elif role == "student":
        headers = (await student_actor(session, client)).headers

    response = await execute(client, CREATE_TERM, {"input": FALL}, headers=headers)

    error = top_level_error(response)
    if role == "anonymous":
        assert error == {
            "message": UNAUTHENTICATED,
            "path": ["createTerm"],
            "code": "UNAUTHENTICATED",
        }
    else:
        assert error == {
            "message": FORBIDDEN_ADMIN,
            "path": ["createTerm"],
            "code": "FORBIDDEN",
        }
    assert await snapshot(session, Term) == {"terms": []}


INVALID_TERMS = {
    "empty name": (
        {"name": "  "},
        "name",
        "`name` must be 1 to 100 characters long; got 0.",
    ),
    "long name": (
        {"name": "x" * 101},
        "name",
        "`name` must be 1 to 100 characters long; got 101.",
    ),
    "line break": (
        {"name": "Fall\n2026"},
        "name",
        "`name` must not contain line breaks or control characters.",
    ),
    "ends before start": (
        {"endDate": "2026-08-31"},
        "endDate",
        "`endDate` (2026-08-31) must be on or after `startDate` (2026-09-01).",
    ),
}


@pytest.mark.parametrize(
    ("change", "field", "message"), INVALID_TERMS.values(), ids=INVALID_TERMS
)
async def test_create_term_invalid_input_writes_nothing(
    session: AsyncSession,
    client: httpx.AsyncClient,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    admin = await admin_actor(session, client)

    response = await execute(
        client, CREATE_TERM, {"input": FALL | change}, headers=admin.headers
    )

    assert payload_of(response, "createTerm") == {
        "term": None,
        "userErrors": [{"field": field, "message": message, "code": "BAD_USER_INPUT"}],
    }
    assert await snapshot(session, Term) == {"terms": []}


async def test_create_term_duplicate_name_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await create_term(session, name="Fall 2026")
    admin = await admin_actor(session, client)
    before = await snapshot(session, Term)

    response = await execute(
        client, CREATE_TERM, {"input": FALL}, headers=admin.headers
    )

    assert payload_of(response, "createTerm")["userErrors"] == [
        {
            "field": "name",
            "message": "Another term is already named 'Fall 2026'; choose another name.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert await snapshot(session, Term) == before


async def test_update_term_changes_given_fields(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session, name="Fall", end_date=date(2026, 12, 20))
    admin = await admin_actor(session, client)
    term_id = to_global_id("Term", term.id)

    response = await execute(
        client,
        UPDATE_TERM,
        {"id": term_id, "input": {"name": "Autumn", "enrollmentOpen": True}},
        headers=admin.headers,
    )

    assert payload_of(response, "updateTerm")["term"] == {
        "id": term_id,
        "name": "Autumn",
        "startDate": "2026-09-01",
        "endDate": "2026-12-20",
        "enrollmentOpen": True,
        "archivedAt": None,
    }
    await session.refresh(term)
    assert term.name == "Autumn"
    assert term.enrollment_open is True


async def test_update_term_checks_dates_together(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session)
    admin = await admin_actor(session, client)
    before = await snapshot(session, Term)

    response = await execute(
        client,
        UPDATE_TERM,
        {"id": to_global_id("Term", term.id), "input": {"startDate": "2027-01-01"}},
        headers=admin.headers,
    )

    assert payload_of(response, "updateTerm")["userErrors"] == [
        {
            "field": "endDate",
            "message": "`endDate` (2026-12-20) must be on or after "
            "`startDate` (2027-01-01).",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert await snapshot(session, Term) == before


async def test_update_term_missing_not_found(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    admin = await admin_actor(session, client)

    response = await execute(
        client,
        UPDATE_TERM,
        {"id": to_global_id("Term", 999), "input": {"name": "X"}},
        headers=admin.headers,
    )

    assert top_level_error(response) == {
        "message": "No term has this ID.",
        "path": ["updateTerm"],
        "code": "NOT_FOUND",
    }


async def test_update_term_rejected_for_teacher(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session)
    teacher = await teacher_actor(session, client)
    before = await snapshot(session, Term)

    response = await execute(
        client,
        UPDATE_TERM,
        {"id": to_global_id("Term", term.id), "input": {"name": "X"}},
        headers=teacher.headers,
    )

    assert top_level_error(response)["code"] == "FORBIDDEN"
    assert await snapshot(session, Term) == before


async def test_archive_term_closes_enrollment(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session, enrollment_open=True)
    admin = await admin_actor(session, client)
    term_id = to_global_id("Term", term.id)

    response = await execute(
        client, ARCHIVE_TERM, {"id": term_id}, headers=admin.headers
    )

    payload = payload_of(response, "archiveTerm")
    assert payload["term"]["enrollmentOpen"] is False
    assert payload["term"]["archivedAt"] is not None
    await session.refresh(term)
    assert term.archived_at is not None


async def test_update_archived_term_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session, name="Old")
    admin = await admin_actor(session, client)
    term_id = to_global_id("Term", term.id)
    await execute(client, ARCHIVE_TERM, {"id": term_id}, headers=admin.headers)
    before = await snapshot(session, Term)

    response = await execute(
        client,
        UPDATE_TERM,
        {"id": term_id, "input": {"name": "New"}},
        headers=admin.headers,
    )

    assert payload_of(response, "updateTerm")["userErrors"] == [
        {
            "field": "id",
            "message": "Term 'Old' is archived and takes no changes.",
            "code": "ARCHIVED",
        }
    ]
    assert await snapshot(session, Term) == before


async def test_archive_term_rejected_for_student(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session)
    student = await student_actor(session, client)

    response = await execute(
        client,
        ARCHIVE_TERM,
        {"id": to_global_id("Term", term.id)},
        headers=student.headers,
    )

    assert top_level_error(response)["code"] == "FORBIDDEN"
    await session.refresh(term)
    assert term.archived_at is None


async def test_delete_term_without_courses(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session)
    admin = await admin_actor(session, client)
    term_id = to_global_id("Term", term.id)

    response = await execute(
        client, DELETE_TERM, {"id": term_id}, headers=admin.headers
    )

    assert payload_of(response, "deleteTerm") == {
        "deletedTermId": term_id,
        "userErrors": [],
    }
    assert await snapshot(session, Term) == {"terms": []}


async def test_delete_term_with_courses_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session, name="Fall")
    await create_course(session, term_id=term.id)
    await create_course(session, term_id=term.id)
    admin = await admin_actor(session, client)
    before = await snapshot(session, Term)

    response = await execute(
        client,
        DELETE_TERM,
        {"id": to_global_id("Term", term.id)},
        headers=admin.headers,
    )

    assert payload_of(response, "deleteTerm") == {
        "deletedTermId": None,
        "userErrors": [
            {
                "field": "id",
                "message": "Term 'Fall' still has 2 course(s), so it cannot be "
                "deleted. Delete or move them first, or archive the term with "
                "`archiveTerm`.",
                "code": "HAS_DEPENDENTS",
            }
        ],
    }
    assert await snapshot(session, Term) == before


async def test_delete_term_anonymous_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session)
    await session.commit()

    response = await execute(client, DELETE_TERM, {"id": to_global_id("Term", term.id)})

    assert top_level_error(response)["code"] == "UNAUTHENTICATED"
    assert len((await snapshot(session, Term))["terms"]) == 1


async def test_update_term_to_taken_name_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await create_term(session, name="Fall 2026")
    term = await create_term(session, name="Spring 2027")
    admin = await admin_actor(session, client)
    before = await snapshot(session, Term)

    response = await execute(
        client,
        UPDATE_TERM,
        {"id": to_global_id("Term", term.id), "input": {"name": "Fall 2026"}},
        headers=admin.headers,
    )

    assert payload_of(response, "updateTerm") == {
        "term": None,
        "userErrors": [
            {
                "field": "name",
                "message": "Another term is already named 'Fall 2026'; choose "
                "another name.",
                "code": "BAD_USER_INPUT",
            }
        ],
    }
    assert await snapshot(session, Term) == before


async def test_archived_term_freezes_its_courses(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session, name="Old")
    course = await create_course(session, term_id=term.id, code="OLD-1", title="Old")
    other = await create_course(session, code="NEW-1")
    admin = await admin_actor(session, client)

    await execute(
        client,
        ARCHIVE_TERM,
        {"id": to_global_id("Term", term.id)},
        headers=admin.headers,
    )
    response = await execute(
        client,
        'mutation($id: ID!) { updateCourse(id: $id, input: { title: "New" }) '
        "{ course { title } userErrors { field message code } } }",
        {"id": to_global_id("Course", course.id)},
        headers=admin.headers,
    )

    assert payload_of(response, "updateCourse") == {
        "course": None,
        "userErrors": [
            {
                "field": "id",
                "message": "Course OLD-1 is archived and takes no changes.",
                "code": "ARCHIVED",
            }
        ],
    }
    await session.refresh(course)
    await session.refresh(other)
    assert course.title == "Old"
    assert course.archived_at is not None
    assert other.archived_at is None
