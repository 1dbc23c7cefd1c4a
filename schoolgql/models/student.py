from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from schoolgql.models.user import Role, User

STUDENT_NUMBER_MAX_LENGTH = 32


class Student(User):
    __tablename__ = "students"
    __table_args__ = (
        CheckConstraint("grade_level BETWEEN 1 AND 13", name="grade_level_range"),
    )

    id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    student_number: Mapped[str] = mapped_column(
        String(STUDENT_NUMBER_MAX_LENGTH), unique=True
    )
    grade_level: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"polymorphic_identity": Role.STUDENT}
