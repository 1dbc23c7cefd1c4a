"""The floor: a hand-written Starlette and asyncpg app serving Q1 to Q3.

It returns the same `data` as schoolgql for each benchmark query, but
parses no GraphQL: each query has its own path, and the request body is
ignored. Each relation costs one batched statement, the same count
schoolgql's loaders reach, so the ratio of schoolgql to this app measures
the work schoolgql does in Python rather than a difference in SQL.

Run it with uvicorn's factory mode; it reads two environment variables:

    FLOOR_DATABASE_URL  postgresql://user@host:port/name
    FLOOR_STUDENT_ID    row id of the student that /q2 returns
"""

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# Page sizes and the course code, as the documents in benchmarks/queries
# state them.
Q1_COURSES = 20
Q1_ENROLLMENTS_PER_COURSE = 50
Q2_ENROLLMENTS = 10
Q2_GRADES = 50
Q3_COURSE_CODE = "MATH-101"
# The same pool size as schoolgql's default `database_pool_size`.
POOL_SIZE = 10

# An asyncpg connection or pooled connection; asyncpg ships no type hints.
Connection = Any
Handler = Callable[[Connection], Awaitable[dict[str, Any]]]

COURSES_PAGE = "SELECT id, code, title, teacher_id FROM courses ORDER BY id LIMIT $1"
TEACHERS_BY_IDS = """
SELECT teachers.id, users.full_name, teachers.department
FROM teachers JOIN users ON users.id = teachers.id
WHERE teachers.id = ANY($1::int[])
"""
ENROLLMENT_PAGES_BY_COURSE = """
SELECT course_id, status, student_id FROM (
    SELECT course_id, status, student_id, id,
           row_number() OVER (PARTITION BY course_id ORDER BY id) AS position
    FROM enrollments WHERE course_id = ANY($1::int[])
) AS numbered
WHERE position <= $2
ORDER BY course_id, id
"""
STUDENTS_BY_IDS = """
SELECT students.id, users.full_name, students.student_number
FROM students JOIN users ON users.id = students.id
WHERE students.id = ANY($1::int[])
"""
STUDENT_BY_ID = """
SELECT users.full_name, students.student_number
FROM students JOIN users ON users.id = students.id
WHERE students.id = $1
"""
ENROLLMENTS_OF_STUDENT = """
SELECT status, course_id FROM enrollments
WHERE student_id = $1 ORDER BY id LIMIT $2
"""
# A student is shown only the grades of assessments whose grades are posted.
GRADES_OF_STUDENT = """
SELECT score, assessment_id FROM grades
WHERE student_id = $1
  AND assessment_id IN (
    SELECT id FROM assessments WHERE grades_posted_at IS NOT NULL
  )
ORDER BY id LIMIT $2
"""
COURSES_BY_IDS = "SELECT id, code, title FROM courses WHERE id = ANY($1::int[])"
ASSESSMENTS_BY_IDS = """
SELECT id, title, max_score FROM assessments WHERE id = ANY($1::int[])
"""
COURSE_BY_CODE = "SELECT code, title, teacher_id FROM courses WHERE code = $1"
TEACHER_NAME = """
SELECT users.full_name FROM teachers JOIN users ON users.id = teachers.id
WHERE teachers.id = $1
"""


async def roster(connection: Connection) -> dict[str, Any]:
    """Q1: the first courses, each with its teacher and first enrollments."""
    courses = await connection.fetch(COURSES_PAGE, Q1_COURSES)
    course_ids = [course["id"] for course in courses]
    teacher_ids = {course["teacher_id"] for course in courses} - {None}

    teachers = {
        row["id"]: {"fullName": row["full_name"], "department": row["department"]}
        for row in await connection.fetch(TEACHERS_BY_IDS, list(teacher_ids))
    }
    enrollments = await connection.fetch(
        ENROLLMENT_PAGES_BY_COURSE, course_ids, Q1_ENROLLMENTS_PER_COURSE
    )
    student_ids = list({row["student_id"] for row in enrollments})
    students = {
        row["id"]: {
            "fullName": row["full_name"],
            "studentNumber": row["student_number"],
        }
        for row in await connection.fetch(STUDENTS_BY_IDS, student_ids)
    }

    edges_by_course: dict[int, list[dict[str, Any]]] = {id_: [] for id_ in course_ids}
    for row in enrollments:
        node = {"status": row["status"].upper(), "student": students[row["student_id"]]}
        edges_by_course[row["course_id"]].append({"node": node})

    course_edges = [
        {
            "node": {
                "code": course["code"],
                "title": course["title"],
                "teacher": teachers.get(course["teacher_id"]),
                "enrollments": {"edges": edges_by_course[course["id"]]},
            }
        }
        for course in courses
    ]
    return {"courses": {"edges": course_edges}}


