"""A student's attendance in a course on one date."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from schoolgql.models.base import Base

ATTENDANCE_NOTE_MAX_LENGTH = 500


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    LATE = "late"
    EXCUSED = "excused"


def attendance_status_type() -> Enum:
    """Return the status column type; each column needs its own instance."""
    return Enum(
        AttendanceStatus,
        name="attendance_status",
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda statuses: [status.value for status in statuses],
    )


class AttendanceRecord(Base):
    __tablename__ = "attendance_records"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "date"),
        # As for grades: the record's enrollment, course and student agree.
        ForeignKeyConstraint(
            ["enrollment_id", "course_id", "student_id"],
            ["enrollments.id", "enrollments.course_id", "enrollments.student_id"],
            ondelete="RESTRICT",
        ),
        # Courses without attendance on a date, and a student's records.
        Index("ix_attendance_records_course_id_date", "course_id", "date"),
        Index("ix_attendance_records_student_id_date", "student_id", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(Integer)
    course_id: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[int] = mapped_column(Integer)
    date: Mapped[date] = mapped_column(Date)
    status: Mapped[AttendanceStatus] = mapped_column(attendance_status_type())
    note: Mapped[str | None] = mapped_column(String(ATTENDANCE_NOTE_MAX_LENGTH))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
