"""Mail sent by the server process itself, for the embedded default with no broker."""

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from schoolgql.mail.delivery import DeliveryError
from schoolgql.mail.jobs import MailJob, MailRuntime, retry_delay, send_mail
from schoolgql.mail.kinds import kind_of_task
from schoolgql.mail.message import InvalidMailHeader

if TYPE_CHECKING:
    # The outbox module imports this one to choose a dispatcher.
    from schoolgql.mail.outbox import QueuedMail

logger = logging.getLogger(__name__)

# Seconds that shutdown waits for mails under way before it drops them.
CLOSE_TIMEOUT_SECONDS = 10.0


class InProcessDispatcher:
    """Runs mail jobs as tasks of the server's event loop, with the same retries."""

    def __init__(self, runtime: MailRuntime) -> None:
        self.runtime = runtime
        self._sending: set[asyncio.Task[None]] = set()

    def dispatch(self, mails: Sequence["QueuedMail"]) -> None:
        loop = asyncio.get_running_loop()
        for mail in mails:
            job = MailJob(
                kind=kind_of_task(mail.task_name),
                user_id=mail.kwargs["user_id"],
                idempotency_key=mail.kwargs["idempotency_key"],
            )
            task = loop.create_task(self._send(job))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send(self, job: MailJob) -> None:
        settings = self.runtime.settings
        for attempt in range(settings.mail_max_retries + 1):
            try:
                await send_mail(self.runtime, job)
                return
            except InvalidMailHeader as error:
                logger.error(
                    "%s mail %s not sent: %s", job.kind, job.idempotency_key, error
                )
                return
            except DeliveryError as error:
                if not error.temporary or attempt == settings.mail_max_retries:
                    logger.error(
                        "%s mail %s not sent after %d attempts: %s",
                        job.kind,
                        job.idempotency_key,
                        attempt + 1,
                        error,
                    )
                    return
                delay = retry_delay(settings, attempt)
                logger.warning(
                    "%s mail %s failed (%s); retry %d of %d in %.1f s",
                    job.kind,
                    job.idempotency_key,
                    error,
                    attempt + 1,
                    settings.mail_max_retries,
                    delay,
                )
                await asyncio.sleep(delay)

    async def close(self) -> None:
        """Wait briefly for mails under way, then drop those still waiting."""
        if not self._sending:
            return
        _, pending = await asyncio.wait(self._sending, timeout=CLOSE_TIMEOUT_SECONDS)
        for task in pending:
            task.cancel()
        if pending:
            logger.warning("%d mails not sent before shutdown", len(pending))
