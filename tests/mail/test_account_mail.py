"""Account mails end to end: the API, a real worker, and an SMTP server."""

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from schoolgql.models import PasswordResetToken, SentMail, User
from schoolgql.settings import Settings
from tests.auth import PASSWORD, Tokens, bearer, create_admin, log_in_response
from tests.conftest import LiveServer, serve
from tests.graphql_client import GraphQLResponse, execute
from tests.mail.conftest import (
    QUIET_SECONDS,
    ReceivedMail,
    SmtpServer,
    Worker,
    count_rows,
    wait_until_recorded,
)

NEW_PASSWORD = "a brand new passphrase"
INJECTED = "someone@example.com"
LINK = re.compile(r"https://school\.test/app/reset-password#token=(\S+)")

SIGN_UP = """
mutation SignUp($input: SignUpStudentInput!) {
  signUpStudent(input: $input) { accessToken userErrors { field code } }
}
"""
CREATE_STUDENT = """
mutation Create($input: CreateStudentInput!) {
  createStudent(input: $input) { user { id } userErrors { field message code } }
}
"""
CREATE_TEACHER = """
mutation Create($input: CreateTeacherInput!) {
  createTeacher(input: $input) { user { id } userErrors { field message code } }
}
"""
REQUEST_RESET = """
mutation Request($email: String!) {
  requestPasswordReset(email: $email) { done userErrors { field code } }
}
"""
RESET = """
mutation Reset($token: String!, $newPassword: String!) {
  resetPasswordWithToken(token: $token, newPassword: $newPassword) {
    done userErrors { field message code }
  }
}
"""
CHANGE_PASSWORD = """
mutation Change($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new) {
    accessToken userErrors { field code }
  }
}
"""
ME = "{ me { email } }"


@pytest.fixture
async def live(settings: Settings, worker: Worker) -> AsyncIterator[LiveServer]:
    async with serve(settings) as server:
        yield server


@pytest.fixture
async def api(live: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.url, timeout=60) as client:
        yield client


@pytest.fixture
async def admin_headers(live: LiveServer, api: httpx.AsyncClient) -> dict[str, str]:
    async with live.database.transaction() as session:
        admin = await create_admin(session)
        email = admin.email
    response = await log_in_response(api, email)
    return bearer(response.data["logIn"]["accessToken"])


def _student_input(number: int, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "email": f"pupil{number}@example.com",
        "fullName": f"Pupil {number}",
        "studentNumber": f"S{number:06d}",
        "gradeLevel": 9,
    }
    return values | overrides


def _token_of(mail: ReceivedMail) -> str:
    [token] = LINK.findall(mail.body("plain"))
    assert isinstance(token, str)
    return token


def _mails_to(smtp_server: SmtpServer, address: str) -> list[ReceivedMail]:
    return [mail for mail in smtp_server.handler.received if address in mail.recipients]


async def _sign_up(api: httpx.AsyncClient, email: str) -> GraphQLResponse:
    student = {
        "email": email,
        "password": PASSWORD,
        "fullName": "Rosa Diaz",
        "studentNumber": "R-100",
        "gradeLevel": 10,
    }
    return await execute(api, SIGN_UP, {"input": student})


