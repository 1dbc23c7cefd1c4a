from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from schoolgql.models.base import Base

TERM_NAME_MAX_LENGTH = 100


class Term(Base):
    __tablename__ = "terms"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(TERM_NAME_MAX_LENGTH), unique=True)
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date)
    # Whether students may enroll themselves in its courses, when the
    # self-enrollment setting is on.
    enrollment_open: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # An archived term keeps its courses and records but takes no enrollments.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
