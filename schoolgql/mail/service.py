"""Mail queueing for other services: each function queues one task on a session.

The tasks are published only when the session's transaction commits. Each
carries an idempotency key, so a task that runs twice delivers one mail.
"""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.mail.kinds import MailKind, task_name
from schoolgql.mail.outbox import QueuedMail, queue_mail


def queue_welcome(session: AsyncSession, *, user_id: int) -> None:
    # An account is welcomed once, however often the task is published.
    _queue(session, MailKind.WELCOME, user_id, f"welcome:{user_id}")


def queue_invitation(session: AsyncSession, *, user_id: int) -> None:
    _queue(session, MailKind.INVITATION, user_id, f"invitation:{user_id}")


def queue_password_reset(session: AsyncSession, *, user_id: int) -> None:
    # Every request gets its own mail and token.
    key = f"password_reset:{uuid.uuid4().hex}"
    _queue(session, MailKind.PASSWORD_RESET, user_id, key)


def queue_password_changed(
    session: AsyncSession, *, user_id: int, token_version: int
) -> None:
    # The new token version distinguishes one password change from the next.
    key = f"password_changed:{user_id}:{token_version}"
    _queue(session, MailKind.PASSWORD_CHANGED, user_id, key)


def _queue(session: AsyncSession, kind: MailKind, user_id: int, key: str) -> None:
    kwargs = {"user_id": user_id, "idempotency_key": key}
    queue_mail(session, QueuedMail(task_name(kind), kwargs))
