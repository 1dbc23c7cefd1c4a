from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import with_polymorphic
from sqlalchemy.orm.attributes import set_committed_value

from schoolgql.accounts.errors import EmailTaken, StudentNumberTaken
from schoolgql.kit.repository import get_many_by_ids
from schoolgql.models import Admin, RefreshTokenFamily, User

# Loads the student and teacher columns in the same statement, because an
# async session cannot load them lazily later.
_ANY_USER = with_polymorphic(User, "*")


@dataclass(frozen=True, slots=True)
class TokenState:
    token_version: int
    is_active: bool


async def get_token_state(session: AsyncSession, user_id: int) -> TokenState | None:
    statement = select(User.token_version, User.is_active).where(User.id == user_id)
    row = (await session.execute(statement)).one_or_none()
    return None if row is None else TokenState(row.token_version, row.is_active)


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    [user] = await get_users_by_ids(session, [user_id])
    return user


async def get_user_for_update(session: AsyncSession, user_id: int) -> User | None:
    """Load a user and lock its row until the transaction ends (PostgreSQL)."""
    statement = (
        select(_ANY_USER)
        .where(_ANY_USER.id == user_id)
        .with_for_update(of=User.__table__)
    )
    return (await session.scalars(statement)).one_or_none()


async def get_users_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[User | None]:
    """Load users with the columns of their role, in the order of `ids`."""
    statement = select(_ANY_USER).where(_ANY_USER.id.in_(set(ids)))
    by_id = {user.id: user for user in await session.scalars(statement)}
    return [by_id.get(user_id) for user_id in ids]


async def get_admins_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[Admin | None]:
    return await get_many_by_ids(session, Admin, ids)


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    """Find the account of an address, ignoring case; `email` is lower case."""
    statement = select(_ANY_USER).where(func.lower(_ANY_USER.email) == email)
    return (await session.scalars(statement)).one_or_none()


async def add_user(session: AsyncSession, user: User) -> User:
    """Insert a user, or raise EmailTaken or StudentNumberTaken.

    The unique indexes decide, so two concurrent sign-ups with one address
    cannot both succeed. The savepoint keeps the transaction usable.
    """
    try:
        async with session.begin_nested():
            session.add(user)
            await session.flush()
    except IntegrityError as error:
        message = str(error.orig)
        if "uq_users_email_lower" in message:
            raise EmailTaken() from None
        if "student_number" in message:
            raise StudentNumberTaken() from None
        raise
    return user


async def bump_token_version(session: AsyncSession, user: User) -> int:
    """Increment the user's token version in the database and return it."""
    statement = (
        update(User)
        .where(User.id == user.id)
        .values(token_version=User.token_version + 1)
        .returning(User.token_version)
    )
    version: int = (await session.execute(statement)).scalar_one()
    set_committed_value(user, "token_version", version)
    return version


async def add_family(
    session: AsyncSession, family: RefreshTokenFamily
) -> RefreshTokenFamily:
    session.add(family)
    await session.flush()
    return family


async def get_family_for_update(
    session: AsyncSession, family_id: int
) -> RefreshTokenFamily | None:
    """Load a family and lock it, so concurrent refreshes of it run in turn."""
    statement = (
        select(RefreshTokenFamily)
        .where(RefreshTokenFamily.id == family_id)
        .with_for_update()
    )
    return (await session.scalars(statement)).one_or_none()


async def list_active_families(
    session: AsyncSession, user_id: int, now: datetime
) -> list[RefreshTokenFamily]:
    statement = (
        select(RefreshTokenFamily)
        .where(
            RefreshTokenFamily.user_id == user_id,
            RefreshTokenFamily.revoked_at.is_(None),
            RefreshTokenFamily.expires_at > now,
        )
        .order_by(RefreshTokenFamily.id)
    )
    return list(await session.scalars(statement))


async def revoke_families(
    session: AsyncSession,
    user_id: int,
    now: datetime,
    *,
    family_id: int | None = None,
) -> int:
    """Revoke the user's unrevoked families, or only `family_id`; return how many."""
    statement = (
        update(RefreshTokenFamily)
        .where(
            RefreshTokenFamily.user_id == user_id,
            RefreshTokenFamily.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    if family_id is not None:
        statement = statement.where(RefreshTokenFamily.id == family_id)
    result = await session.execute(statement)
    count: int = result.rowcount  # type: ignore[attr-defined]
    return count
