"""Accounts: every student, teacher and administrator is a user."""

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    Index,
    Integer,
    String,
    func,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from schoolgql.models.base import Base

EMAIL_MAX_LENGTH = 254
FULL_NAME_MAX_LENGTH = 200


class Role(enum.StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        # One account per address, whatever its case.
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
        CheckConstraint("token_version >= 0", name="token_version_not_negative"),
        # SQLite reuses the id of a deleted row unless the table is AUTOINCREMENT, and a
        # token or cache entry of the deleted user would then name the new one.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH))
    full_name: Mapped[str] = mapped_column(String(FULL_NAME_MAX_LENGTH))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="user_role",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda roles: [role.value for role in roles],
        ),
        index=True,
    )
    # NULL means the account cannot log in until a password is set.
    password_hash: Mapped[str | None] = mapped_column(String(128))
    token_version: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __mapper_args__ = {"polymorphic_on": "role"}


class Admin(User):
    __mapper_args__ = {"polymorphic_identity": Role.ADMIN}
