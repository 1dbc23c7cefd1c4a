"""The `schoolgql` command, run as a subprocess the way an operator runs it."""

import argparse
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from schoolgql import migrations
from schoolgql.cli import build_parser, main

COMMAND = Path(sys.executable).with_name("schoolgql")
DEMO_COUNTS = (
    "1 terms, 20 teachers, 400 students, 40 courses, 2000 enrollments, "
    "200 assessments, 10000 grades\n"
)
SMALL_SCHOOL = (
    "--teachers=2",
    "--students=6",
    "--courses=3",
    "--enrollments-per-student=2",
    "--assessments-per-course=2",
)


def run_cli(
    *arguments: str, cwd: Path, **variables: str
) -> subprocess.CompletedProcess[str]:
    """Run `schoolgql` in `cwd`, where no .env file is, with only `variables` set."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SCHOOLGQL_")
    }
    return subprocess.run(
        [str(COMMAND), *arguments],
        cwd=cwd,
        env=environment | variables,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def first_student_name(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        [name] = connection.execute(
            "SELECT full_name FROM users WHERE role = 'student' ORDER BY id LIMIT 1"
        ).fetchone()
    return str(name)


def test_seed_demo_is_deterministic(tmp_path: Path) -> None:
    first = run_cli(
        "seed", "--demo", cwd=tmp_path, SCHOOLGQL_SQLITE_PATH=str(tmp_path / "a.db")
    )
    second = run_cli(
        "seed", "--demo", cwd=tmp_path, SCHOOLGQL_SQLITE_PATH=str(tmp_path / "b.db")
    )

    assert (first.returncode, second.returncode) == (0, 0)
    assert first.stdout == DEMO_COUNTS
    assert second.stdout == DEMO_COUNTS
    assert first_student_name(tmp_path / "a.db") == first_student_name(
        tmp_path / "b.db"
    )


def test_seed_rejects_seeded_database(tmp_path: Path) -> None:
    database = str(tmp_path / "school.db")
    first = run_cli(
        "seed", "--demo", *SMALL_SCHOOL, cwd=tmp_path, SCHOOLGQL_SQLITE_PATH=database
    )

    second = run_cli(
        "seed", "--demo", *SMALL_SCHOOL, cwd=tmp_path, SCHOOLGQL_SQLITE_PATH=database
    )

    assert first.returncode == 0
    assert second.returncode == 1
    assert second.stdout == ""
    assert second.stderr.endswith(
        "schoolgql seed: The database already contains data (8 users, 3 courses), "
        "so demo data was not added. Seed an empty database, for example a new "
        "SQLite file or a new PostgreSQL database.\n"
    )


def test_seed_rejects_negative_size(tmp_path: Path) -> None:
    result = run_cli(
        "seed",
        "--demo",
        "--students=-1",
        cwd=tmp_path,
        SCHOOLGQL_SQLITE_PATH=str(tmp_path / "school.db"),
    )

    assert result.returncode == 2
    assert result.stderr == (
        "schoolgql seed: invalid size: students must not be negative\n"
    )
    assert not (tmp_path / "school.db").exists()


def test_seed_rejects_unmigrated_postgresql(
    tmp_path: Path, empty_postgres_url: str
) -> None:
    result = run_cli(
        "seed", "--demo", cwd=tmp_path, SCHOOLGQL_DATABASE_URL=empty_postgres_url
    )

    assert result.returncode == 1
    assert "Run `schoolgql migrate` to upgrade it" in result.stderr


def test_migrate_then_seed_postgresql(tmp_path: Path, empty_postgres_url: str) -> None:
    migrate = run_cli(
        "migrate", cwd=tmp_path, SCHOOLGQL_DATABASE_URL=empty_postgres_url
    )
    seed = run_cli(
        "seed",
        "--demo",
        *SMALL_SCHOOL,
        cwd=tmp_path,
        SCHOOLGQL_DATABASE_URL=empty_postgres_url,
    )

    assert migrate.returncode == 0
    assert f"database schema is at revision {migrations.head_revision()}" in (
        migrate.stderr
    )
    assert seed.returncode == 0
    assert seed.stdout == (
        "1 terms, 2 teachers, 6 students, 3 courses, 12 enrollments, "
        "6 assessments, 24 grades\n"
    )


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    [commands] = [
        action
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    return dict(commands.choices)


@pytest.mark.parametrize("name", subcommands())
def test_help_lists_every_option(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    # In-process: the parser is the same, and each subprocess start costs
    # seconds on a busy machine.
    options = [
        action
        for action in subcommands()[name]._actions
        if not isinstance(action, argparse._HelpAction)
    ]

    with pytest.raises(SystemExit) as exited:
        main([name, "--help"])

    output = capsys.readouterr().out
    assert exited.value.code == 0
    assert output.startswith(f"usage: schoolgql {name} ")
    for option in options:
        assert option.help, f"{name} {option.option_strings} has no help text"
        for option_string in option.option_strings:
            assert option_string in output


def test_seed_help_names_each_size(tmp_path: Path) -> None:
    result = run_cli("seed", "--help", cwd=tmp_path)

    assert result.returncode == 0

    for option in (
        "--demo",
        "--terms",
        "--teachers",
        "--students",
        "--courses",
        "--enrollments-per-student",
        "--assessments-per-course",
        "--seed",
    ):
        assert option in result.stdout
