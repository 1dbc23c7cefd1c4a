"""Creating, changing, archiving and deleting courses; teachers and capacity."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from schoolgql import migrations
from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Course, EnrollmentStatus
from tests.conftest import make_settings, serve
from tests.factories import (
    create_assessment,
    create_course,
    create_enrollment,
    create_student,
    create_teacher,
    create_term,
)
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

COURSE_FIELDS = (
    "id code title description credits capacity archivedAt "
    "term { name } teacher { fullName }"
)
ERRORS = "userErrors { field message code }"

CREATE_COURSE = f"""
mutation($input: CreateCourseInput!) {{
  createCourse(input: $input) {{ course {{ {COURSE_FIELDS} }} {ERRORS} }}
}}
"""
UPDATE_COURSE = f"""
mutation($id: ID!, $input: UpdateCourseInput!) {{
  updateCourse(id: $id, input: $input) {{ course {{ {COURSE_FIELDS} }} {ERRORS} }}
}}
"""
ASSIGN_TEACHER = f"""
mutation($courseId: ID!, $teacherId: ID) {{
  assignTeacher(courseId: $courseId, teacherId: $teacherId) {{
    course {{ {COURSE_FIELDS} }} {ERRORS}
  }}
}}
"""
SET_CAPACITY = f"""
mutation($courseId: ID!, $capacity: Int!) {{
  setCourseCapacity(courseId: $courseId, capacity: $capacity) {{
    course {{ capacity }} {ERRORS}
  }}
}}
"""
ARCHIVE_COURSE = f"""
mutation($id: ID!) {{ archiveCourse(id: $id) {{ course {{ archivedAt }} {ERRORS} }} }}
"""
DELETE_COURSE = f"""
mutation($id: ID!) {{ deleteCourse(id: $id) {{ deletedCourseId {ERRORS} }} }}
"""


def course_input(term_id: int, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "code": "MATH-101",
        "title": "Algebra",
        "description": "Linear equations.",
        "credits": 3,
        "capacity": 25,
        "termId": to_global_id("Term", term_id),
    }
    return values | changes


async def test_create_course_as_admin(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session, name="Fall")
    teacher = await create_teacher(session, full_name="Grace Hopper")
    admin = await admin_actor(session, client)
    teacher_id = to_global_id("Teacher", teacher.id)

    response = await execute(
        client,
        CREATE_COURSE,
        {"input": course_input(term.id, teacherId=teacher_id)},
        headers=admin.headers,
    )

    payload = payload_of(response, "createCourse")
    [row] = (await snapshot(session, Course))["courses"]
    assert payload == {
        "course": {
            "id": to_global_id("Course", row[0]),
            "code": "MATH-101",
            "title": "Algebra",
            "description": "Linear equations.",
            "credits": 3,
            "capacity": 25,
            "archivedAt": None,
            "term": {"name": "Fall"},
            "teacher": {"fullName": "Grace Hopper"},
        },
        "userErrors": [],
    }


@pytest.mark.parametrize("role", ["anonymous", "teacher", "student"])
async def test_create_course_rejected_for_non_admins(
    session: AsyncSession, client: httpx.AsyncClient, role: str
) -> None:
    term = await create_term(session)
    await session.commit()
    headers = {}
    if role == "teacher":
        headers = (await teacher_actor(session, client)).headers
    elif role == "student":
        headers = (await student_actor(session, client)).headers

    response = await execute(
        client, CREATE_COURSE, {"input": course_input(term.id)}, headers=headers
    )

    expected_message = UNAUTHENTICATED if role == "anonymous" else FORBIDDEN_ADMIN
    expected_code = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert top_level_error(response) == {
        "message": expected_message,
        "path": ["createCourse"],
        "code": expected_code,
    }
    assert await snapshot(session, Course) == {"courses": []}


INVALID_COURSES = {
    "empty code": (
        {"code": " "},
        "code",
        "`code` must be 1 to 32 characters long; got 0.",
    ),
    "long title": (
        {"title": "t" * 201},
        "title",
        "`title` must be 1 to 200 characters long; got 201.",
    ),
    "long description": (
        {"description": "d" * 5001},
        "description",
        "`description` must be at most 5000 characters long; got 5001.",
    ),
    "negative credits": (
        {"credits": -1},
        "credits",
        "`credits` must be 0 to 2147483647; got -1.",
    ),
    "negative capacity": (
        {"capacity": -5},
        "capacity",
        "`capacity` must be 0 to 2147483647; got -5.",
    ),
    "unknown term": (
        {"termId": to_global_id("Term", 999)},
        "termId",
        "No term has the ID in `termId`.",
    ),
    "course id as term": (
        {"termId": to_global_id("Course", 1)},
        "termId",
        "`termId` must be the ID of a Term; got the ID of a Course.",
    ),
    "unknown teacher": (
        {"teacherId": to_global_id("Teacher", 999)},
        "teacherId",
        "No teacher has the ID in `teacherId`.",
    ),
}


@pytest.mark.parametrize(
    ("change", "field", "message"), INVALID_COURSES.values(), ids=INVALID_COURSES
)
async def test_create_course_invalid_input_writes_nothing(
    session: AsyncSession,
    client: httpx.AsyncClient,
    change: dict[str, object],
    field: str,
    message: str,
) -> None:
    term = await create_term(session)
    admin = await admin_actor(session, client)

    response = await execute(
        client,
        CREATE_COURSE,
        {"input": course_input(term.id, **change)},
        headers=admin.headers,
    )

    assert payload_of(response, "createCourse") == {
        "course": None,
        "userErrors": [{"field": field, "message": message, "code": "BAD_USER_INPUT"}],
    }
    assert await snapshot(session, Course) == {"courses": []}


async def test_create_course_duplicate_code_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    existing = await create_course(session, code="MATH-101")
    admin = await admin_actor(session, client)
    before = await snapshot(session, Course)

    response = await execute(
        client,
        CREATE_COURSE,
        {"input": course_input(existing.term_id)},
        headers=admin.headers,
    )

    assert payload_of(response, "createCourse")["userErrors"] == [
        {
            "field": "code",
            "message": "Another course already has the code 'MATH-101'; "
            "choose another code.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert await snapshot(session, Course) == before


async def test_create_course_in_archived_term_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    term = await create_term(session, name="Old")
    admin = await admin_actor(session, client)
    await execute(
        client,
        "mutation($id: ID!) { archiveTerm(id: $id) { userErrors { code } } }",
        {"id": to_global_id("Term", term.id)},
        headers=admin.headers,
    )

    response = await execute(
        client, CREATE_COURSE, {"input": course_input(term.id)}, headers=admin.headers
    )

    assert payload_of(response, "createCourse")["userErrors"] == [
        {
            "field": "termId",
            "message": "Term 'Old' is archived and takes no changes.",
            "code": "ARCHIVED",
        }
    ]
    assert await snapshot(session, Course) == {"courses": []}


async def test_update_course_changes_given_fields(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session, code="OLD-1", title="Old", credits=2)
    admin = await admin_actor(session, client)

    response = await execute(
        client,
        UPDATE_COURSE,
        {"id": to_global_id("Course", course.id), "input": {"title": "New"}},
        headers=admin.headers,
    )

    payload = payload_of(response, "updateCourse")
    assert payload["course"]["title"] == "New"
    assert payload["course"]["code"] == "OLD-1"
    assert payload["course"]["credits"] == 2
    await session.refresh(course)
    assert course.title == "New"


async def test_update_course_rejected_for_teacher(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    teacher = await teacher_actor(session, client)
    course = await create_course(session, teacher_id=teacher.id)
    await session.commit()
    before = await snapshot(session, Course)

    response = await execute(
        client,
        UPDATE_COURSE,
        {"id": to_global_id("Course", course.id), "input": {"title": "Mine"}},
        headers=teacher.headers,
    )

    assert top_level_error(response)["code"] == "FORBIDDEN"
    assert await snapshot(session, Course) == before


async def test_update_course_missing_not_found(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    admin = await admin_actor(session, client)

    response = await execute(
        client,
        UPDATE_COURSE,
        {"id": to_global_id("Course", 404), "input": {"title": "X"}},
        headers=admin.headers,
    )

    assert top_level_error(response) == {
        "message": "No course has this ID.",
        "path": ["updateCourse"],
        "code": "NOT_FOUND",
    }


async def test_assign_teacher_and_unassign(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session)
    teacher = await create_teacher(session, full_name="Ada Lovelace")
    admin = await admin_actor(session, client)
    course_id = to_global_id("Course", course.id)

    assigned = await execute(
        client,
        ASSIGN_TEACHER,
        {"courseId": course_id, "teacherId": to_global_id("Teacher", teacher.id)},
        headers=admin.headers,
    )
    unassigned = await execute(
        client,
        ASSIGN_TEACHER,
        {"courseId": course_id, "teacherId": None},
        headers=admin.headers,
    )

    assert payload_of(assigned, "assignTeacher")["course"]["teacher"] == {
        "fullName": "Ada Lovelace"
    }
    assert payload_of(unassigned, "assignTeacher")["course"]["teacher"] is None
    await session.refresh(course)
    assert course.teacher_id is None


async def test_assign_deactivated_teacher_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session)
    teacher = await create_teacher(session, full_name="Gone Away", is_active=False)
    admin = await admin_actor(session, client)
    before = await snapshot(session, Course)

    response = await execute(
        client,
        ASSIGN_TEACHER,
        {
            "courseId": to_global_id("Course", course.id),
            "teacherId": to_global_id("Teacher", teacher.id),
        },
        headers=admin.headers,
    )

    assert payload_of(response, "assignTeacher")["userErrors"] == [
        {
            "field": "teacherId",
            "message": "Teacher Gone Away is deactivated and cannot be assigned "
            "a course.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert await snapshot(session, Course) == before


async def test_assign_teacher_rejected_for_student(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session)
    teacher = await create_teacher(session)
    student = await student_actor(session, client)

    response = await execute(
        client,
        ASSIGN_TEACHER,
        {
            "courseId": to_global_id("Course", course.id),
            "teacherId": to_global_id("Teacher", teacher.id),
        },
        headers=student.headers,
    )

    assert top_level_error(response)["code"] == "FORBIDDEN"
    await session.refresh(course)
    assert course.teacher_id is None


async def test_set_capacity_as_admin(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session, capacity=30)
    admin = await admin_actor(session, client)

    response = await execute(
        client,
        SET_CAPACITY,
        {"courseId": to_global_id("Course", course.id), "capacity": 12},
        headers=admin.headers,
    )

    assert payload_of(response, "setCourseCapacity") == {
        "course": {"capacity": 12},
        "userErrors": [],
    }
    await session.refresh(course)
    assert course.capacity == 12


async def test_set_capacity_below_active_enrollments(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session, code="BIO-1", capacity=30)
    for status in (
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.DROPPED,
    ):
        student = await create_student(session)
        await create_enrollment(session, student=student, course=course, status=status)
    admin = await admin_actor(session, client)
    before = await snapshot(session, Course)

    rejected = await execute(
        client,
        SET_CAPACITY,
        {"courseId": to_global_id("Course", course.id), "capacity": 1},
        headers=admin.headers,
    )
    after_rejection = await snapshot(session, Course)
    accepted = await execute(
        client,
        SET_CAPACITY,
        {"courseId": to_global_id("Course", course.id), "capacity": 2},
        headers=admin.headers,
    )

    assert payload_of(rejected, "setCourseCapacity") == {
        "course": None,
        "userErrors": [
            {
                "field": "capacity",
                "message": "Course BIO-1 has 2 active enrollment(s), so its "
                "capacity must be at least 2; got 1. Drop enrollments first to "
                "go lower.",
                "code": "BAD_USER_INPUT",
            }
        ],
    }
    assert after_rejection == before
    assert payload_of(accepted, "setCourseCapacity")["course"] == {"capacity": 2}


async def test_set_capacity_rejected_for_teacher(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    teacher = await teacher_actor(session, client)
    course = await create_course(session, teacher_id=teacher.id, capacity=30)
    await session.commit()

    response = await execute(
        client,
        SET_CAPACITY,
        {"courseId": to_global_id("Course", course.id), "capacity": 100},
        headers=teacher.headers,
    )

    assert top_level_error(response)["code"] == "FORBIDDEN"
    await session.refresh(course)
    assert course.capacity == 30


async def test_archive_course_then_changes_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session, code="ART-1")
    admin = await admin_actor(session, client)
    course_id = to_global_id("Course", course.id)

    archived = await execute(
        client, ARCHIVE_COURSE, {"id": course_id}, headers=admin.headers
    )
    before = await snapshot(session, Course)
    changed = await execute(
        client,
        SET_CAPACITY,
        {"courseId": course_id, "capacity": 5},
        headers=admin.headers,
    )

    assert payload_of(archived, "archiveCourse")["course"]["archivedAt"] is not None
    assert payload_of(changed, "setCourseCapacity")["userErrors"] == [
        {
            "field": "courseId",
            "message": "Course ART-1 is archived and takes no changes.",
            "code": "ARCHIVED",
        }
    ]
    assert await snapshot(session, Course) == before


async def test_archive_course_anonymous_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session)
    await session.commit()

    response = await execute(
        client, ARCHIVE_COURSE, {"id": to_global_id("Course", course.id)}
    )

    assert top_level_error(response)["code"] == "UNAUTHENTICATED"
    await session.refresh(course)
    assert course.archived_at is None


async def test_delete_course_without_dependents(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session)
    admin = await admin_actor(session, client)
    course_id = to_global_id("Course", course.id)

    response = await execute(
        client, DELETE_COURSE, {"id": course_id}, headers=admin.headers
    )

    assert payload_of(response, "deleteCourse") == {
        "deletedCourseId": course_id,
        "userErrors": [],
    }
    assert await snapshot(session, Course) == {"courses": []}


async def test_delete_course_with_dependents_rejected(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    course = await create_course(session, code="CHEM-2")
    student = await create_student(session)
    await create_enrollment(
        session, student=student, course=course, status=EnrollmentStatus.DROPPED
    )
    await create_assessment(session, course=course)
    await create_assessment(session, course=course)
    admin = await admin_actor(session, client)
    before = await snapshot(session, Course)

    response = await execute(
        client,
        DELETE_COURSE,
        {"id": to_global_id("Course", course.id)},
        headers=admin.headers,
    )

    assert payload_of(response, "deleteCourse") == {
        "deletedCourseId": None,
        "userErrors": [
            {
                "field": "id",
                "message": "Course CHEM-2 still has 1 enrollment(s) and 2 "
                "assessment(s), so it cannot be deleted. Archive it with "
                "`archiveCourse` to keep its records.",
                "code": "HAS_DEPENDENTS",
            }
        ],
    }
    assert await snapshot(session, Course) == before


async def test_delete_course_rejected_for_teacher(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    teacher = await teacher_actor(session, client)
    course = await create_course(session, teacher_id=teacher.id)
    await session.commit()

    response = await execute(
        client,
        DELETE_COURSE,
        {"id": to_global_id("Course", course.id)},
        headers=teacher.headers,
    )

    assert top_level_error(response)["code"] == "FORBIDDEN"
    assert len((await snapshot(session, Course))["courses"]) == 1


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
async def test_update_course_to_taken_code_rejected(
    database: str, postgres_url: str, sqlite_url: str
) -> None:
    url = postgres_url if database == "postgresql" else sqlite_url
    settings = make_settings(url)
    if database == "sqlite":
        engine = create_async_engine(url)
        await migrations.upgrade(engine)
        await engine.dispose()
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        async with server.database.session() as session:
            await create_course(session, code="MATH-101")
            other = await create_course(session, code="MATH-102")
            await session.commit()
            admin = await admin_actor(session, client)
            before = await snapshot(session, Course)

            response = await execute(
                client,
                UPDATE_COURSE,
                {"id": to_global_id("Course", other.id), "input": {"code": "MATH-101"}},
                headers=admin.headers,
            )
            after = await snapshot(session, Course)

    assert response.status == 200
    assert payload_of(response, "updateCourse") == {
        "course": None,
        "userErrors": [
            {
                "field": "code",
                "message": "Another course already has the code 'MATH-101'; "
                "choose another code.",
                "code": "BAD_USER_INPUT",
            }
        ],
    }
    assert after == before
