"""Free-text checks shared by every write."""

import pytest

from schoolgql.kit.errors import InvalidInput
from schoolgql.kit.text import check_single_line


@pytest.mark.parametrize(
    "value", ["bidi \u202e evil", "zero\u200bwidth", "soft\u00adhyphen"]
)
def test_hidden_format_characters_rejected(value: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_single_line(value, field="title", min_length=1, max_length=100)

    assert raised.value.field == "title"
    assert raised.value.message == (
        "`title` must not contain invisible formatting characters, such as "
        "U+202E (right-to-left override) or U+200B (zero-width space)."
    )


@pytest.mark.parametrize("value", ["Zoë Ünal", "👩\u200d🏫 class", "कक्षा"])
def test_joiners_and_scripts_allowed(value: str) -> None:
    assert (
        check_single_line(value, field="title", min_length=1, max_length=100) == value
    )


@pytest.mark.parametrize("value", ["two\nlines", "tab\there", "bell\u0007"])
def test_control_characters_rejected(value: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_single_line(value, field="title", min_length=1, max_length=100)

    assert raised.value.message == (
        "`title` must not contain line breaks or control characters."
    )
