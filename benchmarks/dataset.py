"""The benchmark database: created fresh, migrated, seeded, then dropped."""

import asyncio
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from schoolgql.accounts.passwords import PasswordHasher, check_new_password
from schoolgql.graphql.relay import to_global_id
from schoolgql.settings import Settings

# The fixed dataset: 10,000 enrollments and 50,000 grades.
SEED_ARGUMENTS = (
    "--students", "2000",
    "--teachers", "100",
    "--courses", "200",
    "--enrollments-per-student", "5",
    "--assessments-per-course", "5",
)  # fmt: skip
# Q2 reads the gradebook of this student, logged in as that student.
Q2_STUDENT_NUMBER = "S000001"
# Q1 runs as this administrator, whom `schoolgql create-admin` creates.
ADMIN_EMAIL = "benchmark-admin@example.com"
ADMIN_FULL_NAME = "Benchmark Administrator"
# bcrypt cost of the passwords set here and of the servers: the default of
# Settings.bcrypt_cost, which production uses unless configured otherwise.
BCRYPT_COST: int = Settings.model_fields["bcrypt_cost"].default


@dataclass(frozen=True)
class Account:
    """An account the benchmark logs in as, with a password random per run."""

    email: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Dataset:
    """A seeded database, the ids the queries need and the accounts to log in as."""

    server_url: str
    name: str
    q2_student_row_id: int = 0
    admin: Account | None = None
    q2_student: Account | None = None

    @property
    def dsn(self) -> str:
        """URL for asyncpg and psql."""
        return _with_database(self.server_url, self.name)

    @property
    def sqlalchemy_url(self) -> str:
        return self.dsn.replace("postgresql://", "postgresql+asyncpg://", 1)

    @property
    def q2_student_id(self) -> str:
        return to_global_id("Student", self.q2_student_row_id)


def create(server_url: str) -> Dataset:
    """Create an empty database with a name no other run uses."""
    name = f"schoolgql_bench_{os.getpid()}_{int(time.time())}"
    asyncio.run(_admin_execute(server_url, f'CREATE DATABASE "{name}"'))
    return Dataset(server_url=server_url, name=name)


def migrate_and_seed(dataset: Dataset, *, log: list[str]) -> Dataset:
    """Run `schoolgql migrate` and `schoolgql seed --demo` on the database."""
    environment = {**os.environ, "SCHOOLGQL_DATABASE_URL": dataset.sqlalchemy_url}
    for arguments in (["migrate"], ["seed", "--demo", *SEED_ARGUMENTS]):
        command = [sys.executable, "-m", "schoolgql.cli", *arguments]
        completed = subprocess.run(
            command, env=environment, capture_output=True, text=True, check=False
        )
        log.append(completed.stdout.strip())
        if completed.returncode != 0:
            raise RuntimeError(
                f"`schoolgql {' '.join(arguments)}` failed with exit status "
                f"{completed.returncode}:\n{completed.stderr}"
            )
    student_row_id = asyncio.run(_find_student(dataset.dsn, Q2_STUDENT_NUMBER))
    return replace(dataset, q2_student_row_id=student_row_id)


def post_all_grades(dataset: Dataset, *, log: list[str]) -> None:
    """Post the grades of every assessment, as at the end of a term.

    The demo seed posts none, and a student is shown only posted grades, so
    without this Q2 would read no grades. It stores what the `postGrades`
    mutation stores, for all assessments in one statement.
    """
    status = asyncio.run(
        _execute(
            dataset.dsn,
            "UPDATE assessments SET grades_posted_at = now() "
            "WHERE grades_posted_at IS NULL",
        )
    )
    log.append(f"posted the grades of every assessment ({status})")


def create_accounts(dataset: Dataset, *, log: list[str]) -> Dataset:
    """Create the administrator and give the Q2 student a password.

    The demo seed gives no account a usable password. The administrator
    comes from `schoolgql create-admin`. The student's password is hashed
    with the product's PasswordHasher and written to the row, because the
    `resetPassword` mutation would also queue a mail for a Celery broker
    that the benchmark does not run.
    """
    admin = Account(ADMIN_EMAIL, secrets.token_urlsafe(24))
    environment = {
        **os.environ,
        "SCHOOLGQL_DATABASE_URL": dataset.sqlalchemy_url,
        "SCHOOLGQL_BCRYPT_COST": str(BCRYPT_COST),
        "SCHOOLGQL_ADMIN_PASSWORD": admin.password,
    }
    arguments = ["create-admin", "--email", admin.email, "--full-name", ADMIN_FULL_NAME]
    completed = subprocess.run(
        [sys.executable, "-m", "schoolgql.cli", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    log.append(completed.stdout.strip())
    if completed.returncode != 0:
        raise RuntimeError(
            f"`schoolgql create-admin` failed with exit status "
            f"{completed.returncode}:\n{completed.stderr}"
        )

    password = secrets.token_urlsafe(24)
    email = asyncio.run(_set_password(dataset.dsn, dataset.q2_student_row_id, password))
    log.append(f"set a password for student {Q2_STUDENT_NUMBER} ({email})")
    return replace(dataset, admin=admin, q2_student=Account(email, password))


def drop(dataset: Dataset) -> None:
    statement = f'DROP DATABASE IF EXISTS "{dataset.name}" WITH (FORCE)'
    asyncio.run(_admin_execute(dataset.server_url, statement))


def server_version(dataset: Dataset) -> str:
    async def fetch() -> str:
        connection = await asyncpg.connect(dataset.dsn)
        try:
            return str(await connection.fetchval("SHOW server_version"))
        finally:
            await connection.close()

    return asyncio.run(fetch())


async def _find_student(dsn: str, student_number: str) -> int:
    connection = await asyncpg.connect(dsn)
    try:
        row_id = await connection.fetchval(
            "SELECT id FROM students WHERE student_number = $1", student_number
        )
    finally:
        await connection.close()
    if row_id is None:
        raise RuntimeError(f"the seeded data has no student {student_number}")
    return int(row_id)


async def _set_password(dsn: str, user_id: int, password: str) -> str:
    """Set a user's password as the product stores it; return the user's email."""
    hasher = PasswordHasher(cost=BCRYPT_COST, threads=1)
    connection = await asyncpg.connect(dsn)
    try:
        email = await connection.fetchval(
            "SELECT email FROM users WHERE id = $1", user_id
        )
        if email is None:
            raise RuntimeError(f"the seeded data has no user with the id {user_id}")
        check_new_password(password, email=email, field="password")
        password_hash = await hasher.hash(password)
        await connection.execute(
            "UPDATE users SET password_hash = $1 WHERE id = $2", password_hash, user_id
        )
    finally:
        await connection.close()
        hasher.close()
    return str(email)


async def _admin_execute(server_url: str, statement: str) -> None:
    await _execute(server_url, statement)


async def _execute(dsn: str, statement: str) -> str:
    """Run one statement and return its status, such as `UPDATE 1000`."""
    connection = await asyncpg.connect(dsn)
    try:
        return str(await connection.execute(statement))
    finally:
        await connection.close()


def _with_database(server_url: str, name: str) -> str:
    url = make_url(server_url).set(database=name)
    return url.render_as_string(hide_password=False)
