from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from schoolgql import models
from schoolgql.grading.caching import GRADE_FIGURES_CACHE
from schoolgql.grading.permissions import (
    CanSeeAssessmentResults,
    CanSeeDraftGrade,
    CanSeeGrade,
    TeachesAssessment,
    sees_draft_grades,
)
from schoolgql.grading.statistics import ScoreStatistics
from schoolgql.graphql.cache import cacheable
from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import UserError
from schoolgql.graphql.permissions import IsAdmin
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    connection_from_page,
)

if TYPE_CHECKING:
    from schoolgql.accounts.types import User
    from schoolgql.courses.types import Course
    from schoolgql.enrollments.types import Enrollment
    from schoolgql.people.types import Student

CourseType = Annotated["Course", strawberry.lazy("schoolgql.courses.types")]
StudentType = Annotated["Student", strawberry.lazy("schoolgql.people.types")]
EnrollmentType = Annotated["Enrollment", strawberry.lazy("schoolgql.enrollments.types")]
UserType = Annotated["User", strawberry.lazy("schoolgql.accounts.types")]


@strawberry.type(
    description="Figures over an assessment's scores; students and anonymous "
    "viewers get them over posted grades only."
)
class GradeStatistics:
    count: int = strawberry.field(description="Number of grades.")
    mean: float | None = strawberry.field(
        description="Mean score; null without grades."
    )
    median: float | None = strawberry.field(
        description="Median score, the mean of the two middle scores for an even "
        "count, rounded to 2 decimal places; null without grades."
    )
    lowest: float | None = strawberry.field(
        description="Lowest score; null without grades."
    )
    highest: float | None = strawberry.field(
        description="Highest score; null without grades."
    )

    @classmethod
    def from_figures(cls, figures: ScoreStatistics | None) -> "GradeStatistics":
        if figures is None:
            return cls(count=0, mean=None, median=None, lowest=None, highest=None)
        return cls(
            count=figures.count,
            mean=figures.mean,
            median=figures.median,
            lowest=figures.lowest,
            highest=figures.highest,
        )


