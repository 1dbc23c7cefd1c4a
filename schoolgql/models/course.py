from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schoolgql.models.base import Base

if TYPE_CHECKING:
    from schoolgql.models.teacher import Teacher
    from schoolgql.models.term import Term

COURSE_CODE_MAX_LENGTH = 32
COURSE_TITLE_MAX_LENGTH = 200
COURSE_DESCRIPTION_MAX_LENGTH = 5000


class Course(Base):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("credits >= 0", name="credits_not_negative"),
        # Connections inside a parent are ordered by id; see Enrollment.
        Index("ix_courses_term_id_id", "term_id", "id"),
        Index("ix_courses_teacher_id_id", "teacher_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(COURSE_CODE_MAX_LENGTH), unique=True)
    title: Mapped[str] = mapped_column(String(COURSE_TITLE_MAX_LENGTH), index=True)
    description: Mapped[str] = mapped_column(
        String(COURSE_DESCRIPTION_MAX_LENGTH).with_variant(Text(), "sqlite"),
        server_default="",
    )
    credits: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="RESTRICT"))
    teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("teachers.id", ondelete="RESTRICT")
    )

    # Relations are loaded by the GraphQL loaders or with an explicit loader
    # option, never lazily: a lazy load under asyncio raises MissingGreenlet
    # at some later attribute access, while lazy="raise" fails at once.
    term: Mapped["Term"] = relationship(lazy="raise")
    teacher: Mapped["Teacher | None"] = relationship(lazy="raise")
    # An archived course keeps its records but takes no new writes.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
