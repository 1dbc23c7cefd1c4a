"""Checks for free text sent by clients."""

import unicodedata

from schoolgql.kit.errors import InvalidInput

# Invisible format characters (Unicode category Cf), such as the
# right-to-left override U+202E, can make text display other than it reads.
# Zero-width joiners and non-joiners stay allowed: scripts and emoji use them.
_ALLOWED_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})


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
    if any(_is_hidden_format_character(char) for char in value):
        raise InvalidInput(
            f"`{field}` must not contain invisible formatting characters, "
            "such as U+202E (right-to-left override) or U+200B (zero-width space).",
            field=field,
        )
    return value


def _is_hidden_format_character(char: str) -> bool:
    return unicodedata.category(char) == "Cf" and char not in _ALLOWED_FORMAT_CHARACTERS
