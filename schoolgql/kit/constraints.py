"""Recognizing which database constraint an IntegrityError reports."""

from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError


def is_unique_violation(
    error: IntegrityError, table: str, columns: Sequence[str]
) -> bool:
    """Whether `error` reports the unique constraint on `table` over `columns`.

    PostgreSQL names the constraint (see the naming convention in
    models/base.py); SQLite lists the columns instead.
    """
    message = str(error.orig)
    constraint_name = f"uq_{table}_{'_'.join(columns)}"
    sqlite_columns = ", ".join(f"{table}.{column}" for column in columns)
    return (
        f'"{constraint_name}"' in message
        or f"UNIQUE constraint failed: {sqlite_columns}" in message
    )
