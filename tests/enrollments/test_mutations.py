"""Enrolling students and dropping enrollments, with their permission rules."""

from datetime import datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Course, Enrollment, EnrollmentStatus
from tests.conftest import make_settings, serve
from tests.factories import (
    create_course,
    create_enrollment,
    create_student,
    create_term,
)
from tests.graphql_client import execute
from tests.writes import (
    admin_actor,
    payload_of,
    snapshot,
    student_actor,
    teacher_actor,
    top_level_error,
)

ERRORS = "userErrors { field message code }"
ENROLL = f"""
mutation($courseId: ID!, $studentId: ID) {{
  enroll(courseId: $courseId, studentId: $studentId) {{
    enrollment {{ id status student {{ fullName }} course {{ code }} }}
    {ERRORS}
  }}
}}
"""
DROP = f"""
mutation($id: ID!) {{
  dropEnrollment(id: $id) {{ enrollment {{ id status }} {ERRORS} }}
}}
"""


async def open_course(session: AsyncSession, **overrides: object) -> Course:
    term = await create_term(session, name="Fall", enrollment_open=True)
    return await create_course(session, term_id=term.id, **overrides)


def ids(course: Course, student_id: int | None = None) -> dict[str, str | None]:
    return {
        "courseId": to_global_id("Course", course.id),
        "studentId": None
        if student_id is None
        else to_global_id("Student", student_id),
    }


async def test_admin_enrolls_student(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session, code="MATH-1")
    student = await create_student(session, full_name="Ada Lovelace")
    admin = await admin_actor(session, client)

    response = await execute(
        client, ENROLL, ids(course, student.id), headers=admin.headers
    )

    payload = payload_of(response, "enroll")
    [row] = (await snapshot(session, Enrollment))["enrollments"]
    assert payload == {
        "enrollment": {
            "id": to_global_id("Enrollment", row[0]),
            "status": "ACTIVE",
            "student": {"fullName": "Ada Lovelace"},
            "course": {"code": "MATH-1"},
        },
        "userErrors": [],
    }
    assert row[1:4] == (student.id, course.id, "active")


async def test_admin_enrolls_in_closed_term(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session, enrollment_open=False)
    course = await create_course(session, term_id=term.id)
    student = await create_student(session)
    admin = await admin_actor(session, client)

    response = await execute(
        client, ENROLL, ids(course, student.id), headers=admin.headers
    )

    assert payload_of(response, "enroll")["enrollment"]["status"] == "ACTIVE"


async def test_student_enrolls_themself(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session)
    student = await student_actor(session, client, full_name="Alan Turing")

    response = await execute(client, ENROLL, ids(course), headers=student.headers)

    enrollment = payload_of(response, "enroll")["enrollment"]
    assert enrollment["student"] == {"fullName": "Alan Turing"}
    [row] = (await snapshot(session, Enrollment))["enrollments"]
    assert row[1:4] == (student.id, course.id, "active")


async def test_enroll_anonymous_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session)
    await session.commit()

    response = await execute(client, ENROLL, ids(course))

    assert top_level_error(response)["code"] == "UNAUTHENTICATED"
    assert await snapshot(session, Enrollment) == {"enrollments": []}


async def test_enroll_teacher_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session)
    student = await create_student(session)
    teacher = await teacher_actor(session, client)

    response = await execute(
        client, ENROLL, ids(course, student.id), headers=teacher.headers
    )

    assert top_level_error(response) == {
        "message": "Only administrators and students may enroll and drop.",
        "path": ["enroll"],
        "code": "FORBIDDEN",
    }
    assert await snapshot(session, Enrollment) == {"enrollments": []}


async def test_student_enrolls_another_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session)
    other = await create_student(session)
    student = await student_actor(session, client)

    response = await execute(
        client, ENROLL, ids(course, other.id), headers=student.headers
    )

    assert top_level_error(response) == {
        "message": "Students may enroll and drop only themselves.",
        "path": ["enroll"],
        "code": "FORBIDDEN",
    }
    assert await snapshot(session, Enrollment) == {"enrollments": []}


