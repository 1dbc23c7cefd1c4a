"""Every kind of bad token is rejected with UNAUTHENTICATED over real HTTP."""

import httpx
import pytest
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Student, User
from schoolgql.settings import Settings
from tests.accounts.tokens import claims_for, sign, sign_with_settings, unsigned
from tests.auth import bearer, create_student_account, log_in
from tests.graphql_client import GraphQLResponse, execute

ME = "{ me { id } }"
REFRESH = """
mutation Refresh($token: String) {
  refreshToken(refreshToken: $token) { accessToken refreshToken role }
}
"""


async def _me(client: httpx.AsyncClient, token: str) -> GraphQLResponse:
    return await execute(client, ME, headers=bearer(token))


async def _refresh(client: httpx.AsyncClient, token: str) -> GraphQLResponse:
    return await execute(client, REFRESH, {"token": token})


def _unauthenticated_message(response: GraphQLResponse) -> str:
    assert response.data is None, response.body
    [error] = response.errors
    assert error["extensions"]["code"] == "UNAUTHENTICATED", error
    message: str = error["message"]
    return message


@pytest.fixture
async def student(session: AsyncSession) -> Student:
    student = await create_student_account(session)
    await session.commit()
    return student


async def test_me_with_access_token(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await _me(client, tokens.access)

    assert response.errors == []
    assert response.data == {"me": {"id": to_global_id("Student", student.id)}}


async def test_me_without_token_unauthenticated(client: httpx.AsyncClient) -> None:
    response = await execute(client, ME)

    assert "Log in" in _unauthenticated_message(response)


async def test_refresh_token_as_access_rejected(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await _me(client, tokens.refresh)

    message = _unauthenticated_message(response)
    assert "an access token is expected here, but this is a refresh token" in message


async def test_access_token_as_refresh_rejected(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await _refresh(client, tokens.access)

    message = _unauthenticated_message(response)
    assert "a refresh token is expected here, but this is an access token" in message


async def test_refresh_returns_new_pair(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await _refresh(client, tokens.refresh)

    assert response.errors == []
    payload = response.data["refreshToken"]
    assert payload["role"] == "STUDENT"
    assert payload["refreshToken"] != tokens.refresh
    assert payload["accessToken"] != tokens.access
    assert (await _me(client, payload["accessToken"])).errors == []


async def test_refresh_from_authorization_header(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await execute(
        client,
        "mutation { refreshToken { refreshToken viewer { id } } }",
        headers=bearer(tokens.refresh),
    )

    assert response.errors == []
    payload = response.data["refreshToken"]
    assert payload["viewer"] == {"id": to_global_id("Student", student.id)}
    assert payload["refreshToken"] != tokens.refresh


async def test_refresh_without_any_token_unauthenticated(
    client: httpx.AsyncClient,
) -> None:
    response = await execute(client, "mutation { refreshToken { accessToken } }")

    assert "Send the refresh token" in _unauthenticated_message(response)


@pytest.mark.parametrize("token_type", ["access", "refresh"])
async def test_token_without_type_rejected(
    client: httpx.AsyncClient, settings: Settings, student: Student, token_type: str
) -> None:
    claims = claims_for(student.id, token_type=token_type, typ=None)
    token = sign_with_settings(claims, settings)

    me = await _me(client, token)
    refreshed = await _refresh(client, token)

    assert "the claims typ are missing" in _unauthenticated_message(me)
    assert "the claims typ are missing" in _unauthenticated_message(refreshed)


@pytest.mark.parametrize("claim", ["sub", "role", "ver", "jti", "sid", "iat", "exp"])
async def test_token_missing_claim_rejected(
    client: httpx.AsyncClient, settings: Settings, student: Student, claim: str
) -> None:
    claims = claims_for(student.id)
    del claims[claim]
    token = sign_with_settings(claims, settings)

    response = await _me(client, token)

    assert f"the claims {claim} are missing" in _unauthenticated_message(response)


async def test_expired_access_token_rejected(
    client: httpx.AsyncClient, settings: Settings, student: Student
) -> None:
    claims = claims_for(student.id, iat=1_600_000_000, exp=1_600_000_900)

    response = await _me(client, sign_with_settings(claims, settings))

    assert "the token has expired" in _unauthenticated_message(response)


async def test_expired_refresh_token_rejected(
    client: httpx.AsyncClient, settings: Settings, student: Student
) -> None:
    claims = claims_for(
        student.id, token_type="refresh", iat=1_600_000_000, exp=1_600_000_900
    )

    response = await _refresh(client, sign_with_settings(claims, settings))

    assert "the token has expired" in _unauthenticated_message(response)


async def test_bad_signature_rejected(
    client: httpx.AsyncClient, student: Student
) -> None:
    token = sign(claims_for(student.id), key="another-key-of-at-least-32-bytes!!")

    response = await _me(client, token)

    assert "signature or the algorithm" in _unauthenticated_message(response)


async def test_tampered_payload_rejected(
    client: httpx.AsyncClient, settings: Settings, student: Student
) -> None:
    genuine = sign_with_settings(claims_for(student.id), settings)
    forged_payload = unsigned(claims_for(student.id, role="admin")).split(".")[1]
    header, _, signature = genuine.split(".")

    response = await _me(client, f"{header}.{forged_payload}.{signature}")

    assert "signature or the algorithm" in _unauthenticated_message(response)


async def test_alg_none_token_rejected(
    client: httpx.AsyncClient, student: Student
) -> None:
    token = unsigned(claims_for(student.id, role="admin"))

    me = await _me(client, token)
    refreshed = await _refresh(client, unsigned(claims_for(student.id, typ="refresh")))

    assert "signature or the algorithm" in _unauthenticated_message(me)
    assert "signature or the algorithm" in _unauthenticated_message(refreshed)


async def test_other_algorithm_rejected(
    client: httpx.AsyncClient, settings: Settings, student: Student
) -> None:
    token = sign(
        claims_for(student.id),
        key=settings.effective_jwt_signing_key,
        algorithm="HS512",
    )

    response = await _me(client, token)

    assert "signature or the algorithm" in _unauthenticated_message(response)


@pytest.mark.parametrize(
    ("claim", "value"), [("iss", "another-issuer"), ("aud", "another-audience")]
)
async def test_other_issuer_or_audience_rejected(
    client: httpx.AsyncClient,
    settings: Settings,
    student: Student,
    claim: str,
    value: str,
) -> None:
    claims = claims_for(student.id) | {claim: value}
    token = sign_with_settings(claims, settings)

    response = await _me(client, token)

    assert "issued for another service" in _unauthenticated_message(response)


async def test_version_behind_rejected(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    student: Student,
) -> None:
    await session.execute(
        update(User).where(User.id == student.id).values(token_version=3)
    )
    await session.commit()
    stale = sign_with_settings(claims_for(student.id, version=2), settings)

    response = await _me(client, stale)

    assert "the token was revoked" in _unauthenticated_message(response)


async def test_deleted_user_token_rejected(
    client: httpx.AsyncClient, session: AsyncSession, student: Student
) -> None:
    tokens = await log_in(client, student.email)
    await session.execute(delete(User).where(User.id == student.id))
    await session.commit()

    me = await _me(client, tokens.access)
    refreshed = await _refresh(client, tokens.refresh)

    assert "no longer exists or is deactivated" in _unauthenticated_message(me)
    assert _unauthenticated_message(refreshed)


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-token", "Bearer a.b.c"],
)
async def test_malformed_authorization_rejected(
    client: httpx.AsyncClient, header: str
) -> None:
    response = await execute(client, ME, headers={"Authorization": header})

    assert _unauthenticated_message(response)


async def test_sessions_with_refresh_token_rejected(
    client: httpx.AsyncClient, student: Student
) -> None:
    tokens = await log_in(client, student.email)

    response = await execute(
        client, "{ mySessions { id } }", headers=bearer(tokens.refresh)
    )

    assert "an access token is expected" in _unauthenticated_message(response)
