"""The history of a grade: one row for each change of its score."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Index, Integer, func
from sqlalchemy.orm import Mapped, mapped_column

from schoolgql.models.assessment import SCORE_TYPE
from schoolgql.models.base import Base


class GradeChange(Base):
    """A replaced score, who had recorded it and when, and who replaced it."""

    __tablename__ = "grade_changes"
    __table_args__ = (Index("ix_grade_changes_grade_id_id", "grade_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grade_id: Mapped[int] = mapped_column(ForeignKey("grades.id", ondelete="CASCADE"))
    previous_score: Mapped[Decimal] = mapped_column(SCORE_TYPE)
    new_score: Mapped[Decimal] = mapped_column(SCORE_TYPE)
    previous_graded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    previous_graded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
