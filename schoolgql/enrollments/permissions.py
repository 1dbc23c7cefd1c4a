"""Permission rules of enrolling students and dropping enrollments."""

from typing import Any

from schoolgql.accounts.viewer import Viewer
from schoolgql.graphql.context import Info
from schoolgql.graphql.permissions import ViewerRule


class CanEnroll(ViewerRule):
    """Admit administrators, and students, who may act only for themselves."""

    message = "Only administrators and students may enroll and drop."

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return viewer.is_student

