"""`schoolgql create-admin` creates the first administrator."""

import asyncio
import os
import sys

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import Admin
from tests.auth import log_in


async def _create_admin(
    database_url: str, *arguments: str, password: str | None
) -> tuple[int, str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SCHOOLGQL_")
    }
    environment |= {
        "SCHOOLGQL_DATABASE_URL": database_url,
        "SCHOOLGQL_BCRYPT_COST": "4",
    }
    if password is not None:
        environment["SCHOOLGQL_ADMIN_PASSWORD"] = password
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "schoolgql.cli",
        "create-admin",
        *arguments,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=environment,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_create_admin_then_log_in(
    postgres_url: str, session: AsyncSession, client: httpx.AsyncClient
) -> None:
    status, stdout, stderr = await _create_admin(
        postgres_url,
        "--email",
        " Head@Example.com",
        "--full-name",
        "Head Teacher",
        password="the first admin's password",
    )

    assert status == 0, stderr
    admin = (await session.scalars(select(Admin))).one()
    assert stdout == f"created administrator {admin.id}\n"
    assert admin.email == "head@example.com"
    await log_in(client, "head@example.com", "the first admin's password")


async def test_create_admin_without_password_fails(
    postgres_url: str, session: AsyncSession
) -> None:
    status, _, stderr = await _create_admin(
        postgres_url,
        "--email",
        "head@example.com",
        "--full-name",
        "Head",
        password=None,
    )

    assert status == 2
    assert "set SCHOOLGQL_ADMIN_PASSWORD" in stderr
    assert (await session.scalars(select(Admin))).all() == []


async def test_create_admin_rejects_short_password(
    postgres_url: str, session: AsyncSession
) -> None:
    status, _, stderr = await _create_admin(
        postgres_url,
        "--email",
        "head@example.com",
        "--full-name",
        "Head",
        password="short",
    )

    assert status == 2
    assert "`password` must be at least 10 characters long" in stderr
    assert (await session.scalars(select(Admin))).all() == []