async def test_self_enrollment_off_rejected(
    session: AsyncSession, postgres_url: str
) -> None:
    course = await open_course(session)
    await session.commit()

    async with (
        serve(make_settings(postgres_url)) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        student = await student_actor(session, client)
        response = await execute(client, ENROLL, ids(course), headers=student.headers)

    assert top_level_error(response) == {
        "message": "Self-enrollment is turned off at this school; ask an "
        "administrator to enroll you or to drop the enrollment.",
        "path": ["enroll"],
        "code": "FORBIDDEN",
    }
    assert await snapshot(session, Enrollment) == {"enrollments": []}


async def test_student_enroll_closed_term_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session, name="Spring", enrollment_open=False)
    course = await create_course(session, term_id=term.id, code="ART-2")
    student = await student_actor(session, client)

    response = await execute(client, ENROLL, ids(course), headers=student.headers)

    assert payload_of(response, "enroll") == {
        "enrollment": None,
        "userErrors": [
            {
                "field": "courseId",
                "message": "Enrollment in term 'Spring', which ART-2 runs in, is "
                "closed; ask an administrator.",
                "code": "ENROLLMENT_CLOSED",
            }
        ],
    }
    assert await snapshot(session, Enrollment) == {"enrollments": []}


async def test_enroll_full_course_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session, code="PHY-1", capacity=1)
    await create_enrollment(
        session, student=await create_student(session), course=course
    )
    student = await create_student(session)
    admin = await admin_actor(session, client)
    before = await snapshot(session, Enrollment)

    response = await execute(
        client, ENROLL, ids(course, student.id), headers=admin.headers
    )

    assert payload_of(response, "enroll") == {
        "enrollment": None,
        "userErrors": [
            {
                "field": "courseId",
                "message": "Course PHY-1 is full: all 1 seat(s) are taken. Ask an "
                "administrator to raise its capacity.",
                "code": "COURSE_FULL",
            }
        ],
    }
    assert await snapshot(session, Enrollment) == before


async def test_enroll_twice_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session, code="BIO-1")
    student = await create_student(session, full_name="Rosalind Franklin")
    await create_enrollment(session, student=student, course=course)
    admin = await admin_actor(session, client)
    before = await snapshot(session, Enrollment)

    response = await execute(
        client, ENROLL, ids(course, student.id), headers=admin.headers
    )

    assert payload_of(response, "enroll")["userErrors"] == [
        {
            "field": "studentId",
            "message": "Rosalind Franklin is already enrolled in BIO-1.",
            "code": "ALREADY_ENROLLED",
        }
    ]
    assert await snapshot(session, Enrollment) == before


INVALID_ENROLLMENTS = {
    "missing student id": (
        "none",
        "studentId",
        "Pass `studentId`: administrators enroll a student by ID.",
        "BAD_USER_INPUT",
    ),
    "unknown student": (
        "unknown",
        "studentId",
        "No student has the ID in `studentId`.",
        "BAD_USER_INPUT",
    ),
    "deactivated student": (
        "deactivated",
        "studentId",
        "Student Gone Away is deactivated and cannot be enrolled.",
        "BAD_USER_INPUT",
    ),
    "archived course": (
        "archived",
        "courseId",
        "Course OLD-1 is archived and takes no changes.",
        "ARCHIVED",
    ),
}


@pytest.mark.parametrize(
    ("case", "field", "message", "code"),
    INVALID_ENROLLMENTS.values(),
    ids=INVALID_ENROLLMENTS,
)
async def test_enroll_invalid_input_writes_nothing(
    session: AsyncSession,
    client: httpx.AsyncClient,
    case: str,
    field: str,
    message: str,
    code: str,
) -> None:
    course = await open_course(session, code="OLD-1")
    student = await create_student(
        session, full_name="Gone Away", is_active=case != "deactivated"
    )
    if case == "archived":
        course.archived_at = datetime(2026, 1, 1)
    admin = await admin_actor(session, client)
    student_id = {"none": None, "unknown": 999}.get(case, student.id)
    before = await snapshot(session, Enrollment, Course)

    response = await execute(
        client, ENROLL, ids(course, student_id), headers=admin.headers
    )

    assert payload_of(response, "enroll") == {
        "enrollment": None,
        "userErrors": [{"field": field, "message": message, "code": code}],
    }
    assert await snapshot(session, Enrollment, Course) == before


