from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from schoolgql.models.base import Base

CLIENT_MAX_LENGTH = 200
TOKEN_ID_LENGTH = 32


class RefreshTokenFamily(Base):
    """One login session: every refresh token rotated from one login.

    Only the newest token of a family, `current_token_id`, may be refreshed.
    Presenting an older one means the family leaked, so it is revoked.
    """

    __tablename__ = "refresh_token_families"
    __table_args__ = (Index("ix_refresh_token_families_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    current_token_id: Mapped[str] = mapped_column(String(TOKEN_ID_LENGTH))
    # The User-Agent of the latest login or refresh, cut to fit.
    client: Mapped[str | None] = mapped_column(String(CLIENT_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_used_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # Expiry of the current refresh token; each refresh moves it forward.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
