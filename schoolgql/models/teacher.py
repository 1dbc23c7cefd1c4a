from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from schoolgql.models.user import Role, User

DEPARTMENT_MAX_LENGTH = 100
TITLE_MAX_LENGTH = 100


class Teacher(User):
    __tablename__ = "teachers"

    id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    department: Mapped[str] = mapped_column(String(DEPARTMENT_MAX_LENGTH), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))

    __mapper_args__ = {"polymorphic_identity": Role.TEACHER}
