"""Access tokens for the queries that run as a logged-in viewer."""

import json
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from benchmarks.dataset import Account, Dataset

# Whose access token a query sends.
Viewer = Literal["admin", "student"]

# The logIn mutation that Q4 loads, with `$email` and `$password`.
LOG_IN_DOCUMENT_PATH = Path(__file__).resolve().parent / "queries" / "q4.graphql"


@dataclass(frozen=True)
class Tokens:
    """Access tokens of one run; each works on every schoolgql server of it."""

    admin: str = field(repr=False)
    student: str = field(repr=False)

    def token_for(self, viewer: Viewer) -> str:
        return self.admin if viewer == "admin" else self.student


def log_in_viewers(base_url: str, dataset: Dataset) -> Tokens:
    """Log in as the administrator and as the Q2 student on the server at `base_url`."""
    if dataset.admin is None or dataset.q2_student is None:
        raise RuntimeError("create the accounts with dataset.create_accounts first")
    return Tokens(
        admin=log_in(base_url, dataset.admin),
        student=log_in(base_url, dataset.q2_student),
    )


def log_in(base_url: str, account: Account) -> str:
    """Log in with the `logIn` mutation over HTTP and return the access token."""
    request = urllib.request.Request(
        base_url + "/graphql",
        data=json.dumps(log_in_body(account)).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return access_token(json.loads(response.read()), account)


def log_in_body(account: Account) -> dict[str, Any]:
    """Return the JSON body of a `logIn` request for `account`."""
    return {
        "query": LOG_IN_DOCUMENT_PATH.read_text(),
        "variables": {"email": account.email, "password": account.password},
    }


def access_token(payload: dict[str, Any], account: Account) -> str:
    """Return the access token of a `logIn` response, or raise with its errors."""
    log_in_payload = (payload.get("data") or {}).get("logIn") or {}
    token = log_in_payload.get("accessToken")
    if not isinstance(token, str):
        problems = payload.get("errors") or log_in_payload.get("userErrors")
        raise RuntimeError(
            f"logIn as {account.email} failed: {json.dumps(problems)[:2000]}"
        )
    return token
