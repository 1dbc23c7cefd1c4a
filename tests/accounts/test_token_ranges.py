"""Token numbers beyond the database's integer range are rejected cleanly."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import Student
from schoolgql.settings import Settings
from tests.accounts.test_tokens import _me, _unauthenticated_message
from tests.accounts.tokens import claims_for, sign_with_settings
from tests.auth import create_student_account


@pytest.fixture
async def student(session: AsyncSession) -> Student:
    student = await create_student_account(session)
    await session.commit()
    return student


@pytest.mark.parametrize(
    ("claim", "value"), [("sub", str(2**70)), ("ver", 2**63), ("sid", -1)]
)
async def test_token_number_out_of_range_rejected(
    client: httpx.AsyncClient,
    settings: Settings,
    student: Student,
    claim: str,
    value: object,
) -> None:
    claims = claims_for(student.id)
    claims[claim] = value
    token = sign_with_settings(claims, settings)

    response = await _me(client, token)

    assert response.status == 200
    assert "the subject, version or session ID is out of range" in (
        _unauthenticated_message(response)
    )