async def test_enroll_missing_course_not_found(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    student = await student_actor(session, client)

    response = await execute(
        client,
        ENROLL,
        {"courseId": to_global_id("Course", 404), "studentId": None},
        headers=student.headers,
    )

    assert top_level_error(response) == {
        "message": "No course has this ID.",
        "path": ["enroll"],
        "code": "NOT_FOUND",
    }


async def test_enroll_reactivates_dropped_enrollment(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session)
    student = await create_student(session)
    enrollment = await create_enrollment(
        session, student=student, course=course, status=EnrollmentStatus.DROPPED
    )
    admin = await admin_actor(session, client)

    response = await execute(
        client, ENROLL, ids(course, student.id), headers=admin.headers
    )

    assert payload_of(response, "enroll")["enrollment"]["id"] == to_global_id(
        "Enrollment", enrollment.id
    )
    await session.refresh(enrollment)
    assert enrollment.status is EnrollmentStatus.ACTIVE


async def test_admin_drops_enrollment(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session)
    enrollment = await create_enrollment(
        session, student=await create_student(session), course=course
    )
    admin = await admin_actor(session, client)
    enrollment_id = to_global_id("Enrollment", enrollment.id)

    response = await execute(client, DROP, {"id": enrollment_id}, headers=admin.headers)

    assert payload_of(response, "dropEnrollment") == {
        "enrollment": {"id": enrollment_id, "status": "DROPPED"},
        "userErrors": [],
    }
    await session.refresh(enrollment)
    assert enrollment.status is EnrollmentStatus.DROPPED


async def test_student_drops_own_enrollment(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session)
    student = await student_actor(session, client)
    enrollment = await create_enrollment(session, student=student.user, course=course)
    await session.commit()

    response = await execute(
        client,
        DROP,
        {"id": to_global_id("Enrollment", enrollment.id)},
        headers=student.headers,
    )

    assert payload_of(response, "dropEnrollment")["enrollment"]["status"] == "DROPPED"


async def test_student_drops_another_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session)
    enrollment = await create_enrollment(
        session, student=await create_student(session), course=course
    )
    student = await student_actor(session, client)
    before = await snapshot(session, Enrollment)

    response = await execute(
        client,
        DROP,
        {"id": to_global_id("Enrollment", enrollment.id)},
        headers=student.headers,
    )

    assert top_level_error(response) == {
        "message": "Students may enroll and drop only themselves.",
        "path": ["dropEnrollment"],
        "code": "FORBIDDEN",
    }
    assert await snapshot(session, Enrollment) == before


@pytest.mark.parametrize("role", ["anonymous", "teacher"])
async def test_drop_rejected_for_role(
    session: AsyncSession, client: httpx.AsyncClient, role: str
) -> None:
    course = await open_course(session)
    enrollment = await create_enrollment(
        session, student=await create_student(session), course=course
    )
    await session.commit()
    headers = (
        {} if role == "anonymous" else (await teacher_actor(session, client)).headers
    )
    before = await snapshot(session, Enrollment)

    response = await execute(
        client, DROP, {"id": to_global_id("Enrollment", enrollment.id)}, headers=headers
    )

    expected = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert top_level_error(response)["code"] == expected
    assert await snapshot(session, Enrollment) == before


async def test_drop_dropped_enrollment_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session)
    enrollment = await create_enrollment(
        session,
        student=await create_student(session),
        course=course,
        status=EnrollmentStatus.DROPPED,
    )
    admin = await admin_actor(session, client)
    before = await snapshot(session, Enrollment)

    response = await execute(
        client,
        DROP,
        {"id": to_global_id("Enrollment", enrollment.id)},
        headers=admin.headers,
    )

    assert payload_of(response, "dropEnrollment")["userErrors"] == [
        {
            "field": "id",
            "message": "Only an active enrollment can be dropped; this one is dropped.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert await snapshot(session, Enrollment) == before


async def test_drop_frees_seat(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await open_course(session, capacity=1)
    enrollment = await create_enrollment(
        session, student=await create_student(session), course=course
    )
    newcomer = await create_student(session)
    admin = await admin_actor(session, client)

    await execute(
        client,
        DROP,
        {"id": to_global_id("Enrollment", enrollment.id)},
        headers=admin.headers,
    )
    response = await execute(
        client, ENROLL, ids(course, newcomer.id), headers=admin.headers
    )

    assert payload_of(response, "enroll")["enrollment"]["status"] == "ACTIVE"


async def test_enroll_last_seat_on_each_database(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> None:
    course = await open_course(any_session, code="SEAT-1", capacity=1)
    first = await create_student(any_session)
    second = await create_student(any_session)
    admin = await admin_actor(any_session, any_client)

    taken = await execute(
        any_client, ENROLL, ids(course, first.id), headers=admin.headers
    )
    full = await execute(
        any_client, ENROLL, ids(course, second.id), headers=admin.headers
    )

    assert payload_of(taken, "enroll")["enrollment"]["status"] == "ACTIVE"
    assert payload_of(full, "enroll")["userErrors"] == [
        {
            "field": "courseId",
            "message": "Course SEAT-1 is full: all 1 seat(s) are taken. Ask an "
            "administrator to raise its capacity.",
            "code": "COURSE_FULL",
        }
    ]
