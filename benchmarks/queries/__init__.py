"""The benchmark queries. wrk's Lua scripts read the same .graphql files."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.dataset import Dataset

QUERIES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    # Whether the document takes the Q2 student's ID as `$id`.
    takes_student_id: bool = False

    @property
    def document(self) -> str:
        return (QUERIES_DIR / f"{self.name}.graphql").read_text()

    def variables(self, dataset: Dataset) -> dict[str, Any] | None:
        return {"id": dataset.q2_student_id} if self.takes_student_id else None

    def script_arguments(self, dataset: Dataset) -> list[str]:
        """Arguments after `--` for the query's Lua script."""
        return [dataset.q2_student_id] if self.takes_student_id else []

    def request_body(self, dataset: Dataset) -> dict[str, Any]:
        body: dict[str, Any] = {"query": self.document}
        variables = self.variables(dataset)
        if variables is not None:
            body["variables"] = variables
        return body


QUERIES = {
    query.name: query
    for query in (
        Query("q1", "Q1 roster: 20 courses, teacher, 50 enrollments with students"),
        Query(
            "q2",
            "Q2 gradebook: one student, 5 enrollments with courses, 25 grades",
            takes_student_id=True,
        ),
        Query("q3", "Q3 one course by code with its teacher's name"),
    )
}
