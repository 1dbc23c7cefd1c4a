"""Celery tasks, one per kind of mail; each takes ids and opens its own session."""

import asyncio
import logging
import os
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_process_shutdown, worker_shutdown

from schoolgql.database import Database
from schoolgql.mail.celery_app import SchoolCelery
from schoolgql.mail.delivery import DeliveryError, create_backend
from schoolgql.mail.jobs import MailJob, MailRuntime, retry_delay, send_mail
from schoolgql.mail.kinds import MailKind
from schoolgql.mail.message import InvalidMailHeader
from schoolgql.settings import Settings

logger = logging.getLogger(__name__)


class _ProcessRuntime:
    """One event loop and engine per worker process, made after the fork."""

    def __init__(self, settings: Settings) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.mail = MailRuntime(
            settings=settings,
            database=Database(settings),
            backend=create_backend(settings),
        )

    def close(self) -> None:
        self.loop.run_until_complete(self.mail.database.dispose())
        self.loop.close()


_runtime: _ProcessRuntime | None = None


def _get_runtime(settings: Settings) -> _ProcessRuntime:
    global _runtime
    if _runtime is None or _runtime.pid != os.getpid():
        _runtime = _ProcessRuntime(settings)
    return _runtime


@worker_process_shutdown.connect
@worker_shutdown.connect
def _close_runtime(**_: Any) -> None:
    global _runtime
    if _runtime is not None and _runtime.pid == os.getpid():
        _runtime.close()
        _runtime = None


def _run(task: Task[Any, Any], job: MailJob) -> None:
    app = task.app
    assert isinstance(app, SchoolCelery)
    settings = app.settings
    runtime = _get_runtime(settings)
    try:
        runtime.loop.run_until_complete(send_mail(runtime.mail, job))
    except InvalidMailHeader as error:
        logger.error(
            "%s mail %s not sent, and not retried: %s",
            job.kind,
            job.idempotency_key,
            error,
        )
    except DeliveryError as error:
        retries = task.request.retries
        if not error.temporary or retries >= settings.mail_max_retries:
            logger.error(
                "%s mail %s not sent after %d attempts: %s",
                job.kind,
                job.idempotency_key,
                retries + 1,
                error,
            )
            return
        delay = retry_delay(settings, retries)
        logger.warning(
            "%s mail %s failed (%s); retry %d of %d in %.1f s",
            job.kind,
            job.idempotency_key,
            error,
            retries + 1,
            settings.mail_max_retries,
            delay,
        )
        raise task.retry(countdown=delay, exc=error) from error


# Each name is `mail.send_` and the MailKind's value, as `task_name` builds it.
@shared_task(bind=True, name="mail.send_welcome", max_retries=None)
def send_welcome(self: Task[Any, Any], *, user_id: int, idempotency_key: str) -> None:
    _run(self, MailJob(MailKind.WELCOME, user_id, idempotency_key))


@shared_task(bind=True, name="mail.send_invitation", max_retries=None)
def send_invitation(
    self: Task[Any, Any], *, user_id: int, idempotency_key: str
) -> None:
    _run(self, MailJob(MailKind.INVITATION, user_id, idempotency_key))


@shared_task(bind=True, name="mail.send_password_reset", max_retries=None)
def send_password_reset(
    self: Task[Any, Any], *, user_id: int, idempotency_key: str
) -> None:
    _run(self, MailJob(MailKind.PASSWORD_RESET, user_id, idempotency_key))


@shared_task(bind=True, name="mail.send_password_changed", max_retries=None)
def send_password_changed(
    self: Task[Any, Any], *, user_id: int, idempotency_key: str
) -> None:
    _run(self, MailJob(MailKind.PASSWORD_CHANGED, user_id, idempotency_key))
