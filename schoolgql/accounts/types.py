import enum
from datetime import UTC, datetime

import strawberry

from schoolgql import models
from schoolgql.accounts.service import AuthResult
from schoolgql.graphql.payloads import UserError
from schoolgql.graphql.permissions import IsSelf
from schoolgql.graphql.relay import Node, to_global_id


@strawberry.enum(name="Role", description="What an account is and may do.")
class RoleType(enum.Enum):
    STUDENT = "student"
    TEACHER = "teacher"
    ADMIN = "admin"


@strawberry.interface(
    description="An account: a student, a teacher or an administrator."
)
class User(Node):
    row_id: strawberry.Private[int]
    full_name: str = strawberry.field(description="Full name.")
    email: str = strawberry.field(
        description="Email address in lower case; only the user and "
        "administrators may see it.",
        permission_classes=[IsSelf],
    )
    role: RoleType = strawberry.field(description="Role of the account.")


@strawberry.type(description="An administrator of the school.")
class Admin(User):
    @classmethod
    def from_model(cls, admin: models.User) -> "Admin":
        return cls(
            row_id=admin.id,
            full_name=admin.full_name,
            email=admin.email,
            role=RoleType.ADMIN,
        )


def user_from_model(user: models.User) -> User:
    """Map a user row to the GraphQL type of its role."""
    from schoolgql.people.types import Student, Teacher

    if isinstance(user, models.Student):
        return Student.from_model(user)
    if isinstance(user, models.Teacher):
        return Teacher.from_model(user)
    return Admin.from_model(user)


@strawberry.type(description="New tokens and the user they were issued to.")
class AuthPayload:
    access_token: str | None = strawberry.field(
        default=None,
        description="Send as `Authorization: Bearer <accessToken>` with each request.",
    )
    access_token_expires_at: datetime | None = strawberry.field(
        default=None, description="When the access token expires."
    )
    refresh_token: str | None = strawberry.field(
        default=None,
        description="Pass to `refreshToken` once for a new pair; keep it secret.",
    )
    refresh_token_expires_at: datetime | None = strawberry.field(
        default=None, description="When the refresh token expires."
    )
    role: RoleType | None = strawberry.field(
        default=None, description="Role of the logged-in user."
    )
    viewer: User | None = strawberry.field(
        default=None, description="The logged-in user."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def from_result(cls, result: AuthResult) -> "AuthPayload":
        return cls(
            access_token=result.access_token.value,
            access_token_expires_at=_timestamp(result.access_token.expires_at),
            refresh_token=result.refresh_token.value,
            refresh_token_expires_at=_timestamp(result.refresh_token.expires_at),
            role=RoleType(result.user.role.value),
            viewer=user_from_model(result.user),
        )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "AuthPayload":
        return cls(user_errors=user_errors)


@strawberry.type(description="Result of a mutation that returns no object.")
class DonePayload:
    done: bool = strawberry.field(
        default=False, description="True when the mutation took effect."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "DonePayload":
        return cls(user_errors=user_errors)


@strawberry.type(description="Result of a mutation that creates or changes a user.")
class UserPayload:
    user: User | None = strawberry.field(
        default=None, description="The user created or changed."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def from_model(cls, user: models.User) -> "UserPayload":
        return cls(user=user_from_model(user))

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "UserPayload":
        return cls(user_errors=user_errors)


@strawberry.type(
    description="A login session: the refresh tokens rotated from one login."
)
class Session:
    id: strawberry.ID = strawberry.field(
        description="ID of the session; pass it to `revokeSession`."
    )
    created_at: datetime = strawberry.field(description="When the user logged in.")
    last_used_at: datetime = strawberry.field(
        description="When the session last logged in or refreshed."
    )
    expires_at: datetime = strawberry.field(
        description="When the session ends unless it is refreshed."
    )
    client: str | None = strawberry.field(
        description="User-Agent of the client that last used the session."
    )
    current: bool = strawberry.field(
        description="Whether the access token of this request belongs to it."
    )

    @classmethod
    def from_model(
        cls, family: models.RefreshTokenFamily, *, current_id: int
    ) -> "Session":
        return cls(
            id=strawberry.ID(to_global_id("Session", family.id)),
            created_at=family.created_at,
            last_used_at=family.last_used_at,
            expires_at=family.expires_at,
            client=family.client,
            current=family.id == current_id,
        )


@strawberry.input(description="A new student account, signed up by the student.")
class SignUpStudentInput:
    email: str = strawberry.field(description="Email address; case is ignored.")
    password: str = strawberry.field(
        description="10 characters to 72 bytes in UTF-8; not the email address."
    )
    full_name: str = strawberry.field(description="One line, 1 to 200 characters.")
    student_number: str = strawberry.field(
        description="School-issued number, 1 to 32 characters."
    )
    grade_level: int = strawberry.field(description="Grade level, 1 to 13.")


@strawberry.input(description="A new administrator account, with the sign-up code.")
class SignUpAdminInput:
    sign_up_code: str = strawberry.field(
        description="The code the operators configured; without it sign-up is off."
    )
    email: str = strawberry.field(description="Email address; case is ignored.")
    password: str = strawberry.field(
        description="10 characters to 72 bytes in UTF-8; not the email address."
    )
    full_name: str = strawberry.field(description="One line, 1 to 200 characters.")


@strawberry.input(description="A student account created by an administrator.")
class CreateStudentInput:
    email: str = strawberry.field(description="Email address; case is ignored.")
    full_name: str = strawberry.field(description="One line, 1 to 200 characters.")
    student_number: str = strawberry.field(
        description="School-issued number, 1 to 32 characters."
    )
    grade_level: int = strawberry.field(description="Grade level, 1 to 13.")
    password: str | None = strawberry.field(
        default=None,
        description="Initial password; without one the account cannot log in "
        "until `resetPassword` sets one.",
    )


@strawberry.input(description="A teacher account created by an administrator.")
class CreateTeacherInput:
    email: str = strawberry.field(description="Email address; case is ignored.")
    full_name: str = strawberry.field(description="One line, 1 to 200 characters.")
    department: str = strawberry.field(description="1 to 100 characters.")
    title: str = strawberry.field(description="Job title, 1 to 100 characters.")
    password: str | None = strawberry.field(
        default=None,
        description="Initial password; without one the account cannot log in "
        "until `resetPassword` sets one.",
    )


@strawberry.input(description="An administrator account created by another.")
class CreateAdminInput:
    email: str = strawberry.field(description="Email address; case is ignored.")
    full_name: str = strawberry.field(description="One line, 1 to 200 characters.")
    password: str | None = strawberry.field(
        default=None,
        description="Initial password; without one the account cannot log in "
        "until `resetPassword` sets one.",
    )


def _timestamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
