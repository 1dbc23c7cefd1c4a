"""Mail tasks run by a real worker, delivered to an SMTP server on 127.0.0.1."""

import asyncio
import re

import pytest
from sqlalchemy import select

from schoolgql.database import Database
from schoolgql.mail import service
from schoolgql.mail.celery_app import create_celery_app
from schoolgql.models import PasswordResetToken, SentMail
from schoolgql.settings import Settings
from tests.factories import create_student
from tests.mail.conftest import (
    QUIET_SECONDS,
    SmtpServer,
    Worker,
    count_rows,
    wait_until_recorded,
)


async def test_welcome_mail_has_headers_and_parts(
    mail_database: Database, smtp_server: SmtpServer, worker: Worker
) -> None:
    async with mail_database.transaction() as session:
        student = await create_student(
            session, full_name="Zoë Ng", email="zoe@example.test", password_hash="x"
        )
        service.queue_welcome(session, user_id=student.id)

    [mail] = await smtp_server.handler.wait_for(1)

    assert mail.sender == "office@school.test"
    assert mail.recipients == ["zoe@example.test"]
    message = mail.message
    assert message["From"] == "Riverside School <office@school.test>"
    assert message["To"] == "Zoë Ng <zoe@example.test>"
    assert message["Subject"] == "Welcome to Riverside School"
    assert message["Message-ID"].endswith("@school.test>")
    assert message.get_content_type() == "multipart/alternative"
    assert mail.body("plain") == (
        "Hello Zoë Ng,\n\n"
        "Welcome to Riverside School. Your student account for "
        "zoe@example.test is ready.\n\n"
        "Riverside School\n"
    )
    html = mail.body("html")
    assert "<p>Hello Zoë Ng,</p>" in html
    assert "<p>Welcome to Riverside School. Your student account for " in html


async def test_welcome_without_password_has_link(
    mail_database: Database, smtp_server: SmtpServer, worker: Worker
) -> None:
    async with mail_database.transaction() as session:
        student = await create_student(session)
        service.queue_welcome(session, user_id=student.id)

    [mail] = await smtp_server.handler.wait_for(1)

    await wait_until_recorded(mail_database, 1)
    text = mail.body("plain")
    links = re.findall(r"https://school\.test/app/reset-password#token=\S+", text)
    assert len(links) == 1
    async with mail_database.session() as session:
        assert await count_rows(session, PasswordResetToken) == 1
        token_hash = await session.scalar(select(PasswordResetToken.token_hash))
    assert token_hash is not None
    assert token_hash not in text
    assert links[0] in mail.body("html")


async def test_rolled_back_transaction_sends_nothing(
    mail_database: Database, smtp_server: SmtpServer, worker: Worker
) -> None:
    async with mail_database.session() as session:
        kept = await create_student(session)
        await session.commit()

    with pytest.raises(RuntimeError, match="sign-up failed"):
        async with mail_database.transaction() as session:
            dropped = await create_student(session)
            service.queue_welcome(session, user_id=dropped.id)
            raise RuntimeError("sign-up failed")
    async with mail_database.transaction() as session:
        service.queue_welcome(session, user_id=kept.id)

    await smtp_server.handler.wait_for(1)
    await asyncio.sleep(QUIET_SECONDS)

    assert len(smtp_server.handler.received) == 1
    assert smtp_server.handler.attempts == 1
    assert "not sent" not in worker.log()


async def test_rolled_back_savepoint_drops_its_mail(
    mail_database: Database, smtp_server: SmtpServer, worker: Worker
) -> None:
    async with mail_database.transaction() as session:
        first = await create_student(session, email="first@example.test")
        service.queue_welcome(session, user_id=first.id)
        with pytest.raises(RuntimeError):
            async with session.begin_nested():
                second = await create_student(session, email="second@example.test")
                service.queue_welcome(session, user_id=second.id)
                raise RuntimeError("savepoint rolled back")

    [mail] = await smtp_server.handler.wait_for(1)
    await asyncio.sleep(QUIET_SECONDS)

    assert mail.recipients == ["first@example.test"]
    assert len(smtp_server.handler.received) == 1


async def test_retried_delivery_sends_once(
    mail_database: Database, smtp_server: SmtpServer, worker: Worker
) -> None:
    smtp_server.handler.failures = ["451 Try again later", "421 Service busy"]
    async with mail_database.transaction() as session:
        student = await create_student(session, password_hash="x")
        service.queue_welcome(session, user_id=student.id)

    await wait_until_recorded(mail_database, 1)
    await asyncio.sleep(QUIET_SECONDS)

    assert smtp_server.handler.attempts == 3
    assert len(smtp_server.handler.received) == 1
    log = worker.log()
    assert "retry 1 of 8" in log
    assert "retry 2 of 8" in log
    assert "retry 3 of 8" not in log
    async with mail_database.session() as session:
        assert await count_rows(session, SentMail) == 1


async def test_redelivered_task_sends_once(
    settings: Settings, mail_database: Database, smtp_server: SmtpServer, worker: Worker
) -> None:
    async with mail_database.transaction() as session:
        student = await create_student(session, password_hash="x")
    # The same message published three times, as after a broker redelivery.
    celery_app = create_celery_app(settings)
    kwargs = {"user_id": student.id, "idempotency_key": f"welcome:{student.id}"}
    for _ in range(3):
        celery_app.send_task("mail.send_welcome", kwargs=kwargs)
    celery_app.close()

    await smtp_server.handler.wait_for(1)
    await asyncio.sleep(QUIET_SECONDS)

    assert len(smtp_server.handler.received) == 1
    assert worker.log().count("was already sent") == 2


async def test_permanent_failure_is_not_retried(
    mail_database: Database, smtp_server: SmtpServer, worker: Worker
) -> None:
    smtp_server.handler.failures = ["550 Mailbox unavailable"]
    async with mail_database.transaction() as session:
        student = await create_student(session, password_hash="x")
        service.queue_welcome(session, user_id=student.id)

    await asyncio.sleep(QUIET_SECONDS)

    assert smtp_server.handler.attempts == 1
    assert smtp_server.handler.received == []
    assert "not sent after 1 attempts: SMTP server replied 550" in worker.log()
    async with mail_database.session() as session:
        assert await count_rows(session, SentMail) == 0
