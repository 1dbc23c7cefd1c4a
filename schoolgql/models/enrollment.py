import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schoolgql.models.base import Base

if TYPE_CHECKING:
    from schoolgql.models.course import Course
    from schoolgql.models.student import Student


class EnrollmentStatus(enum.StrEnum):
    ACTIVE = "active"
    DROPPED = "dropped"
    COMPLETED = "completed"


class Enrollment(Base):
    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("student_id", "course_id"),
        # Grades reference (id, course_id, student_id), so a grade's
        # enrollment, assessment and student always agree.
        UniqueConstraint("id", "course_id", "student_id"),
        # A parent's connection runs ORDER BY id LIMIT n filtered by the parent.
        # With the parent column indexed alone, PostgreSQL 15 moves the
        # prepared statement to a generic plan that scans every row of the
        # parent, so each parent gets a composite (parent id, id) index.
        Index("ix_enrollments_course_id_id", "course_id", "id"),
        Index("ix_enrollments_student_id_id", "student_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="RESTRICT")
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="RESTRICT")
    )
    status: Mapped[EnrollmentStatus] = mapped_column(
        Enum(
            EnrollmentStatus,
            name="enrollment_status",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda statuses: [status.value for status in statuses],
        ),
        server_default=EnrollmentStatus.ACTIVE.value,
    )
    enrolled_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    # lazy="raise": see Course.term.
    student: Mapped["Student"] = relationship(lazy="raise")
    course: Mapped["Course"] = relationship(lazy="raise")
