"""Permission classes for grades and the grade lists of assessments."""

from typing import Any

from schoolgql.accounts.viewer import Viewer
from schoolgql.courses.permissions import teaches_course
from schoolgql.graphql.context import Info
from schoolgql.graphql.permissions import ViewerRule


class CanSeeGrade(ViewerRule):
    """Admit the graded student, the course's teacher and administrators."""

    message = (
        "Only the graded student, the course's teacher and administrators "
        "may see this grade."
    )

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        if viewer.is_student:
            return bool(source.student_id == viewer.user_id)
        return await teaches_course(info, viewer, source.course_id)


class TeachesAssessment(ViewerRule):
    """Admit the teacher of the assessment's course and administrators."""

    message = (
        "Only the course's teacher and administrators may list the grades "
        "of an assessment."
    )

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return await teaches_course(info, viewer, source.course_id)
