"""Permission classes for students' records."""

from typing import Any

from schoolgql.accounts.viewer import Viewer
from schoolgql.graphql.context import Info
from schoolgql.graphql.permissions import ViewerRule


class CanSeeStudent(ViewerRule):
    """Admit the student, administrators and the student's teachers.

    A teacher qualifies through any course of theirs the student is
    enrolled in.
    """

    message = (
        "Only this student, the student's teachers and administrators may see this."
    )

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        if viewer.is_student:
            return self.allows_now(viewer, source)
        if viewer.is_teacher:
            key = (viewer.user_id, source.row_id)
            return await info.context.loaders.teaches_student.load(key)
        return False

    def allows_now(self, viewer: Viewer, source: Any) -> bool:
        # Deciding for a teacher needs a query, so only the student passes here.
        return viewer.is_student and bool(viewer.user_id == source.row_id)


class IsThisStudent(ViewerRule):
    """Admit the student and administrators; teachers use their courses instead."""

    message = (
        "Only this student and administrators may list the student's "
        "enrollments and grades; teachers see them through their courses."
    )

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return self.allows_now(viewer, source)

    def allows_now(self, viewer: Viewer, source: Any) -> bool:
        return viewer.is_student and bool(viewer.user_id == source.row_id)
