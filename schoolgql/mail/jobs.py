"""Mail task bodies: claim the key, render and deliver in one transaction."""

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.database import Database
from schoolgql.mail import repository
from schoolgql.mail.delivery import MailBackend
from schoolgql.mail.kinds import MailKind
from schoolgql.mail.message import build_message, make_address
from schoolgql.mail.templates import render
from schoolgql.models import User
from schoolgql.settings import Settings

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY_SECONDS = 3600.0

# Kinds whose mail carries a link that sets a password.
_LINK_KINDS = {MailKind.INVITATION, MailKind.PASSWORD_RESET}


@dataclass(frozen=True, slots=True)
class MailJob:
    kind: MailKind
    user_id: int
    idempotency_key: str


def retry_delay(settings: Settings, retries: int) -> float:
    """Seconds before retry number `retries + 1`: doubling, capped, jittered."""
    delay = min(
        settings.mail_retry_backoff_seconds * 2.0**retries, MAX_RETRY_DELAY_SECONDS
    )
    # Jitter spreads the retries of many mails that failed together.
    return delay * random.uniform(0.5, 1.0)


@dataclass(frozen=True, slots=True)
class MailRuntime:
    """Settings, database and backend that mail jobs run with."""

    settings: Settings
    database: Database
    backend: MailBackend


async def send_mail(runtime: MailRuntime, job: MailJob) -> bool:
    """Deliver the job's mail unless its key was used; return whether it was sent.

    The key is claimed, any link token stored and the mail delivered inside
    one transaction. If delivery fails, the transaction rolls back, so a
    retry finds neither the key nor the token.
    """
    async with runtime.database.transaction() as session:
        user = await repository.get_user(session, job.user_id)
        if user is None or not user.is_active:
            logger.warning(
                "%s mail %s not sent: user %d is missing or inactive",
                job.kind,
                job.idempotency_key,
                job.user_id,
            )
            return False

        claimed = await repository.claim_idempotency_key(
            session, key=job.idempotency_key, kind=job.kind, user_id=user.id
        )
        if not claimed:
            logger.info("%s mail %s was already sent", job.kind, job.idempotency_key)
            return False

        message = await _compose(session, runtime.settings, job, user)
        await asyncio.to_thread(runtime.backend.deliver, message)

    logger.info(
        "%s mail %s sent to user %d", job.kind, job.idempotency_key, job.user_id
    )
    return True


async def _compose(
    session: AsyncSession, settings: Settings, job: MailJob, user: User
) -> EmailMessage:
    link = None
    expires_at = None
    # A welcome for an account created without a password carries a link
    # to choose one, like an invitation.
    if job.kind in _LINK_KINDS or (
        job.kind == MailKind.WELCOME and user.password_hash is None
    ):
        lifetime = (
            timedelta(minutes=settings.password_reset_token_minutes)
            if job.kind == MailKind.PASSWORD_RESET
            else timedelta(hours=settings.invitation_token_hours)
        )
        expires_at = datetime.now(UTC) + lifetime
        token = await repository.create_password_token(
            session, user_id=user.id, expires_at=expires_at
        )
        link = password_link(settings, token)

    rendered = render(
        job.kind,
        school_name=settings.mail_from_name,
        full_name=user.full_name,
        email=user.email,
        role=user.role.value,
        set_password_url=link,
        expires_at=_format_time(expires_at),
    )
    sender = make_address(settings.mail_from_name, settings.mail_from_address)
    return build_message(
        sender=sender,
        recipient=make_address(user.full_name, user.email),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        message_id_domain=sender.domain,
    )


def password_link(settings: Settings, token: str) -> str:
    """Return the web app's link that sets a password with `token`.

    The token travels in the fragment, which browsers never send to a
    server, so it stays out of access logs and Referer headers.
    """
    return f"{settings.public_base_url.rstrip('/')}/reset-password#token={token}"


def _format_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%d %H:%M UTC")
