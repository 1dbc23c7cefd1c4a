from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schoolgql.models.base import Base

if TYPE_CHECKING:
    from schoolgql.models.course import Course

ASSESSMENT_TITLE_MAX_LENGTH = 200
# Scores and weights are stored with two decimal places.
SCORE_TYPE = Numeric(8, 2, asdecimal=True)


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("max_score > 0", name="max_score_positive"),
        CheckConstraint("weight >= 0", name="weight_not_negative"),
        # Target of the grades' composite foreign key: a grade copies its
        # assessment's course and maximum score and is checked against them.
        UniqueConstraint("id", "course_id", "max_score"),
        Index("ix_assessments_course_id_id", "course_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="RESTRICT")
    )
    title: Mapped[str] = mapped_column(String(ASSESSMENT_TITLE_MAX_LENGTH))
    max_score: Mapped[Decimal] = mapped_column(SCORE_TYPE)
    weight: Mapped[Decimal] = mapped_column(SCORE_TYPE)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)

    # lazy="raise": see Course.term.
    course: Mapped["Course"] = relationship(lazy="raise")
    # NULL while the grades are drafts, which students never see.
    grades_posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
