"""Checks and normalization of account fields sent by clients."""

from email_validator import EmailNotValidError, validate_email

from schoolgql.kit.errors import InvalidInput
from schoolgql.kit.text import check_single_line
from schoolgql.models.student import STUDENT_NUMBER_MAX_LENGTH
from schoolgql.models.teacher import DEPARTMENT_MAX_LENGTH, TITLE_MAX_LENGTH
from schoolgql.models.user import EMAIL_MAX_LENGTH, FULL_NAME_MAX_LENGTH

GRADE_LEVELS = range(1, 14)


def normalize_email(value: str, *, field: str = "email") -> str:
    """Return the address stripped, validated and in lower case.

    Lower case makes one account per address whatever its case; the
    unique index on lower(email) enforces the same in the database.
    """
    value = value.strip()
    if not 3 <= len(value) <= EMAIL_MAX_LENGTH:
        raise InvalidInput(
            f"`{field}` must be 3 to {EMAIL_MAX_LENGTH} characters long; "
            f"got {len(value)}.",
            field=field,
        )
    try:
        address = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput(
            f"`{field}` is not a valid email address: {error}", field=field
        ) from None
    return address.normalized.lower()


def lookup_email(value: str) -> str | None:
    """Return the stripped, lower-case address that log-in looks up.

    The address is not validated, because log-in answers an invalid one
    like an unknown one. None means it is too long for any account.
    """
    value = value.strip().lower()
    return value if len(value) <= EMAIL_MAX_LENGTH else None


def check_full_name(value: str, *, field: str = "fullName") -> str:
    return check_single_line(
        value.strip(), field=field, min_length=1, max_length=FULL_NAME_MAX_LENGTH
    )


def check_student_number(value: str, *, field: str = "studentNumber") -> str:
    return check_single_line(
        value.strip(), field=field, min_length=1, max_length=STUDENT_NUMBER_MAX_LENGTH
    )


def check_grade_level(value: int, *, field: str = "gradeLevel") -> int:
    if value not in GRADE_LEVELS:
        raise InvalidInput(f"`{field}` must be 1 to 13; got {value}.", field=field)
    return value


def check_department(value: str, *, field: str = "department") -> str:
    return check_single_line(
        value.strip(), field=field, min_length=1, max_length=DEPARTMENT_MAX_LENGTH
    )


def check_title(value: str, *, field: str = "title") -> str:
    return check_single_line(
        value.strip(), field=field, min_length=1, max_length=TITLE_MAX_LENGTH
    )
