""".env.sample documents every setting with its default and no secret."""

import re
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from schoolgql.settings import Settings

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_FILE = REPOSITORY_ROOT / ".env.sample"
PREFIX = "SCHOOLGQL_"
# A variable line, set or commented out: `SCHOOLGQL_NAME=value` or
# `# SCHOOLGQL_NAME=value`.
VARIABLE_LINE = re.compile(
    r"^(?P<comment># )?SCHOOLGQL_(?P<name>[A-Z0-9_]+)=(?P<value>.*)$"
)
# Settings whose sample value differs from the default on purpose: a
# placeholder that production start-up rejects.
PLACEHOLDER_SETTINGS = frozenset({"jwt_signing_key"})
PLACEHOLDER_PREFIX = "replace-with-"


def sample_lines() -> list[str]:
    return SAMPLE_FILE.read_text(encoding="utf-8").splitlines()


def documented_names() -> list[str]:
    names = []
    for line in sample_lines():
        match = VARIABLE_LINE.match(line)
        if match:
            names.append(match["name"].lower())
    return names


def set_values() -> dict[str, str]:
    """Return the value of each variable the sample sets, by setting name."""
    values = {}
    for line in sample_lines():
        match = VARIABLE_LINE.match(line)
        if match and not match["comment"]:
            values[match["name"].lower()] = match["value"]
    return values


def test_env_sample_documents_every_setting() -> None:
    missing = sorted(set(Settings.model_fields) - set(documented_names()))

    assert missing == [], (
        f"Add {', '.join(PREFIX + name.upper() for name in missing)} to "
        ".env.sample, with a comment saying what it sets, its unit and "
        "default, and what to set in production."
    )


def test_env_sample_names_only_settings() -> None:
    unknown = sorted(set(documented_names()) - set(Settings.model_fields))

    assert unknown == [], (
        f".env.sample names {', '.join(PREFIX + name.upper() for name in unknown)}, "
        "which schoolgql/settings.py does not define. Remove or rename them."
    )


def test_env_sample_names_each_setting_once() -> None:
    names = documented_names()
    repeated = sorted({name for name in names if names.count(name) > 1})

    assert repeated == []


def comment_blocks() -> dict[str, str]:
    """Return the comment lines above each variable, by variable name."""
    blocks = {}
    comment: list[str] = []
    for line in sample_lines():
        match = VARIABLE_LINE.match(line)
        if match:
            blocks[match["name"]] = " ".join(comment)
            comment = []
        elif line.startswith("# "):
            comment.append(line.removeprefix("# "))
        else:
            comment = []
    return blocks


def test_env_sample_comments_every_variable() -> None:
    uncommented = [name for name, text in comment_blocks().items() if not text]

    assert uncommented == [], (
        "Add a comment above each of these variables in .env.sample: "
        + ", ".join(PREFIX + name for name in uncommented)
    )


def test_env_sample_advises_production() -> None:
    without_advice = [
        name for name, text in comment_blocks().items() if "Production:" not in text
    ]

    assert without_advice == [], (
        "Say what to set in production, in a `Production:` sentence, above "
        + ", ".join(PREFIX + name for name in without_advice)
    )


def test_env_sample_values_are_defaults() -> None:
    loaded = Settings(_env_file=SAMPLE_FILE)
    defaults = Settings(_env_file=None)

    for name in Settings.model_fields:
        if name in PLACEHOLDER_SETTINGS:
            continue
        assert getattr(loaded, name) == getattr(defaults, name), (
            f"{PREFIX}{name.upper()} in .env.sample differs from the default "
            "in schoolgql/settings.py"
        )


def test_env_sample_contains_no_secret() -> None:
    values = set_values()
    secret_settings = [
        name
        for name, field in Settings.model_fields.items()
        if SecretStr in (field.annotation, *getattr(field.annotation, "__args__", ()))
    ]

    assert secret_settings, "settings.py declares no SecretStr setting"
    for name in secret_settings:
        value = values.get(name, "")
        assert value == "" or value.startswith(PLACEHOLDER_PREFIX), (
            f"{PREFIX}{name.upper()} in .env.sample must be empty, commented "
            f"out or a `{PLACEHOLDER_PREFIX}...` placeholder"
        )


def test_env_sample_rejected_in_production() -> None:
    with pytest.raises(ValidationError, match="SCHOOLGQL_JWT_SIGNING_KEY"):
        Settings(_env_file=SAMPLE_FILE, environment="production")
