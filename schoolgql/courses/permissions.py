"""Permission classes for course rosters and course results."""

from typing import Any

from schoolgql.accounts.viewer import Viewer
from schoolgql.graphql.context import Info
from schoolgql.graphql.permissions import ViewerRule


async def teaches_course(info: Info, viewer: Viewer, course_id: int) -> bool:
    """Return whether the viewer is the teacher of the course."""
    if not viewer.is_teacher:
        return False
    course = await info.context.loaders.course.load(course_id)
    return course is not None and course.teacher_id == viewer.user_id


async def studies_or_teaches(info: Info, viewer: Viewer, course_id: int) -> bool:
    """Return whether the viewer teaches the course or is enrolled in it."""
    if viewer.is_student:
        key = (viewer.user_id, course_id)
        return await info.context.loaders.takes_course.load(key)
    return await teaches_course(info, viewer, course_id)


class TeachesCourse(ViewerRule):
    """Admit the course's teacher and administrators."""

    message = "Only the course's teacher and administrators may see its roster."

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return self.allows_now(viewer, source)

    def allows_now(self, viewer: Viewer, source: Any) -> bool:
        return viewer.is_teacher and bool(source.teacher_id == viewer.user_id)


class CanSeeCourseResults(ViewerRule):
    """Admit the course's teacher, its students and administrators."""

    message = (
        "Only the course's teacher, its students and administrators may see "
        "its results."
    )

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return await studies_or_teaches(info, viewer, source.row_id)
