"""Permission classes for grades and the grade lists of assessments."""

from typing import Any

from strawberry.permission import BasePermission

from schoolgql.accounts.viewer import Viewer
from schoolgql.courses.permissions import studies_or_teaches, teaches_course
from schoolgql.graphql.context import Info
from schoolgql.graphql.permissions import ViewerRule
from schoolgql.kit.errors import PermissionDenied


class CanSeeGrade(ViewerRule):
    """Admit the graded student, the course's teacher and administrators."""

    message = (
        "Only the graded student, the course's teacher and administrators "
        "may see this grade."
    )

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        if viewer.is_student:
            return self.allows_now(viewer, source)
        return await teaches_course(info, viewer, source.course_id)

    def allows_now(self, viewer: Viewer, source: Any) -> bool:
        # Deciding for a teacher needs the course's row, so only students pass here.
        return viewer.is_student and bool(source.student_id == viewer.user_id)


class TeachesAssessment(ViewerRule):
    """Admit the teacher of the assessment's course and administrators."""

    message = (
        "Only the course's teacher and administrators may list the grades "
        "of an assessment."
    )

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return await teaches_course(info, viewer, source.course_id)


class CanSeeAssessmentResults(ViewerRule):
    """Admit the course's teacher, its students and administrators."""

    message = (
        "Only the course's teacher, its students and administrators may see "
        "the results of its assessments."
    )

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return await studies_or_teaches(info, viewer, source.course_id)


class CanGrade(ViewerRule):
    """Admit administrators and teachers; the service checks the course's teacher."""

    message = "Only teachers and administrators may change assessments and grades."

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return viewer.is_teacher


class CanSeeDraftGrade(BasePermission):
    """Admit anyone to a posted grade, and only staff to a draft grade.

    Lists of grades already leave drafts out for students and anonymous
    viewers; this rule covers a draft grade fetched by its ID.
    """

    message = (
        "This grade is a draft; only the course's teacher and administrators see it."
    )

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        loader = info.context.loaders.assessment
        assessment = await loader.load(source.assessment_id)
        if assessment is None:
            return False
        if assessment.grades_posted_at is not None:
            return True
        return await sees_draft_grades(info, assessment.course_id)

    def on_unauthorized(self) -> None:
        raise PermissionDenied(self.message)


async def sees_draft_grades(info: Info, course_id: int | None) -> bool:
    """Return whether the viewer sees a course's draft grades and their figures.

    Administrators do, and so does the course's teacher. Without a course
    (figures across courses), only administrators do.
    """
    viewer = await info.context.viewer()
    if viewer is None:
        return False
    if viewer.is_admin:
        return True
    if not viewer.is_teacher or course_id is None:
        return False
    course = await info.context.loaders.course.load(course_id)
    return course is not None and course.teacher_id == viewer.user_id
