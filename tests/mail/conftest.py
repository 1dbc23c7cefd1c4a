"""Fixtures for mail: an SMTP server on 127.0.0.1 and a real Celery worker.

The worker is `schoolgql worker` in a child process, consuming a queue of
its own on the RabbitMQ broker at SCHOOLGQL_TEST_BROKER_URL, so parallel
test runs never take each other's tasks.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session
from kombu import Connection, Queue
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.database import Database
from schoolgql.mail.outbox import CeleryDispatcher, install_dispatcher
from schoolgql.models import SentMail
from schoolgql.settings import Settings
from tests.conftest import _free_port, make_settings

BROKER_URL = os.environ.get(
    "SCHOOLGQL_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//"
)
WORKER_START_TIMEOUT_SECONDS = 60.0
MAIL_WAIT_SECONDS = 60.0
POLL_SECONDS = 0.05
# How long a test waits for a mail that must not arrive.
QUIET_SECONDS = 2.0


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def body(self, subtype: str) -> str:
        """Return the text of the `plain` or `html` part, with LF line ends."""
        part = self.message.get_body((subtype,))
        assert part is not None, f"the mail has no text/{subtype} part"
        content: str = part.get_content()
        return content.replace("\r\n", "\n")


@dataclass
class RecordingHandler:
    """Accepts every mail, except that it can reply with failures first."""

    received: list[ReceivedMail] = field(default_factory=list)
    # Replies to send to the next DATA commands instead of accepting them.
    failures: list[str] = field(default_factory=list)
    attempts: int = 0
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(
        self, server: SMTPServer, session: Session, envelope: Envelope
    ) -> str:
        with self._arrived:
            self.attempts += 1
            if self.failures:
                return self.failures.pop(0)
            assert isinstance(envelope.content, bytes)
            self.received.append(
                ReceivedMail(
                    sender=str(envelope.mail_from),
                    recipients=list(envelope.rcpt_tos),
                    data=envelope.original_content or envelope.content,
                )
            )
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    async def wait_for(self, count: int) -> list[ReceivedMail]:
        """Wait until `count` mails arrived, then return all received so far."""
        return await asyncio.to_thread(self._wait_for, count)

    def _wait_for(self, count: int) -> list[ReceivedMail]:
        with self._arrived:
            if not self._arrived.wait_for(
                lambda: len(self.received) >= count, timeout=MAIL_WAIT_SECONDS
            ):
                raise AssertionError(
                    f"expected {count} mails within {MAIL_WAIT_SECONDS} s; "
                    f"received {len(self.received)}"
                )
            return list(self.received)


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler


@contextmanager
def running_smtp_server() -> Iterator[SmtpServer]:
    """Run an SMTP server on a free port of 127.0.0.1 until the block exits."""
    handler = RecordingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


def mail_settings(database_url: str, smtp: SmtpServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "celery_broker_url": BROKER_URL,
        "celery_queue": f"schoolgql.test.{uuid.uuid4().hex[:12]}",
        "smtp_host": smtp.host,
        "smtp_port": smtp.port,
        "smtp_security": "none",
        "mail_from_address": "office@school.test",
        "mail_from_name": "Riverside School",
        "mail_retry_backoff_seconds": 0.2,
        "public_base_url": "https://school.test/app/",
        "bcrypt_cost": 4,
    }
    return make_settings(database_url, **(values | overrides))


@pytest.fixture
def settings(postgres_url: str, smtp_server: SmtpServer) -> Settings:
    return mail_settings(postgres_url, smtp_server)


def settings_environment(settings: Settings) -> dict[str, str]:
    """Return the environment of a child process that reads `settings` back."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SCHOOLGQL_")
    }
    for name in settings.model_fields_set:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, list):
            value = json.dumps(value)
        environment[f"SCHOOLGQL_{name.upper()}"] = str(value)
    return environment


@dataclass
class Worker:
    process: "subprocess.Popen[bytes]"
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def schoolgql_command() -> str:
    """Return the `schoolgql` console script of the interpreter running the tests."""
    return str(Path(sys.executable).parent / "schoolgql")


@contextmanager
def run_worker(settings: Settings, folder: Path, *arguments: str) -> Iterator[Worker]:
    """Start `schoolgql worker` and stop it, by its PID, when the block exits.

    The worker runs in `folder`, so a `.env` file of the repository is not read.
    """
    log_path = folder / f"worker-{uuid.uuid4().hex[:8]}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [schoolgql_command(), "worker", *arguments],
            env=settings_environment(settings),
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process, log_path)
    try:
        _wait_until_ready(worker)
        yield worker
    finally:
        _stop(process)
        _delete_queue(settings)


def _wait_until_ready(worker: Worker) -> None:
    deadline = time.monotonic() + WORKER_START_TIMEOUT_SECONDS
    while " ready." not in worker.log():
        if worker.process.poll() is not None:
            raise AssertionError(f"the worker exited early:\n{worker.log()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the worker did not start:\n{worker.log()}")
        time.sleep(0.1)


def _stop(process: "subprocess.Popen[bytes]") -> None:
    # SIGTERM is Celery's warm shutdown: running tasks finish first.
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _delete_queue(settings: Settings) -> None:
    with Connection(settings.celery_broker_url) as connection:
        Queue(settings.celery_queue, channel=connection.default_channel).delete()


@pytest.fixture
def worker(settings: Settings, tmp_path: Path) -> Iterator[Worker]:
    # Two workers with one node name on one broker would contend for the
    # same remote-control queue.
    node_name = f"schoolgql-test-{uuid.uuid4().hex[:12]}@%h"
    with run_worker(
        settings, tmp_path, "--concurrency=2", f"--hostname={node_name}"
    ) as running:
        yield running


@pytest.fixture
async def mail_database(settings: Settings) -> AsyncIterator[Database]:
    """A database whose committed sessions publish their mails to the broker."""
    database = Database(settings)
    dispatcher = install_dispatcher(settings, database)
    assert isinstance(dispatcher, CeleryDispatcher)
    try:
        yield database
    finally:
        await dispatcher.close()
        dispatcher.celery_app.close()
        await database.dispose()


async def count_rows(session: AsyncSession, model: type[Any]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def wait_until_recorded(database: Database, count: int) -> None:
    """Wait until the worker has committed `count` sent mails."""
    polls = int(MAIL_WAIT_SECONDS / POLL_SECONDS)
    for _ in range(polls):
        async with database.session() as session:
            if await count_rows(session, SentMail) >= count:
                return
        await asyncio.sleep(POLL_SECONDS)
    raise AssertionError(f"the worker did not record {count} sent mails")
