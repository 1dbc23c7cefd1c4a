"""Mail backends: delivery to an SMTP server, or to a folder of .eml files."""

import logging
import os
import smtplib
import ssl
import tempfile
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from schoolgql.settings import Settings

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A failed delivery; `temporary` is True when a later attempt may succeed."""

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


class MailBackend(Protocol):
    def deliver(self, message: EmailMessage) -> None: ...


class SmtpBackend:
    """Sends each message over a new SMTP connection."""

    def __init__(self, settings: Settings) -> None:
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.security = settings.smtp_security
        self.username = settings.smtp_username
        self.password = settings.smtp_password.get_secret_value()
        self.timeout = settings.smtp_timeout_seconds

    def deliver(self, message: EmailMessage) -> None:
        try:
            with self._connect() as client:
                if self.username:
                    client.login(self.username, self.password)
                client.send_message(message)
        except smtplib.SMTPResponseException as error:
            # 4xx replies are transient by RFC 5321; 5xx are final.
            raise DeliveryError(
                f"SMTP server replied {error.smtp_code}",
                temporary=400 <= error.smtp_code < 500,
            ) from error
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise DeliveryError(
                f"SMTP server refused the recipient with {codes}",
                temporary=all(400 <= code < 500 for code in codes),
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            # Disconnects, timeouts and refused connections.
            raise DeliveryError(
                f"SMTP delivery failed: {type(error).__name__}", temporary=True
            ) from error

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host,
                self.port,
                timeout=self.timeout,
                context=ssl.create_default_context(),
            )
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            try:
                client.starttls(context=ssl.create_default_context())
            except BaseException:
                client.close()
                raise
        return client


class FolderBackend:
    """Writes each message to its own .eml file instead of sending it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def deliver(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        written_at = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"{written_at}-{uuid.uuid4().hex[:12]}.eml"
        # Write, then rename, so a reader of the folder never opens half a file.
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(descriptor, "wb") as file:
            file.write(message.as_bytes())
        os.replace(temporary, path)
        logger.info("mail written to %s", path)


def create_backend(settings: Settings) -> MailBackend:
    if settings.smtp_host:
        return SmtpBackend(settings)
    return FolderBackend(settings.mail_outbox_path)
