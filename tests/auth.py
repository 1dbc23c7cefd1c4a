"""Accounts with passwords, and logging them in over HTTP for auth headers."""

import itertools
from dataclasses import dataclass
from typing import Any

import bcrypt
import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import Admin, Student, Teacher, User
from tests.factories import create_student, create_teacher
from tests.graphql_client import GraphQLResponse, execute

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)

LOG_IN = """
mutation LogIn($email: String!, $password: String!) {
  logIn(email: $email, password: $password) {
    accessToken
    refreshToken
    accessTokenExpiresAt
    refreshTokenExpiresAt
    role
    viewer { id email }
    userErrors { field message code }
  }
}
"""


@dataclass(frozen=True)
class Tokens:
    access: str
    refresh: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def hash_password(password: str = PASSWORD, *, cost: int = 4) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(cost)).decode()


async def create_admin(session: AsyncSession, **overrides: Any) -> Admin:
    number = next(_sequence)
    values: dict[str, Any] = {
        "email": f"admin{number}@example.com",
        "full_name": f"Admin {number}",
        "password_hash": hash_password(),
    }
    admin = Admin(**(values | overrides))
    session.add(admin)
    await session.flush()
    return admin


async def create_student_account(session: AsyncSession, **overrides: Any) -> Student:
    return await create_student(
        session, **({"password_hash": hash_password()} | overrides)
    )


async def create_teacher_account(session: AsyncSession, **overrides: Any) -> Teacher:
    return await create_teacher(
        session, **({"password_hash": hash_password()} | overrides)
    )


async def log_in_response(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> GraphQLResponse:
    return await execute(client, LOG_IN, {"email": email, "password": password})


async def log_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> Tokens:
    response = await log_in_response(client, email, password)
    assert response.errors == [], response.body
    payload = response.data["logIn"]
    assert payload["userErrors"] == [], payload
    return Tokens(access=payload["accessToken"], refresh=payload["refreshToken"])


async def headers_for(client: httpx.AsyncClient, user: User) -> dict[str, str]:
    """Log in a user created with the default PASSWORD; return its auth headers."""
    return (await log_in(client, user.email)).headers
