"""Account administration: creating accounts, resetting and deactivating them.

Every function but `create_first_admin` requires an administrator viewer.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts import repository
from schoolgql.accounts.errors import UserNotFound
from schoolgql.accounts.passwords import PasswordHasher, check_new_password
from schoolgql.accounts.security import Security
from schoolgql.accounts.service import require_admin, revoke_all_tokens
from schoolgql.accounts.validation import (
    check_department,
    check_full_name,
    check_grade_level,
    check_student_number,
    check_title,
    normalize_email,
)
from schoolgql.accounts.viewer import Viewer
from schoolgql.kit.errors import InvalidInput
from schoolgql.mail.service import (
    queue_invitation,
    queue_password_changed,
    queue_welcome,
)
from schoolgql.models import Admin, Student, Teacher, User


async def create_student(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    security: Security,
    email: str,
    full_name: str,
    student_number: str,
    grade_level: int,
    password: str | None,
) -> Student:
    require_admin(viewer)
    email = normalize_email(email)
    student = Student(
        email=email,
        full_name=check_full_name(full_name),
        student_number=check_student_number(student_number),
        grade_level=check_grade_level(grade_level),
        password_hash=await _initial_password_hash(
            security.passwords, password, email=email
        ),
        token_version=0,
        is_active=True,
    )
    await repository.add_user(session, student)
    queue_welcome(session, user_id=student.id)
    return student


async def create_teacher(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    security: Security,
    email: str,
    full_name: str,
    department: str,
    title: str,
    password: str | None,
) -> Teacher:
    require_admin(viewer)
    email = normalize_email(email)
    teacher = Teacher(
        email=email,
        full_name=check_full_name(full_name),
        department=check_department(department),
        title=check_title(title),
        password_hash=await _initial_password_hash(
            security.passwords, password, email=email
        ),
        token_version=0,
        is_active=True,
    )
    await repository.add_user(session, teacher)
    # The invitation carries a link to choose a password, even when the
    # administrator set one.
    queue_invitation(session, user_id=teacher.id)
    return teacher


async def create_admin(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    security: Security,
    email: str,
    full_name: str,
    password: str | None,
) -> Admin:
    require_admin(viewer)
    admin = await create_first_admin(
        session,
        passwords=security.passwords,
        email=email,
        full_name=full_name,
        password=password,
    )
    queue_welcome(session, user_id=admin.id)
    return admin


async def create_first_admin(
    session: AsyncSession,
    *,
    passwords: PasswordHasher,
    email: str,
    full_name: str,
    password: str | None,
) -> Admin:
    """Create an administrator without a viewer, for `schoolgql create-admin`."""
    email = normalize_email(email)
    admin = Admin(
        email=email,
        full_name=check_full_name(full_name),
        password_hash=await _initial_password_hash(passwords, password, email=email),
        token_version=0,
        is_active=True,
    )
    await repository.add_user(session, admin)
    return admin


async def reset_password(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    security: Security,
    user_id: int,
    new_password: str,
) -> User:
    """Set a user's password and revoke every token the user holds."""
    require_admin(viewer)
    user = await _lock_user(session, user_id)
    check_new_password(new_password, email=user.email, field="newPassword")
    user.password_hash = await security.passwords.hash(new_password)
    await revoke_all_tokens(session, security, user)
    queue_password_changed(session, user_id=user.id, token_version=user.token_version)
    return user


async def deactivate_user(
    session: AsyncSession, viewer: Viewer | None, *, security: Security, user_id: int
) -> User:
    """Turn an account off: it cannot log in, and its tokens are revoked."""
    admin = require_admin(viewer)
    if user_id == admin.user_id:
        raise InvalidInput(
            "Administrators cannot deactivate their own account; ask another "
            "administrator.",
            field="userId",
        )
    user = await _lock_user(session, user_id)
    user.is_active = False
    await revoke_all_tokens(session, security, user)
    return user


async def end_user_sessions(
    session: AsyncSession, viewer: Viewer | None, *, security: Security, user_id: int
) -> User:
    """Revoke every access and refresh token of any user."""
    require_admin(viewer)
    user = await _lock_user(session, user_id)
    await revoke_all_tokens(session, security, user)
    return user


async def _lock_user(session: AsyncSession, user_id: int) -> User:
    user = await repository.get_user_for_update(session, user_id)
    if user is None:
        raise UserNotFound(field="userId")
    return user


async def _initial_password_hash(
    passwords: PasswordHasher, password: str | None, *, email: str
) -> str | None:
    # Without a password the account cannot log in until one is reset.
    if password is None:
        return None
    check_new_password(password, email=email, field="password")
    return await passwords.hash(password)
