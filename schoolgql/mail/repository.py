"""SQL of the mail tasks: idempotency keys, recipients and link tokens."""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import PasswordResetToken, SentMail, User

# 32 random bytes, so a fast hash is as good as a slow one for storage.
TOKEN_BYTES = 32


async def claim_idempotency_key(
    session: AsyncSession, *, key: str, kind: str, user_id: int | None
) -> bool:
    """Insert the key and return True, or return False if a mail already has it.

    On PostgreSQL a second transaction inserting the same key waits until
    the first one ends, so two concurrent runs of a task cannot both claim it.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(SentMail)
        .values(idempotency_key=key, kind=kind, user_id=user_id)
        .on_conflict_do_nothing(index_elements=[SentMail.idempotency_key])
        .returning(SentMail.id)
    )
    claimed = await session.scalar(statement)
    return claimed is not None


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_password_token(
    session: AsyncSession, *, user_id: int, expires_at: datetime
) -> str:
    """Store the hash of a new random token and return the token itself."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        PasswordResetToken(
            user_id=user_id, token_hash=hash_token(token), expires_at=expires_at
        )
    )
    await session.flush()
    return token


async def use_password_token(
    session: AsyncSession, *, token: str, now: datetime
) -> int | None:
    """Mark an unused, unexpired token used and return its user's id, else None.

    One UPDATE both checks and uses the token, so two requests with the same
    token cannot both succeed.
    """
    statement = (
        update(PasswordResetToken)
        .where(
            PasswordResetToken.token_hash == hash_token(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(PasswordResetToken.user_id)
    )
    user_id: int | None = await session.scalar(statement)
    return user_id


async def void_password_tokens(
    session: AsyncSession, *, user_id: int, now: datetime
) -> None:
    """Mark every unused token of the user used, after their password changed."""
    await session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.user_id == user_id,
            PasswordResetToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
