"""Permission classes for taking attendance."""

from typing import Any

from schoolgql.accounts.viewer import Viewer
from schoolgql.graphql.context import Info
from schoolgql.graphql.permissions import ViewerRule


class CanTakeAttendance(ViewerRule):
    """Admit administrators and teachers; the service checks the course's teacher."""

    message = "Only teachers and administrators may take attendance."

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return viewer.is_teacher