async def test_sign_up_sends_welcome(
    api: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    response = await _sign_up(api, "rosa@example.com")

    assert response.data["signUpStudent"]["userErrors"] == []
    [mail] = await smtp_server.handler.wait_for(1)
    assert mail.recipients == ["rosa@example.com"]
    assert mail.message["To"] == "Rosa Diaz <rosa@example.com>"
    assert mail.message["Subject"] == "Welcome to Riverside School"
    assert "student account for rosa@example.com is ready" in mail.body("plain")
    assert "reset-password" not in mail.body("plain")


async def test_password_reset_through_mailed_link(
    api: httpx.AsyncClient, live: LiveServer, smtp_server: SmtpServer
) -> None:
    signed_up = await _sign_up(api, "rosa@example.com")
    old_access = signed_up.data["signUpStudent"]["accessToken"]
    await smtp_server.handler.wait_for(1)

    requested = await execute(api, REQUEST_RESET, {"email": "Rosa@Example.com"})
    mails = await smtp_server.handler.wait_for(2)
    reset_mail = mails[1]
    token = _token_of(reset_mail)
    reset = await execute(api, RESET, {"token": token, "newPassword": NEW_PASSWORD})
    again = await execute(
        api, RESET, {"token": token, "newPassword": "yet another one"}
    )
    mails = await smtp_server.handler.wait_for(3)

    assert requested.data["requestPasswordReset"] == {"done": True, "userErrors": []}
    assert reset_mail.message["Subject"] == "Reset your Riverside School password"
    assert reset_mail.recipients == ["rosa@example.com"]
    assert LINK.search(reset_mail.body("html")) is not None
    assert reset.data["resetPasswordWithToken"] == {"done": True, "userErrors": []}
    assert again.data["resetPasswordWithToken"]["done"] is False
    assert again.data["resetPasswordWithToken"]["userErrors"][0]["field"] == "token"
    assert (
        again.data["resetPasswordWithToken"]["userErrors"][0]["code"]
        == "BAD_USER_INPUT"
    )
    assert mails[2].message["Subject"] == "Your Riverside School password was changed"
    new_log_in = await log_in_response(api, "rosa@example.com", NEW_PASSWORD)
    old_log_in = await log_in_response(api, "rosa@example.com", PASSWORD)
    assert new_log_in.data["logIn"]["accessToken"]
    assert old_log_in.error_codes == ["UNAUTHENTICATED"]
    revoked = await execute(api, ME, headers=bearer(old_access))
    assert revoked.error_codes == ["UNAUTHENTICATED"]
    async with live.database.session() as session:
        user = await session.scalar(
            select(User).where(User.email == "rosa@example.com")
        )
        stored = (await session.scalars(select(PasswordResetToken.token_hash))).all()
    assert user is not None
    assert user.token_version == 1
    assert token not in stored
    assert all(len(token_hash) == 64 for token_hash in stored)


async def test_reset_request_reveals_no_account(
    api: httpx.AsyncClient, smtp_server: SmtpServer, worker: Worker
) -> None:
    await _sign_up(api, "rosa@example.com")
    await smtp_server.handler.wait_for(1)

    known = await execute(api, REQUEST_RESET, {"email": "rosa@example.com"})
    unknown = await execute(api, REQUEST_RESET, {"email": "nobody@example.com"})
    await smtp_server.handler.wait_for(2)
    await asyncio.sleep(QUIET_SECONDS)

    assert known.status == unknown.status
    assert known.body["data"] == unknown.body["data"]
    assert len(smtp_server.handler.received) == 2
    assert _mails_to(smtp_server, "nobody@example.com") == []


async def test_expired_reset_link_rejected(
    api: httpx.AsyncClient, live: LiveServer, smtp_server: SmtpServer
) -> None:
    await _sign_up(api, "rosa@example.com")
    # The worker runs two tasks at once, so the welcome must arrive first.
    await smtp_server.handler.wait_for(1)
    await execute(api, REQUEST_RESET, {"email": "rosa@example.com"})
    mails = await smtp_server.handler.wait_for(2)
    await wait_until_recorded(live.database, 2)
    async with live.database.transaction() as session:
        past = datetime.now(UTC) - timedelta(seconds=1)
        await session.execute(update(PasswordResetToken).values(expires_at=past))

    response = await execute(
        api, RESET, {"token": _token_of(mails[1]), "newPassword": NEW_PASSWORD}
    )

    assert response.data["resetPasswordWithToken"]["done"] is False
    assert response.data["resetPasswordWithToken"]["userErrors"] == [
        {
            "field": "token",
            "message": "This password link is invalid, expired or already used. "
            "Request a new one with requestPasswordReset.",
            "code": "BAD_USER_INPUT",
        }
    ]


async def test_created_teacher_sets_password_from_invitation(
    api: httpx.AsyncClient, admin_headers: dict[str, str], smtp_server: SmtpServer
) -> None:
    teacher = {
        "email": "ines@example.com",
        "fullName": "Ines Costa",
        "department": "Science",
        "title": "Teacher",
    }
    created = await execute(
        api, CREATE_TEACHER, {"input": teacher}, headers=admin_headers
    )
    [mail] = await smtp_server.handler.wait_for(1)
    reset = await execute(
        api, RESET, {"token": _token_of(mail), "newPassword": NEW_PASSWORD}
    )
    logged_in = await log_in_response(api, "ines@example.com", NEW_PASSWORD)

    assert created.data["createTeacher"]["userErrors"] == []
    assert mail.message["Subject"] == "Your teacher account at Riverside School"
    assert mail.recipients == ["ines@example.com"]
    assert "has created a teacher account for ines@example.com" in mail.body("plain")
    assert reset.data["resetPasswordWithToken"] == {"done": True, "userErrors": []}
    assert logged_in.data["logIn"]["accessToken"]


async def test_change_password_sends_notice(
    api: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    signed_up = await _sign_up(api, "rosa@example.com")
    tokens = Tokens(signed_up.data["signUpStudent"]["accessToken"], "")
    await smtp_server.handler.wait_for(1)

    changed = await execute(
        api,
        CHANGE_PASSWORD,
        {"current": PASSWORD, "new": NEW_PASSWORD},
        headers=tokens.headers,
    )
    mails = await smtp_server.handler.wait_for(2)

    assert changed.data["changePassword"]["userErrors"] == []
    assert mails[1].recipients == ["rosa@example.com"]
    assert mails[1].message["Subject"] == "Your Riverside School password was changed"


async def test_hundred_created_accounts_get_one_welcome_each(
    api: httpx.AsyncClient,
    live: LiveServer,
    admin_headers: dict[str, str],
    smtp_server: SmtpServer,
    worker: Worker,
) -> None:
    async def create(number: int) -> GraphQLResponse:
        return await execute(
            api,
            CREATE_STUDENT,
            {"input": _student_input(number)},
            headers=admin_headers,
        )

    responses = []
    for batch in range(10):
        numbers = range(batch * 10, batch * 10 + 10)
        responses += await asyncio.gather(*(create(number) for number in numbers))
    received = await smtp_server.handler.wait_for(100)
    await wait_until_recorded(live.database, 100)
    await asyncio.sleep(QUIET_SECONDS)

    assert [response.data["createStudent"]["userErrors"] for response in responses] == [
        []
    ] * 100
    recipients = sorted(address for mail in received for address in mail.recipients)
    assert recipients == sorted(f"pupil{number}@example.com" for number in range(100))
    assert len(smtp_server.handler.received) == 100
    assert smtp_server.handler.attempts == 100
    log = worker.log()
    assert "not found" not in log
    assert "missing or inactive" not in log
    assert "retry" not in log.lower()
    async with live.database.session() as session:
        assert await count_rows(session, SentMail) == 100


async def test_failed_creations_send_no_mail(
    api: httpx.AsyncClient,
    live: LiveServer,
    admin_headers: dict[str, str],
    smtp_server: SmtpServer,
) -> None:
    first = _student_input(1)
    await execute(api, CREATE_STUDENT, {"input": first}, headers=admin_headers)
    await smtp_server.handler.wait_for(1)
    same_number = _student_input(2, studentNumber=first["studentNumber"])
    same_email = _student_input(3, email="PUPIL1@Example.com")

    duplicates = [
        await execute(api, CREATE_STUDENT, {"input": student}, headers=admin_headers)
        for student in (same_number, same_email)
    ]
    await execute(
        api, CREATE_STUDENT, {"input": _student_input(4)}, headers=admin_headers
    )
    await smtp_server.handler.wait_for(2)
    await asyncio.sleep(QUIET_SECONDS)

    assert [d.data["createStudent"]["userErrors"][0]["field"] for d in duplicates] == [
        "studentNumber",
        "email",
    ]
    recipients = [mail.recipients for mail in smtp_server.handler.received]
    assert recipients == [["pupil1@example.com"], ["pupil4@example.com"]]
    async with live.database.session() as session:
        users = await session.scalar(select(func.count()).select_from(User))
    # The administrator and the two students that were created.
    assert users == 3


@pytest.mark.parametrize(
    "full_name",
    [
        f"Ann\r\nBcc: {INJECTED}",
        f"Ann\nBcc: {INJECTED}",
        f"Ann\rBcc: {INJECTED}",
    ],
    ids=["crlf", "lf", "cr"],
)
async def test_name_with_line_break_rejected(
    api: httpx.AsyncClient,
    admin_headers: dict[str, str],
    smtp_server: SmtpServer,
    full_name: str,
) -> None:
    response = await execute(
        api,
        CREATE_STUDENT,
        {"input": _student_input(1, fullName=full_name)},
        headers=admin_headers,
    )
    await execute(
        api, CREATE_STUDENT, {"input": _student_input(2)}, headers=admin_headers
    )
    await smtp_server.handler.wait_for(1)
    await asyncio.sleep(QUIET_SECONDS)

    [error] = response.data["createStudent"]["userErrors"]
    assert error["field"] == "fullName"
    assert error["code"] == "BAD_USER_INPUT"
    assert [mail.recipients for mail in smtp_server.handler.received] == [
        ["pupil2@example.com"]
    ]


async def test_address_with_bcc_header_rejected(
    api: httpx.AsyncClient, admin_headers: dict[str, str], smtp_server: SmtpServer
) -> None:
    email = f"pupil1@example.com\r\nBcc: {INJECTED}"

    response = await execute(
        api,
        CREATE_STUDENT,
        {"input": _student_input(1, email=email)},
        headers=admin_headers,
    )
    await asyncio.sleep(QUIET_SECONDS)

    [error] = response.data["createStudent"]["userErrors"]
    assert error["field"] == "email"
    assert error["code"] == "BAD_USER_INPUT"
    assert smtp_server.handler.received == []


async def test_encoded_word_name_sends_one_recipient(
    api: httpx.AsyncClient, admin_headers: dict[str, str], smtp_server: SmtpServer
) -> None:
    response = await execute(
        api,
        CREATE_STUDENT,
        {"input": _student_input(1, fullName="Ann=?UTF-8?Q?=0A?=")},
        headers=admin_headers,
    )
    [mail] = await smtp_server.handler.wait_for(1)
    await asyncio.sleep(QUIET_SECONDS)

    assert response.data["createStudent"]["userErrors"] == []
    assert mail.recipients == ["pupil1@example.com"]
    assert mail.message["To"] == "pupil1@example.com"
    assert mail.message.get_all("Bcc") is None
    assert mail.message.get_all("Cc") is None
    assert len(smtp_server.handler.received) == 1
    assert "Hello Ann=?UTF-8?Q?=0A?=," in mail.body("plain")