@strawberry.type(description="A graded piece of work in a course.")
class Assessment(Node):
    row_id: strawberry.Private[int]
    course_id: strawberry.Private[int]
    title: str = strawberry.field(description="Title.")
    max_score: float = strawberry.field(description="Highest possible score.")
    weight: float = strawberry.field(
        description="Weight of this assessment in the course average."
    )
    due_date: date | None = strawberry.field(description="Due date, if any.")
    grades_posted_at: datetime | None = strawberry.field(
        description="When the grades were posted; null while they are drafts, "
        "which only teachers and administrators see."
    )

    @classmethod
    def from_model(cls, assessment: models.Assessment) -> "Assessment":
        return cls(
            row_id=assessment.id,
            course_id=assessment.course_id,
            title=assessment.title,
            max_score=float(assessment.max_score),
            weight=float(assessment.weight),
            due_date=assessment.due_date,
            grades_posted_at=assessment.grades_posted_at,
        )

    @strawberry.field(description="Course the assessment belongs to.")
    async def course(self, info: Info) -> CourseType:
        from schoolgql.courses.types import Course

        course = await info.context.loaders.course.load(self.course_id)
        if course is None:
            raise LookupError(f"assessment {self.row_id} has no course")
        return Course.from_model(course)

    @strawberry.field(
        description="Statistics of the scores, computed by the database.",
        extensions=[GRADE_FIGURES_CACHE],
        permission_classes=[CanSeeAssessmentResults],
    )
    async def statistics(self, info: Info) -> GradeStatistics:
        loaders = info.context.loaders
        if await sees_draft_grades(info, self.course_id):
            loader = loaders.assessment_statistics
        else:
            loader = loaders.posted_assessment_statistics
        return GradeStatistics.from_figures(await loader.load(self.row_id))

    @strawberry.field(
        description="Grades given for this assessment, ordered by id.",
        permission_classes=[TeachesAssessment],
    )
    async def grades(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["Grade"]:
        request = info.context.page_request("Grade", first, after, last, before)
        loaders = info.context.loaders
        if await sees_draft_grades(info, self.course_id):
            loader = loaders.assessment_grades
        else:
            loader = loaders.posted_assessment_grades
        page = await loader.load((self.row_id, request))
        return connection_from_page(page, "Grade", Grade.from_model)


@strawberry.type(description="A student's score on an assessment.")
class Grade(Node):
    row_id: strawberry.Private[int]
    assessment_id: strawberry.Private[int]
    enrollment_id: strawberry.Private[int]
    student_id: strawberry.Private[int]
    course_id: strawberry.Private[int]
    graded_by_id: strawberry.Private[int | None]
    score: float = strawberry.field(
        description="Score, from 0 to the assessment's maxScore; a draft score "
        "only teachers and administrators see until the assessment is posted.",
        permission_classes=[CanSeeDraftGrade, CanSeeGrade],
    )
    graded_at: datetime = strawberry.field(
        description="When the score was recorded.", permission_classes=[CanSeeGrade]
    )

    @classmethod
    def from_model(cls, grade: models.Grade) -> "Grade":
        return cls(
            row_id=grade.id,
            assessment_id=grade.assessment_id,
            enrollment_id=grade.enrollment_id,
            student_id=grade.student_id,
            course_id=grade.course_id,
            score=float(grade.score),
            graded_at=grade.graded_at,
            graded_by_id=grade.graded_by_id,
        )

    @strawberry.field(
        description="Who recorded the current score; null if that account is gone.",
        permission_classes=[CanSeeGrade],
    )
    async def graded_by(self, info: Info) -> UserType | None:
        from schoolgql.accounts.types import user_from_model

        if self.graded_by_id is None:
            return None
        user = await info.context.loaders.user.load(self.graded_by_id)
        return None if user is None else user_from_model(user)

    @strawberry.field(
        description="Earlier scores of this grade, oldest first (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def history(self, info: Info) -> list["GradeChange"]:
        changes = await info.context.loaders.grade_changes.load(self.row_id)
        return [GradeChange.from_model(change) for change in changes or []]

    @strawberry.field(
        description="The assessment graded.", permission_classes=[CanSeeGrade]
    )
    async def assessment(self, info: Info) -> Assessment:
        assessment = await info.context.loaders.assessment.load(self.assessment_id)
        if assessment is None:
            raise LookupError(f"grade {self.row_id} has no assessment")
        return Assessment.from_model(assessment)

    @strawberry.field(
        description="The graded student.", permission_classes=[CanSeeGrade]
    )
    async def student(self, info: Info) -> StudentType:
        from schoolgql.people.types import Student

        student = await info.context.loaders.student.load(self.student_id)
        if student is None:
            raise LookupError(f"grade {self.row_id} has no student")
        return Student.from_model(student)

    @strawberry.field(
        description="The enrollment the grade belongs to.",
        permission_classes=[CanSeeGrade],
    )
    async def enrollment(self, info: Info) -> EnrollmentType:
        from schoolgql.enrollments.types import Enrollment

        enrollment = await info.context.loaders.enrollment.load(self.enrollment_id)
        if enrollment is None:
            raise LookupError(f"grade {self.row_id} has no enrollment")
        return Enrollment.from_model(enrollment)


@strawberry.type(description="A replaced score of a grade.")
class GradeChange:
    previous_score: float = strawberry.field(description="The score replaced.")
    new_score: float = strawberry.field(description="The score that replaced it.")
    previous_graded_at: datetime = strawberry.field(
        description="When the replaced score had been recorded."
    )
    changed_at: datetime = strawberry.field(description="When the score changed.")
    previous_graded_by_id: strawberry.Private[int | None]
    changed_by_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, change: models.GradeChange) -> "GradeChange":
        return cls(
            previous_score=float(change.previous_score),
            new_score=float(change.new_score),
            previous_graded_at=change.previous_graded_at,
            changed_at=change.changed_at,
            previous_graded_by_id=change.previous_graded_by_id,
            changed_by_id=change.changed_by_id,
        )

    @strawberry.field(description="Who had recorded the replaced score.")
    async def previous_graded_by(self, info: Info) -> UserType | None:
        return await _user(info, self.previous_graded_by_id)

    @strawberry.field(description="Who changed the score.")
    async def changed_by(self, info: Info) -> UserType | None:
        return await _user(info, self.changed_by_id)


async def _user(info: Info, user_id: int | None) -> "User | None":
    from schoolgql.accounts.types import user_from_model

    if user_id is None:
        return None
    user = await info.context.loaders.user.load(user_id)
    return None if user is None else user_from_model(user)


@strawberry.input(description="A new assessment of a course.")
class CreateAssessmentInput:
    course_id: strawberry.ID = strawberry.field(description="Course assessed.")
    title: str = strawberry.field(description="One line, 1 to 200 characters.")
    max_score: float = strawberry.field(
        description="Highest possible score, above 0, at most 2 decimal places."
    )
    weight: float = strawberry.field(
        description="Weight in the course average, 0 or more, at most 2 decimal places."
    )
    due_date: date | None = strawberry.field(default=None, description="Due date.")


@strawberry.input(
    description="Changes to an assessment; null or absent fields stay as they are."
)
class UpdateAssessmentInput:
    title: str | None = strawberry.field(
        default=None, description="One line, 1 to 200 characters."
    )
    max_score: float | None = strawberry.field(
        default=None,
        description="Highest possible score; not below a score already given.",
    )
    weight: float | None = strawberry.field(
        default=None, description="Weight in the course average, 0 or more."
    )
    due_date: date | None = strawberry.field(default=None, description="Due date.")


@strawberry.input(description="One student's score in `recordGrades`.")
class GradeEntryInput:
    student_id: strawberry.ID = strawberry.field(
        description="Student graded; must be actively enrolled in the course."
    )
    score: float = strawberry.field(
        description="Score, 0 to the assessment's maxScore, at most 2 decimal places."
    )


@strawberry.type(
    description="Result of a mutation that creates or changes an assessment."
)
class AssessmentPayload:
    assessment: Assessment | None = strawberry.field(
        default=None, description="The assessment; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "AssessmentPayload":
        return cls(user_errors=user_errors)


@strawberry.type(description="Result of `deleteAssessment`.")
class DeleteAssessmentPayload:
    deleted_assessment_id: strawberry.ID | None = strawberry.field(
        default=None, description="ID of the deleted assessment; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "DeleteAssessmentPayload":
        return cls(user_errors=user_errors)


@strawberry.type(description="Result of `recordGrade`.")
class GradePayload:
    grade: Grade | None = strawberry.field(
        default=None, description="The grade recorded; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "GradePayload":
        return cls(user_errors=user_errors)


@strawberry.type(
    description="Result of `recordGrades`: every grade, or one user error per "
    "rejected row and no grade at all."
)
class GradesPayload:
    grades: list[Grade] | None = strawberry.field(
        default=None, description="The grades, in the order sent; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="One error per rejected row, with `field` such as "
        "`grades[2].score`; empty on success.",
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "GradesPayload":
        return cls(user_errors=user_errors)


@strawberry.type(description="Statistics of one assessment of a course.")
class AssessmentStatistics:
    assessment_id: strawberry.Private[int]
    statistics: GradeStatistics = strawberry.field(
        description="Figures over the assessment's scores."
    )

    @strawberry.field(description="The assessment.")
    async def assessment(self, info: Info) -> Assessment:
        assessment = await info.context.loaders.assessment.load(self.assessment_id)
        if assessment is None:
            raise LookupError(f"no assessment {self.assessment_id}")
        return Assessment.from_model(assessment)


cacheable(GradeStatistics, AssessmentStatistics)
