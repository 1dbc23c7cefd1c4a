"""The embedded default: the server sends mail itself and writes .eml files."""

from collections.abc import AsyncIterator
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from schoolgql import migrations
from schoolgql.database import Database
from schoolgql.mail import service
from schoolgql.mail.in_process import InProcessDispatcher
from schoolgql.mail.outbox import install_dispatcher
from schoolgql.settings import Settings
from tests.conftest import make_settings
from tests.factories import create_student
from tests.mail.conftest import SmtpServer

Embedded = tuple[Database, InProcessDispatcher]


def _embedded_settings(tmp_path: Path, **overrides: object) -> Settings:
    return make_settings(
        "",
        sqlite_path=tmp_path / "school.sqlite3",
        mail_outbox_path=tmp_path / "outbox",
        mail_from_address="office@school.test",
        mail_from_name="Riverside School",
        mail_retry_backoff_seconds=0.05,
        **overrides,
    )


async def _embedded(settings: Settings) -> Embedded:
    database = Database(settings)
    await migrations.upgrade(database.engine)
    dispatcher = install_dispatcher(settings, database)
    assert isinstance(dispatcher, InProcessDispatcher)
    return database, dispatcher


@pytest.fixture
async def embedded(
    tmp_path: Path,
) -> AsyncIterator[Embedded]:
    database, dispatcher = await _embedded(_embedded_settings(tmp_path))
    yield database, dispatcher
    await dispatcher.close()
    await database.dispose()


async def test_embedded_default_writes_outbox_file(
    embedded: Embedded, tmp_path: Path
) -> None:
    database, dispatcher = embedded
    async with database.transaction() as session:
        student = await create_student(
            session, full_name="Ann Lee", email="ann@example.test", password_hash="x"
        )
        service.queue_welcome(session, user_id=student.id)
    await dispatcher.close()

    [path] = (tmp_path / "outbox").iterdir()
    message = message_from_bytes(path.read_bytes(), policy=default)
    assert path.suffix == ".eml"
    assert message["To"] == "Ann Lee <ann@example.test>"
    assert message["From"] == "Riverside School <office@school.test>"
    assert message["Subject"] == "Welcome to Riverside School"
    assert message.get_body(("plain",)) is not None
    assert message.get_body(("html",)) is not None


async def test_embedded_rollback_writes_nothing(
    embedded: Embedded, tmp_path: Path
) -> None:
    database, dispatcher = embedded
    with pytest.raises(RuntimeError, match="rolled back"):
        async with database.transaction() as session:
            student = await create_student(session)
            service.queue_welcome(session, user_id=student.id)
            raise RuntimeError("rolled back")
    await dispatcher.close()

    assert not (tmp_path / "outbox").exists()


async def test_embedded_smtp_retries_then_sends_once(
    smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = _embedded_settings(
        tmp_path,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
    )
    database, dispatcher = await _embedded(settings)
    smtp_server.handler.failures = ["451 Try again later"]
    try:
        async with database.transaction() as session:
            student = await create_student(session, password_hash="x")
            service.queue_welcome(session, user_id=student.id)
        await dispatcher.close()
    finally:
        await database.dispose()

    assert smtp_server.handler.attempts == 2
    assert len(smtp_server.handler.received) == 1
