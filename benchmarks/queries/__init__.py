"""The benchmark queries. wrk's Lua scripts read the same .graphql files."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.auth import Tokens, Viewer
from benchmarks.dataset import Account, Dataset

QUERIES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    # Whether the document takes the Q2 student's ID as `$id`.
    takes_student_id: bool = False
    # Whose access token the request sends as `Authorization: Bearer`;
    # None sends no Authorization header.
    viewer: Viewer | None = None
    # Whether the document is the logIn mutation, which takes the Q2
    # student's `$email` and `$password`. It has its own phase on the
    # `schoolgql` system only, because the floor has no login.
    logs_in: bool = False

    @property
    def document(self) -> str:
        return (QUERIES_DIR / f"{self.name}.graphql").read_text()

    def variables(self, dataset: Dataset) -> dict[str, Any] | None:
        if self.logs_in:
            account = _q2_student(dataset)
            return {"email": account.email, "password": account.password}
        return {"id": dataset.q2_student_id} if self.takes_student_id else None

    def headers(self, tokens: Tokens | None) -> dict[str, str]:
        """Return the HTTP headers besides the content type.

        `tokens` is None when only the floor runs, which ignores headers.
        """
        if self.viewer is None or tokens is None:
            return {}
        return {"Authorization": f"Bearer {tokens.token_for(self.viewer)}"}

    def script_arguments(self, dataset: Dataset, tokens: Tokens | None) -> list[str]:
        """Arguments after `--` for the query's Lua script.

        The student ID comes first where the document takes it, then the
        access token where the query sends one. The logIn mutation takes the
        email and the password.
        """
        if self.logs_in:
            account = _q2_student(dataset)
            return [account.email, account.password]
        arguments = [dataset.q2_student_id] if self.takes_student_id else []
        if self.viewer is not None and tokens is not None:
            arguments.append(tokens.token_for(self.viewer))
        return arguments

    def request_body(self, dataset: Dataset) -> dict[str, Any]:
        body: dict[str, Any] = {"query": self.document}
        variables = self.variables(dataset)
        if variables is not None:
            body["variables"] = variables
        return body


QUERIES = {
    query.name: query
    for query in (
        Query(
            "q1",
            "Q1 roster as an administrator: 20 courses, teacher, 50 enrollments "
            "with students",
            viewer="admin",
        ),
        Query(
            "q2",
            "Q2 gradebook as its student: one student, 5 enrollments with "
            "courses, 25 grades",
            takes_student_id=True,
            viewer="student",
        ),
        Query("q3", "Q3 one course by code with its teacher's name, anonymous"),
        Query("q4", "Q4 logIn: Q3's latency while logins run", logs_in=True),
    )
}


def _q2_student(dataset: Dataset) -> Account:
    if dataset.q2_student is None:
        raise RuntimeError("create the accounts with dataset.create_accounts first")
    return dataset.q2_student
