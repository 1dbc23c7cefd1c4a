"""Helpers for mutation tests: logged-in actors and database snapshots."""

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import Admin, Student, Teacher
from tests.auth import (
    create_admin,
    create_student_account,
    create_teacher_account,
    headers_for,
)
from tests.graphql_client import GraphQLResponse

FORBIDDEN_ADMIN = "Only administrators may use this field."
UNAUTHENTICATED = (
    "Log in to see this field: send `Authorization: Bearer <access token>`."
)


@dataclass
class Actor:
    user: Any
    headers: dict[str, str]

    @property
    def id(self) -> int:
        user_id: int = self.user.id
        return user_id


async def admin_actor(session: AsyncSession, client: httpx.AsyncClient) -> Actor:
    admin: Admin = await create_admin(session)
    await session.commit()
    return Actor(admin, await headers_for(client, admin))


async def teacher_actor(
    session: AsyncSession, client: httpx.AsyncClient, **overrides: Any
) -> Actor:
    teacher: Teacher = await create_teacher_account(session, **overrides)
    await session.commit()
    return Actor(teacher, await headers_for(client, teacher))


async def student_actor(
    session: AsyncSession, client: httpx.AsyncClient, **overrides: Any
) -> Actor:
    student: Student = await create_student_account(session, **overrides)
    await session.commit()
    return Actor(student, await headers_for(client, student))


async def snapshot(
    session: AsyncSession, *models: Any
) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of each model's table, ordered by id, as tuples.

    Comparing a snapshot taken before a rejected write with one taken
    after shows that nothing was written.
    """
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in models:
        table = model.__table__
        rows = await session.execute(select(table).order_by(table.c.id))
        tables[table.name] = [tuple(row) for row in rows]
    return tables


def top_level_error(response: GraphQLResponse) -> dict[str, Any]:
    """Return the one error of a response whose data is null."""
    assert response.data is None, response.body
    [error] = response.errors
    return {
        "message": error["message"],
        "path": error.get("path"),
        "code": error["extensions"]["code"],
    }


def payload_of(response: GraphQLResponse, field: str) -> Any:
    assert response.errors == [], response.body
    return response.data[field]
