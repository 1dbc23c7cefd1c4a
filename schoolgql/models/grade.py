from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schoolgql.models.assessment import SCORE_TYPE
from schoolgql.models.base import Base

if TYPE_CHECKING:
    from schoolgql.models.assessment import Assessment
    from schoolgql.models.enrollment import Enrollment
    from schoolgql.models.student import Student
    from schoolgql.models.user import User


class Grade(Base):
    """A student's score on an assessment, through the student's enrollment."""

    __tablename__ = "grades"
    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= max_score", name="score_in_range"),
        UniqueConstraint("enrollment_id", "assessment_id"),
        # Only an enrolled student gets a grade, and only in that course.
        ForeignKeyConstraint(
            ["enrollment_id", "course_id", "student_id"],
            ["enrollments.id", "enrollments.course_id", "enrollments.student_id"],
            ondelete="RESTRICT",
        ),
        # The copied maximum follows the assessment's, so the score check
        # above holds against the current maximum.
        ForeignKeyConstraint(
            ["assessment_id", "course_id", "max_score"],
            ["assessments.id", "assessments.course_id", "assessments.max_score"],
            ondelete="RESTRICT",
            onupdate="CASCADE",
        ),
        Index("ix_grades_assessment_id_id", "assessment_id", "id"),
        Index("ix_grades_enrollment_id_id", "enrollment_id", "id"),
        Index("ix_grades_student_id_id", "student_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(Integer)
    assessment_id: Mapped[int] = mapped_column(Integer)
    course_id: Mapped[int] = mapped_column(Integer, index=True)
    student_id: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[Decimal] = mapped_column(SCORE_TYPE)
    score: Mapped[Decimal] = mapped_column(SCORE_TYPE)
    graded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    graded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    # lazy="raise": see Course.term. Both composite foreign keys set
    # course_id, and the database checks that they agree.
    enrollment: Mapped["Enrollment"] = relationship(lazy="raise", overlaps="assessment")
    assessment: Mapped["Assessment"] = relationship(lazy="raise", overlaps="enrollment")
    # student_id is written through `enrollment`; this relation only reads.
    student: Mapped["Student"] = relationship(
        primaryjoin="foreign(Grade.student_id) == Student.id",
        lazy="raise",
        viewonly=True,
    )
    graded_by: Mapped["User | None"] = relationship(lazy="raise")
