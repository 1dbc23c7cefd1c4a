"""Enrollment tests run with self-enrollment on unless a test starts its own server."""

import pytest

from schoolgql.settings import Settings
from tests.conftest import make_settings


@pytest.fixture
def settings(postgres_url: str) -> Settings:
    return make_settings(postgres_url, self_enrollment_enabled=True)
