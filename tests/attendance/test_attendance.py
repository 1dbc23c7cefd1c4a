"""Taking and correcting attendance, summaries and courses without attendance."""

from collections.abc import Mapping, Sequence
from datetime import date

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import AttendanceChange, AttendanceRecord
from tests.factories import (
    create_course,
    create_enrollment,
    create_student,
    create_term,
)
from tests.grading.school import graded_course
from tests.graphql_client import execute
from tests.writes import (
    admin_actor,
    payload_of,
    snapshot,
    student_actor,
    teacher_actor,
    top_level_error,
)

TAKE = """
mutation($courseId: ID!, $date: Date!, $entries: [AttendanceEntryInput!]!) {
  takeAttendance(courseId: $courseId, date: $date, entries: $entries) {
    records { date status note student { fullName } }
    userErrors { field message code }
  }
}
"""
DAY = "2026-10-05"


def take(
    school_course_id: int, entries: Sequence[Mapping[str, object]], on: str = DAY
) -> dict[str, object]:
    return {
        "courseId": to_global_id("Course", school_course_id),
        "date": on,
        "entries": entries,
    }


async def test_take_attendance_as_teacher(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    entries = [
        {"studentId": school.student_id(0), "status": "PRESENT"},
        {"studentId": school.student_id(1), "status": "LATE", "note": "Bus delay"},
    ]

    response = await execute(
        client, TAKE, take(school.course.id, entries), headers=school.teacher.headers
    )

    assert payload_of(response, "takeAttendance") == {
        "records": [
            {
                "date": DAY,
                "status": "PRESENT",
                "note": None,
                "student": {"fullName": "Student 1"},
            },
            {
                "date": DAY,
                "status": "LATE",
                "note": "Bus delay",
                "student": {"fullName": "Student 2"},
            },
        ],
        "userErrors": [],
    }
    rows = (await snapshot(session, AttendanceRecord))["attendance_records"]
    assert [(row[3], row[4], row[5], row[7]) for row in rows] == [
        (school.students[0].id, date(2026, 10, 5), "present", school.teacher.id),
        (school.students[1].id, date(2026, 10, 5), "late", school.teacher.id),
    ]


async def test_second_submission_corrects_and_keeps_changes(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    admin = await admin_actor(session, client)
    first = [
        {"studentId": school.student_id(0), "status": "ABSENT"},
        {"studentId": school.student_id(1), "status": "PRESENT"},
    ]
    second = [
        {"studentId": school.student_id(0), "status": "EXCUSED", "note": "Doctor"},
        {"studentId": school.student_id(1), "status": "PRESENT"},
    ]
    await execute(
        client, TAKE, take(school.course.id, first), headers=school.teacher.headers
    )

    response = await execute(
        client, TAKE, take(school.course.id, second), headers=admin.headers
    )

    statuses = [
        record["status"] for record in payload_of(response, "takeAttendance")["records"]
    ]
    assert statuses == ["EXCUSED", "PRESENT"]
    records = (await snapshot(session, AttendanceRecord))["attendance_records"]
    assert len(records) == 2
    [change] = (await snapshot(session, AttendanceChange))["attendance_changes"]
    assert change[1] == records[0][0]
    assert change[2:5] == ("absent", None, school.teacher.id)
    assert change[6] == admin.id


INVALID_SUBMISSIONS = {
    "missing student": (
        [{"studentId": 0, "status": "PRESENT"}],
        DAY,
        [
            {
                "field": "entries",
                "message": "Attendance must cover the whole roster of MATH-101; "
                "missing 1 student(s): Student 2 (S002).",
                "code": "BAD_USER_INPUT",
            }
        ],
    ),
    "duplicate and long note": (
        [
            {"studentId": 0, "status": "PRESENT"},
            {"studentId": 1, "status": "ABSENT", "note": "n" * 501},
            {"studentId": 0, "status": "LATE"},
        ],
        DAY,
        [
            {
                "field": "entries[1].note",
                "message": "`entries[1].note` must be 1 to 500 characters long; "
                "got 501.",
                "code": "BAD_USER_INPUT",
            },
            {
                "field": "entries[2].studentId",
                "message": "Student 1 (S001) appears more than once; send one row "
                "per student.",
                "code": "BAD_USER_INPUT",
            },
        ],
    ),
    "outside term": (
        [{"studentId": 0, "status": "PRESENT"}, {"studentId": 1, "status": "PRESENT"}],
        "2027-03-01",
        [
            {
                "field": "date",
                "message": "`date` (2027-03-01) must fall within the course's term, "
                "2026-09-01 to 2026-12-20.",
                "code": "BAD_USER_INPUT",
            }
        ],
    ),
}


@pytest.mark.parametrize(
    ("rows", "on", "errors"), INVALID_SUBMISSIONS.values(), ids=INVALID_SUBMISSIONS
)
async def test_take_attendance_invalid_writes_nothing(
    session: AsyncSession,
    client: httpx.AsyncClient,
    rows: list[dict[str, object]],
    on: str,
    errors: list[dict[str, str]],
) -> None:
    school = await graded_course(session, client)
    entries = [
        row | {"studentId": school.student_id(int(str(row["studentId"])))}
        for row in rows
    ]

    response = await execute(
        client,
        TAKE,
        take(school.course.id, entries, on),
        headers=school.teacher.headers,
    )

    assert payload_of(response, "takeAttendance") == {
        "records": None,
        "userErrors": errors,
    }
    assert await snapshot(session, AttendanceRecord) == {"attendance_records": []}


async def test_take_attendance_unenrolled_row_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client, student_count=1)
    outsider = await create_student(session, full_name="Outsider", student_number="X9")
    await session.commit()
    entries = [
        {"studentId": school.student_id(0), "status": "PRESENT"},
        {"studentId": to_global_id("Student", outsider.id), "status": "PRESENT"},
    ]

    response = await execute(
        client, TAKE, take(school.course.id, entries), headers=school.teacher.headers
    )

    assert payload_of(response, "takeAttendance")["userErrors"] == [
        {
            "field": "entries[1].studentId",
            "message": "Outsider (X9) is not actively enrolled in MATH-101.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert await snapshot(session, AttendanceRecord) == {"attendance_records": []}


@pytest.mark.parametrize("role", ["anonymous", "student", "other teacher"])
async def test_take_attendance_rejected_for_role(
    session: AsyncSession, client: httpx.AsyncClient, role: str
) -> None:
    school = await graded_course(session, client)
    headers = {}
    if role == "student":
        headers = (await student_actor(session, client)).headers
    elif role == "other teacher":
        headers = (await teacher_actor(session, client)).headers
    entries = [
        {"studentId": school.student_id(0), "status": "PRESENT"},
        {"studentId": school.student_id(1), "status": "PRESENT"},
    ]

    response = await execute(
        client, TAKE, take(school.course.id, entries), headers=headers
    )

    error = top_level_error(response)
    expected = {
        "anonymous": "UNAUTHENTICATED",
        "student": "FORBIDDEN",
        "other teacher": "FORBIDDEN",
    }[role]
    assert error["code"] == expected
    if role == "other teacher":
        assert error["message"] == (
            "Only the teacher of MATH-101 and administrators may take its attendance."
        )
    assert await snapshot(session, AttendanceRecord) == {"attendance_records": []}


async def test_attendance_summaries(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    admin = await admin_actor(session, client)
    for day, first_status in (
        ("2026-10-05", "PRESENT"),
        ("2026-10-06", "LATE"),
        ("2026-10-07", "ABSENT"),
    ):
        entries = [
            {"studentId": school.student_id(0), "status": first_status},
            {"studentId": school.student_id(1), "status": "PRESENT"},
        ]
        await execute(
            client, TAKE, take(school.course.id, entries, day), headers=admin.headers
        )
    query = """
    query($id: ID!) {
      student(id: $id) {
        attendanceSummary { present absent late excused total }
        enrollments { edges { node { attendanceSummary { present late absent } } } }
      }
    }
    """

    response = await execute(
        client, query, {"id": school.student_id(0)}, headers=admin.headers
    )

    student = payload_of(response, "student")
    assert student["attendanceSummary"] == {
        "present": 1,
        "absent": 1,
        "late": 1,
        "excused": 0,
        "total": 3,
    }
    assert student["enrollments"]["edges"] == [
        {"node": {"attendanceSummary": {"present": 1, "late": 1, "absent": 1}}}
    ]


async def test_courses_without_attendance_on_date(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    school = await graded_course(session, client)
    term = await create_term(
        session, start_date=date(2026, 9, 1), end_date=date(2026, 12, 20)
    )
    missing = await create_course(session, code="MISSING-1", term_id=term.id)
    await create_enrollment(session, student=school.students[0], course=missing)
    await create_course(session, code="EMPTY-1", term_id=term.id)
    later_term = await create_term(
        session, start_date=date(2027, 1, 10), end_date=date(2027, 5, 1)
    )
    later = await create_course(session, code="LATER-1", term_id=later_term.id)
    await create_enrollment(session, student=school.students[0], course=later)
    admin = await admin_actor(session, client)
    entries = [
        {"studentId": school.student_id(0), "status": "PRESENT"},
        {"studentId": school.student_id(1), "status": "PRESENT"},
    ]
    await execute(client, TAKE, take(school.course.id, entries), headers=admin.headers)
    query = """
    query($date: Date!) {
      coursesWithoutAttendance(date: $date) { edges { node { code } } }
    }
    """

    response = await execute(client, query, {"date": DAY}, headers=admin.headers)
    as_teacher = await execute(
        client, query, {"date": DAY}, headers=school.teacher.headers
    )

    assert payload_of(response, "coursesWithoutAttendance") == {
        "edges": [{"node": {"code": "MISSING-1"}}]
    }
    assert top_level_error(as_teacher)["code"] == "FORBIDDEN"
