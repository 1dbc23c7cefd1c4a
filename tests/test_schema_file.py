"""The checked-in schema.graphql must match the schema the server builds."""

import difflib
import os
import subprocess
import sys
from pathlib import Path

from schoolgql.graphql.schema import schema

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = REPOSITORY_ROOT / "schema.graphql"
REGENERATE_COMMAND = "uv run schoolgql export-schema"
# Diff lines shown in a failure message, so a large change stays readable.
MAX_DIFF_LINES = 60


def live_schema_text() -> str:
    """Return the SDL exactly as `schoolgql export-schema` writes it."""
    return schema.as_str() + "\n"


def schema_diff(expected: str, found: str, found_name: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        found.splitlines(keepends=True),
        fromfile="live schema",
        tofile=found_name,
    )
    return "".join(list(lines)[:MAX_DIFF_LINES])


def test_schema_file_matches_live_schema() -> None:
    assert SCHEMA_FILE.is_file(), (
        f"{SCHEMA_FILE} is missing. Create it with `{REGENERATE_COMMAND}` "
        "and commit it."
    )
    checked_in = SCHEMA_FILE.read_bytes().decode("utf-8")
    live = live_schema_text()

    assert checked_in == live, (
        "schema.graphql differs from the schema in code. Regenerate it with "
        f"`{REGENERATE_COMMAND}` and commit it.\n"
        + schema_diff(live, checked_in, "schema.graphql")
    )


def test_export_schema_writes_live_schema(tmp_path: Path) -> None:
    output = tmp_path / "exported.graphql"
    command = Path(sys.executable).with_name("schoolgql")
    assert command.is_file(), (
        f"{command} is missing. Install the project with `uv sync`."
    )
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SCHOOLGQL_")
    }

    # The working directory is empty, so no developer's .env file is read.
    completed = subprocess.run(
        [command, "export-schema", "--output", output],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == f"wrote {output}\n"
    exported = output.read_bytes().decode("utf-8")
    assert exported == live_schema_text(), schema_diff(
        live_schema_text(), exported, str(output)
    )
