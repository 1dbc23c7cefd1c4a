"""Permission rules of enrolling students and dropping enrollments."""

from typing import Any

from schoolgql.accounts.viewer import Viewer
from schoolgql.courses.permissions import teaches_course
from schoolgql.graphql.context import Info
from schoolgql.graphql.permissions import ViewerRule


class CanEnroll(ViewerRule):
    """Admit administrators, and students, who may act only for themselves."""

    message = "Only administrators and students may enroll and drop."

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return viewer.is_student


class CanSeeEnrollment(ViewerRule):
    """Admit the enrolled student, the course's teacher and administrators."""

    message = (
        "Only the enrolled student, the course's teacher and administrators "
        "may see this enrollment."
    )

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        if viewer.is_student:
            return self.allows_now(viewer, source)
        return await teaches_course(info, viewer, source.course_id)

    def allows_now(self, viewer: Viewer, source: Any) -> bool:
        # Deciding for a teacher needs the course's row, so only students pass here.
        return viewer.is_student and bool(source.student_id == viewer.user_id)
