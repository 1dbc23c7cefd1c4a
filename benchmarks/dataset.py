"""The benchmark database: created fresh, migrated, seeded, then dropped."""

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import dataclass

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from schoolgql.graphql.relay import to_global_id

# The fixed dataset: 10,000 enrollments and 50,000 grades.
SEED_ARGUMENTS = (
    "--students", "2000",
    "--teachers", "100",
    "--courses", "200",
    "--enrollments-per-student", "5",
    "--assessments-per-course", "5",
)  # fmt: skip
# Q2 reads the gradebook of this student.
Q2_STUDENT_NUMBER = "S000001"


@dataclass(frozen=True)
class Dataset:
    """A seeded database and the ids the queries need."""

    server_url: str
    name: str
    q2_student_row_id: int = 0

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
    return Dataset(dataset.server_url, dataset.name, student_row_id)


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


async def _admin_execute(server_url: str, statement: str) -> None:
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _with_database(server_url: str, name: str) -> str:
    url = make_url(server_url).set(database=name)
    return url.render_as_string(hide_password=False)
