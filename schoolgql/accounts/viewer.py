"""The authenticated caller of a request."""

from dataclasses import dataclass

from schoolgql.models import Role


@dataclass(frozen=True, slots=True)
class Viewer:
    """The user an access token was issued to, once its version is verified."""

    user_id: int
    role: Role
    # The login session (refresh-token family) the access token came from.
    session_id: int

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_teacher(self) -> bool:
        return self.role is Role.TEACHER

    @property
    def is_student(self) -> bool:
        return self.role is Role.STUDENT
