"""Mails queued during a transaction and sent only after it commits.

Services call `queue_mail` with the session of their unit of work. Session
events hand the queued tasks to a dispatcher once the outermost transaction
has committed, and drop those queued inside a transaction or savepoint that
rolls back, so a task never looks for rows that do not exist.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction

from schoolgql.database import Database
from schoolgql.settings import Settings

logger = logging.getLogger(__name__)

DISPATCHER_KEY = "schoolgql.mail.dispatcher"
_PENDING_KEY = "schoolgql.mail.pending"


@dataclass(frozen=True, slots=True)
class QueuedMail:
    """A mail task to publish: its name and keyword arguments (ids, never rows)."""

    task_name: str
    kwargs: dict[str, Any] = field(default_factory=dict)


class MailDispatcher(Protocol):
    def dispatch(self, mails: Sequence[QueuedMail]) -> None:
        """Start sending the mails of a committed transaction without blocking."""

    async def close(self) -> None:
        """Wait for sends under way, at shutdown."""


def attach_dispatcher(
    session_factory: async_sessionmaker[AsyncSession], dispatcher: MailDispatcher
) -> None:
    """Make every session of `session_factory` hand committed mails to `dispatcher`."""
    info = dict(session_factory.kw.get("info") or {})
    info[DISPATCHER_KEY] = dispatcher
    session_factory.configure(info=info)


def queue_mail(session: AsyncSession, mail: QueuedMail) -> None:
    """Queue `mail` to be published when the session's transaction commits."""
    sync_session = session.sync_session
    if DISPATCHER_KEY not in sync_session.info:
        raise RuntimeError(
            "This session has no mail dispatcher; create it from a session "
            "factory passed to attach_dispatcher."
        )
    transaction = (
        sync_session.get_nested_transaction() or sync_session.get_transaction()
    )
    if transaction is None:
        raise RuntimeError("Queue mails inside a transaction, so they follow it.")
    pending = sync_session.info.setdefault(_PENDING_KEY, [])
    pending.append((transaction, mail))


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    # Releasing a savepoint fires this event too; only the outermost
    # commit makes the rows visible to the worker.
    if session.get_nested_transaction() is not None:
        return
    pending = session.info.pop(_PENDING_KEY, None)
    if pending:
        dispatcher: MailDispatcher = session.info[DISPATCHER_KEY]
        dispatcher.dispatch([mail for _, mail in pending])


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous: SessionTransaction) -> None:
    pending = session.info.get(_PENDING_KEY)
    if pending:
        pending[:] = [
            (transaction, mail)
            for transaction, mail in pending
            if not _is_within(transaction, previous)
        ]


def _is_within(
    transaction: SessionTransaction | None, ancestor: SessionTransaction
) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


class CeleryDispatcher:
    """Publishes mail tasks to the broker from a thread, off the event loop."""

    def __init__(self, celery_app: Any, *, queue: str) -> None:
        self.celery_app = celery_app
        self.queue = queue
        self._publishing: set[asyncio.Task[None]] = set()

    def dispatch(self, mails: Sequence[QueuedMail]) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._publish_all(mails)
            return
        task = loop.create_task(asyncio.to_thread(self._publish_all, mails))
        self._publishing.add(task)
        task.add_done_callback(self._publishing.discard)

    def _publish_all(self, mails: Sequence[QueuedMail]) -> None:
        for mail in mails:
            try:
                self.celery_app.send_task(
                    mail.task_name, kwargs=mail.kwargs, queue=self.queue
                )
            except Exception:
                # The transaction has committed, so the request still
                # succeeds. The mail is lost, and this line names its key.
                logger.exception(
                    "mail task %s not published; idempotency key %s",
                    mail.task_name,
                    mail.kwargs.get("idempotency_key"),
                )

    async def close(self) -> None:
        """Wait for publishes under way, so none is cut off at shutdown."""
        if self._publishing:
            await asyncio.gather(*self._publishing)


def install_dispatcher(settings: Settings, database: Database) -> MailDispatcher:
    """Send mails committed through `database`'s sessions, and return the sender.

    With the embedded SQLite default there is no broker, so the server sends
    them itself; otherwise they are published to Celery for the worker.
    """
    # Each branch imports only its own sender: a server process keeps what
    # it imports, and the in-process sender with its templates and SMTP
    # client takes about 6 MiB (CPython 3.11, x86-64).
    dispatcher: MailDispatcher
    if settings.uses_embedded_database:
        from schoolgql.mail.delivery import create_backend
        from schoolgql.mail.in_process import InProcessDispatcher
        from schoolgql.mail.jobs import MailRuntime

        runtime = MailRuntime(settings, database, create_backend(settings))
        dispatcher = InProcessDispatcher(runtime)
    else:
        from schoolgql.mail.celery_app import create_celery_app

        celery_app = create_celery_app(settings)
        dispatcher = CeleryDispatcher(celery_app, queue=settings.celery_queue)
    attach_dispatcher(database.session_factory, dispatcher)
    return dispatcher
