"""Checks for free text sent by clients."""

import unicodedata

from schoolgql.kit.errors import InvalidInput


def check_single_line(
    value: str, *, field: str, min_length: int, max_length: int
) -> str:
    """Return `value` if it is one line of printable text within the length bounds."""
    if not min_length <= len(value) <= max_length:
        raise InvalidInput(
            f"`{field}` must be {min_length} to {max_length} characters long; "
            f"got {len(value)}.",
            field=field,
        )
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
        raise InvalidInput(
            f"`{field}` must not contain line breaks or control characters.",
            field=field,
        )
    return value
