"""The kinds of mail and the names of their Celery tasks.

Kept apart from rendering and delivery, so that the services that queue
mail import neither Jinja nor the SMTP client.
"""

import enum

TASK_PREFIX = "mail.send_"


class MailKind(enum.StrEnum):
    WELCOME = "welcome"
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_changed"


def task_name(kind: MailKind) -> str:
    """Return the name of the Celery task that sends mail of `kind`."""
    return f"{TASK_PREFIX}{kind.value}"


def kind_of_task(name: str) -> MailKind:
    return MailKind(name.removeprefix(TASK_PREFIX))
