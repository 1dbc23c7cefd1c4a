"""Mail backends: SMTP failures sorted into temporary and final, and .eml files."""

from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from schoolgql.mail.delivery import (
    DeliveryError,
    FolderBackend,
    SmtpBackend,
    create_backend,
)
from schoolgql.mail.message import build_message, make_address
from tests.conftest import _free_port, make_settings
from tests.mail.conftest import SmtpServer

MESSAGE = build_message(
    sender=make_address("Riverside School", "office@school.test"),
    recipient=make_address("Ann", "ann@example.test"),
    subject="Welcome",
    text="Hello\n",
    html="<p>Hello</p>\n",
    message_id_domain="school.test",
)


def _smtp_backend(port: int) -> SmtpBackend:
    settings = make_settings(
        "", smtp_host="127.0.0.1", smtp_port=port, smtp_security="none"
    )
    backend = create_backend(settings)
    assert isinstance(backend, SmtpBackend)
    return backend


def test_smtp_delivers_message(smtp_server: SmtpServer) -> None:
    _smtp_backend(smtp_server.port).deliver(MESSAGE)

    [mail] = smtp_server.handler.received
    assert mail.sender == "office@school.test"
    assert mail.recipients == ["ann@example.test"]
    assert mail.message["Subject"] == "Welcome"


@pytest.mark.parametrize(
    ("reply", "temporary"),
    [
        ("451 Local error in processing", True),
        ("421 Service not available", True),
        ("550 Mailbox unavailable", False),
        ("554 Transaction failed", False),
    ],
)
def test_smtp_reply_sets_temporary(
    smtp_server: SmtpServer, reply: str, temporary: bool
) -> None:
    smtp_server.handler.failures = [reply]

    with pytest.raises(DeliveryError) as raised:
        _smtp_backend(smtp_server.port).deliver(MESSAGE)

    assert raised.value.temporary is temporary
    assert str(raised.value) == f"SMTP server replied {reply[:3]}"
    assert smtp_server.handler.received == []


def test_smtp_refused_connection_is_temporary() -> None:
    with pytest.raises(DeliveryError) as raised:
        _smtp_backend(_free_port()).deliver(MESSAGE)

    assert raised.value.temporary is True
    assert str(raised.value) == "SMTP delivery failed: ConnectionRefusedError"


def test_empty_smtp_host_writes_folder(tmp_path: Path) -> None:
    settings = make_settings("", mail_outbox_path=tmp_path / "outbox")
    backend = create_backend(settings)
    assert isinstance(backend, FolderBackend)

    backend.deliver(MESSAGE)
    backend.deliver(MESSAGE)

    files = sorted((tmp_path / "outbox").iterdir())
    assert [file.suffix for file in files] == [".eml", ".eml"]
    written = message_from_bytes(files[0].read_bytes(), policy=default)
    assert written["To"] == "Ann <ann@example.test>"
    assert written["Subject"] == "Welcome"
    assert written.get_content_type() == "multipart/alternative"