def gradebook(student_id: int) -> Handler:
    """Q2: one student with their enrollments' courses and their grades."""

    async def load(connection: Connection) -> dict[str, Any]:
        student = await connection.fetchrow(STUDENT_BY_ID, student_id)
        if student is None:
            raise LookupError(f"no student has the row id {student_id}")
        enrollments = await connection.fetch(
            ENROLLMENTS_OF_STUDENT, student_id, Q2_ENROLLMENTS
        )
        grades = await connection.fetch(GRADES_OF_STUDENT, student_id, Q2_GRADES)

        course_ids = list({row["course_id"] for row in enrollments})
        courses = {
            row["id"]: {"code": row["code"], "title": row["title"]}
            for row in await connection.fetch(COURSES_BY_IDS, course_ids)
        }
        assessment_ids = list({row["assessment_id"] for row in grades})
        assessments = {
            row["id"]: {"title": row["title"], "maxScore": float(row["max_score"])}
            for row in await connection.fetch(ASSESSMENTS_BY_IDS, assessment_ids)
        }

        enrollment_edges = [
            {
                "node": {
                    "status": row["status"].upper(),
                    "course": courses[row["course_id"]],
                }
            }
            for row in enrollments
        ]
        grade_edges = [
            {
                "node": {
                    "score": float(row["score"]),
                    "assessment": assessments[row["assessment_id"]],
                }
            }
            for row in grades
        ]
        return {
            "student": {
                "fullName": student["full_name"],
                "studentNumber": student["student_number"],
                "enrollments": {"edges": enrollment_edges},
                "grades": {"edges": grade_edges},
            }
        }

    return load


async def course_by_code(connection: Connection) -> dict[str, Any]:
    """Q3: one course by code with its teacher's name."""
    course = await connection.fetchrow(COURSE_BY_CODE, Q3_COURSE_CODE)
    if course is None:
        raise LookupError(f"no course has the code {Q3_COURSE_CODE!r}")
    teacher = None
    if course["teacher_id"] is not None:
        name = await connection.fetchval(TEACHER_NAME, course["teacher_id"])
        teacher = None if name is None else {"fullName": name}
    return {
        "course": {"code": course["code"], "title": course["title"], "teacher": teacher}
    }


def handlers(student_id: int) -> dict[str, Handler]:
    """Map each query name to the function that loads its `data`."""
    return {"q1": roster, "q2": gradebook(student_id), "q3": course_by_code}


def create_app() -> Starlette:
    database_url = os.environ["FLOOR_DATABASE_URL"]
    query_handlers = handlers(int(os.environ["FLOOR_STUDENT_ID"]))
    pool: asyncpg.Pool | None = None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        nonlocal pool
        pool = await asyncpg.create_pool(
            database_url, min_size=POOL_SIZE, max_size=POOL_SIZE
        )
        yield
        await pool.close()

    def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def serve(request: Request) -> Response:
            assert pool is not None
            async with pool.acquire() as connection:
                data = await handler(connection)
            return Response(orjson.dumps({"data": data}), media_type="application/json")

        return serve

    async def healthz(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    routes = [
        Route(f"/{name}", endpoint(handler), methods=["POST"])
        for name, handler in query_handlers.items()
    ]
    routes.append(Route("/healthz", healthz, methods=["GET"]))
    return Starlette(routes=routes, lifespan=lifespan)
