"""The history of an attendance record: one row for each correction."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from schoolgql.models.attendance_record import (
    ATTENDANCE_NOTE_MAX_LENGTH,
    AttendanceStatus,
    attendance_status_type,
)
from schoolgql.models.base import Base


class AttendanceChange(Base):
    """A replaced status and note, who had recorded them, and who corrected them."""

    __tablename__ = "attendance_changes"
    __table_args__ = (Index("ix_attendance_changes_record_id_id", "record_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("attendance_records.id", ondelete="CASCADE")
    )
    previous_status: Mapped[AttendanceStatus] = mapped_column(attendance_status_type())
    previous_note: Mapped[str | None] = mapped_column(
        String(ATTENDANCE_NOTE_MAX_LENGTH)
    )
    previous_recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    previous_recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
