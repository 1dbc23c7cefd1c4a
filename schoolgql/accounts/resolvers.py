import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts import administration, password_reset, service
from schoolgql.accounts.types import (
    AuthPayload,
    CreateAdminInput,
    CreateStudentInput,
    CreateTeacherInput,
    DonePayload,
    Session,
    SignUpAdminInput,
    SignUpStudentInput,
    User,
    UserPayload,
    user_from_model,
)
from schoolgql.graphql.attempts import AttemptLimit, email_argument
from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import run_mutation
from schoolgql.graphql.permissions import IsAdmin, IsAuthenticated
from schoolgql.graphql.relay import parse_global_id, parse_typed_global_id
from schoolgql.kit.errors import InvalidInput, Unauthenticated

USER_TYPES = frozenset({"Student", "Teacher", "Admin"})


@strawberry.type
class AccountQuery:
    @strawberry.field(
        description="The logged-in user.", permission_classes=[IsAuthenticated]
    )
    async def me(self, info: Info) -> User:
        viewer = await info.context.viewer()
        async with info.context.read_session() as session:
            user = await service.get_viewer_user(session, viewer)
        return user_from_model(user)

    @strawberry.field(
        description="The logged-in user's sessions that are neither revoked "
        "nor expired, oldest first.",
        permission_classes=[IsAuthenticated],
    )
    async def my_sessions(self, info: Info) -> list[Session]:
        viewer = await info.context.viewer()
        async with info.context.read_session() as session:
            families = await service.list_sessions(session, viewer)
        current_id = 0 if viewer is None else viewer.session_id
        return [
            Session.from_model(family, current_id=current_id) for family in families
        ]


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Create a student account and log it in.",
        extensions=[AttemptLimit("signUpStudent", account_of=email_argument())],
    )
    async def sign_up_student(
        self, info: Info, input: SignUpStudentInput
    ) -> AuthPayload:
        async def action(session: AsyncSession) -> AuthPayload:
            result = await service.sign_up_student(
                session,
                None,
                security=info.context.security,
                email=input.email,
                password=input.password,
                full_name=input.full_name,
                student_number=input.student_number,
                grade_level=input.grade_level,
                client=info.context.client_description,
            )
            info.context.log_in_as(result.viewer)
            return AuthPayload.from_result(result)

        return await run_mutation(info, AuthPayload.failed, action)

    @strawberry.mutation(
        description="Create an administrator account; needs the sign-up code "
        "that the operators configured, and is off without one.",
        extensions=[AttemptLimit("signUpAdmin", account_of=email_argument())],
    )
    async def sign_up_admin(self, info: Info, input: SignUpAdminInput) -> AuthPayload:
        async def action(session: AsyncSession) -> AuthPayload:
            result = await service.sign_up_admin(
                session,
                None,
                security=info.context.security,
                sign_up_code=input.sign_up_code,
                email=input.email,
                password=input.password,
                full_name=input.full_name,
                client=info.context.client_description,
            )
            info.context.log_in_as(result.viewer)
            return AuthPayload.from_result(result)

        return await run_mutation(info, AuthPayload.failed, action)

    @strawberry.mutation(
        description="Log in with email and password, whatever the role; "
        "`role` in the payload tells which.",
        extensions=[AttemptLimit("logIn", account_of=email_argument())],
    )
    async def log_in(self, info: Info, email: str, password: str) -> AuthPayload:
        async def action(session: AsyncSession) -> AuthPayload:
            result = await service.log_in(
                session,
                None,
                security=info.context.security,
                email=email,
                password=password,
                client=info.context.client_description,
            )
            info.context.log_in_as(result.viewer)
            return AuthPayload.from_result(result)

        return await run_mutation(info, AuthPayload.failed, action)

    @strawberry.mutation(
        description="Trade a refresh token for a new pair; the old one is "
        "retired. Send it as the argument or as `Authorization: Bearer "
        "<refresh token>`. Presenting a retired token revokes its session.",
        extensions=[AttemptLimit("refreshToken")],
    )
    async def refresh_token(
        self, info: Info, refresh_token: str | None = None
    ) -> AuthPayload:
        token = _refresh_token(info, refresh_token)

        async def action(session: AsyncSession) -> AuthPayload:
            result = await service.refresh(
                session,
                None,
                security=info.context.security,
                refresh_token=token,
                client=info.context.client_description,
            )
            info.context.log_in_as(result.viewer)
            return AuthPayload.from_result(result)

        return await run_mutation(info, AuthPayload.failed, action)

    @strawberry.mutation(
        description="End the session of a refresh token, sent as the argument "
        "or as `Authorization: Bearer <refresh token>`. Its access tokens "
        "stay valid until they expire."
    )
    async def log_out(
        self, info: Info, refresh_token: str | None = None
    ) -> DonePayload:
        token = _refresh_token(info, refresh_token)

        async def action(session: AsyncSession) -> DonePayload:
            await service.log_out(
                session, None, security=info.context.security, refresh_token=token
            )
            return DonePayload(done=True)

        return await run_mutation(info, DonePayload.failed, action)

    @strawberry.mutation(
        description="Set a new password. Every earlier token stops working, "
        "and the payload carries tokens of a new session.",
        permission_classes=[IsAuthenticated],
        extensions=[AttemptLimit("changePassword", per_viewer=True)],
    )
    async def change_password(
        self, info: Info, current_password: str, new_password: str
    ) -> AuthPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> AuthPayload:
            result = await service.change_password(
                session,
                viewer,
                security=info.context.security,
                current_password=current_password,
                new_password=new_password,
                client=info.context.client_description,
            )
            info.context.log_in_as(result.viewer)
            return AuthPayload.from_result(result)

        return await run_mutation(info, AuthPayload.failed, action)

    @strawberry.mutation(
        description="Revoke every access and refresh token of the logged-in user.",
        permission_classes=[IsAuthenticated],
    )
    async def log_out_everywhere(self, info: Info) -> DonePayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> DonePayload:
            await service.log_out_everywhere(
                session, viewer, security=info.context.security
            )
            return DonePayload(done=True)

        return await run_mutation(info, DonePayload.failed, action)

    @strawberry.mutation(
        description="End one of the logged-in user's sessions; its access "
        "tokens stay valid until they expire.",
        permission_classes=[IsAuthenticated],
    )
    async def revoke_session(self, info: Info, id: strawberry.ID) -> DonePayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> DonePayload:
            session_id = parse_typed_global_id(id, type_name="Session", argument="id")
            await service.revoke_session(session, viewer, session_id=session_id)
            return DonePayload(done=True)

        return await run_mutation(info, DonePayload.failed, action)

    @strawberry.mutation(
        description="Create a student account (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def create_student(
        self, info: Info, input: CreateStudentInput
    ) -> UserPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> UserPayload:
            student = await administration.create_student(
                session,
                viewer,
                security=info.context.security,
                email=input.email,
                full_name=input.full_name,
                student_number=input.student_number,
                grade_level=input.grade_level,
                password=input.password,
            )
            return UserPayload.from_model(student)

        return await run_mutation(info, UserPayload.failed, action)

    @strawberry.mutation(
        description="Create a teacher account (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def create_teacher(
        self, info: Info, input: CreateTeacherInput
    ) -> UserPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> UserPayload:
            teacher = await administration.create_teacher(
                session,
                viewer,
                security=info.context.security,
                email=input.email,
                full_name=input.full_name,
                department=input.department,
                title=input.title,
                password=input.password,
            )
            return UserPayload.from_model(teacher)

        return await run_mutation(info, UserPayload.failed, action)

    @strawberry.mutation(
        description="Create an administrator account (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def create_admin(self, info: Info, input: CreateAdminInput) -> UserPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> UserPayload:
            admin = await administration.create_admin(
                session,
                viewer,
                security=info.context.security,
                email=input.email,
                full_name=input.full_name,
                password=input.password,
            )
            return UserPayload.from_model(admin)

        return await run_mutation(info, UserPayload.failed, action)

    @strawberry.mutation(
        description="Mail a link that sets a new password to the account with "
        "this address. Returns `done: true` whether or not such an account "
        "exists, so the answer reveals no account.",
        extensions=[AttemptLimit("requestPasswordReset", account_of=email_argument())],
    )
    async def request_password_reset(self, info: Info, email: str) -> DonePayload:
        async def action(session: AsyncSession) -> DonePayload:
            await password_reset.request_password_reset(session, None, email=email)
            return DonePayload(done=True)

        return await run_mutation(info, DonePayload.failed, action)

    @strawberry.mutation(
        description="Set a new password with the token of a mailed link, from "
        "`requestPasswordReset` or an invitation. The token works once and "
        "expires; every token of the account is revoked, so log in again.",
        extensions=[AttemptLimit("resetPasswordWithToken")],
    )
    async def reset_password_with_token(
        self, info: Info, token: str, new_password: str
    ) -> DonePayload:
        async def action(session: AsyncSession) -> DonePayload:
            await password_reset.reset_password(
                session,
                None,
                security=info.context.security,
                token=token,
                new_password=new_password,
            )
            return DonePayload(done=True)

        return await run_mutation(info, DonePayload.failed, action)

    @strawberry.mutation(
        description="Set a user's password and revoke every token the user "
        "holds (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def reset_password(
        self, info: Info, user_id: strawberry.ID, new_password: str
    ) -> UserPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> UserPayload:
            row_id = _parse_user_id(user_id)
            user = await administration.reset_password(
                session,
                viewer,
                security=info.context.security,
                user_id=row_id,
                new_password=new_password,
            )
            return UserPayload.from_model(user)

        return await run_mutation(info, UserPayload.failed, action)

    @strawberry.mutation(
        description="Deactivate an account: it can no longer log in and every "
        "token it holds stops working (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def deactivate_user(self, info: Info, user_id: strawberry.ID) -> UserPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> UserPayload:
            row_id = _parse_user_id(user_id)
            user = await administration.deactivate_user(
                session, viewer, security=info.context.security, user_id=row_id
            )
            return UserPayload.from_model(user)

        return await run_mutation(info, UserPayload.failed, action)

    @strawberry.mutation(
        description="End every session of a user and revoke all of the "
        "user's tokens (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def end_user_sessions(
        self, info: Info, user_id: strawberry.ID
    ) -> UserPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> UserPayload:
            row_id = _parse_user_id(user_id)
            user = await administration.end_user_sessions(
                session, viewer, security=info.context.security, user_id=row_id
            )
            return UserPayload.from_model(user)

        return await run_mutation(info, UserPayload.failed, action)


def _refresh_token(info: Info, argument: str | None) -> str:
    token = argument if argument is not None else info.context.bearer_token()
    if token is None:
        raise Unauthenticated(
            "Send the refresh token as the `refreshToken` argument or as "
            "`Authorization: Bearer <refresh token>`."
        )
    return token


def _parse_user_id(value: str) -> int:
    type_name, row_id = parse_global_id(value, argument="userId")
    if type_name not in USER_TYPES:
        raise InvalidInput(
            "`userId` must be the ID of a Student, Teacher or Admin.", field="userId"
        )
    return row_id
