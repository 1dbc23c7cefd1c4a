from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from schoolgql import models
from schoolgql.courses.permissions import CanSeeCourseResults, TeachesCourse
from schoolgql.grading.caching import GRADE_FIGURES_CACHE
from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import UserError
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    connection_from_page,
)
from schoolgql.graphql.selection import selects

if TYPE_CHECKING:
    from schoolgql.enrollments.types import Enrollment
    from schoolgql.grading.types import Assessment, AssessmentStatistics
    from schoolgql.people.types import Teacher
    from schoolgql.terms.types import Term

TermType = Annotated["Term", strawberry.lazy("schoolgql.terms.types")]
TeacherType = Annotated["Teacher", strawberry.lazy("schoolgql.people.types")]
EnrollmentType = Annotated["Enrollment", strawberry.lazy("schoolgql.enrollments.types")]
AssessmentType = Annotated["Assessment", strawberry.lazy("schoolgql.grading.types")]
AssessmentStatisticsType = Annotated[
    "AssessmentStatistics", strawberry.lazy("schoolgql.grading.types")
]


@strawberry.type(description="A course in the catalogue, taught in one term.")
class Course(Node):
    row_id: strawberry.Private[int]
    term_id: strawberry.Private[int]
    teacher_id: strawberry.Private[int | None]
    code: str = strawberry.field(description="Course code, unique, such as MATH-101.")
    title: str = strawberry.field(description="Title.")
    description: str = strawberry.field(description="Description; may be empty.")
    credits: int = strawberry.field(description="Credits a student earns.")
    capacity: int = strawberry.field(
        description="Maximum number of active enrollments."
    )
    archived_at: datetime | None = strawberry.field(
        description="When the course was archived; null while it is active."
    )

    @classmethod
    def from_model(cls, course: models.Course) -> "Course":
        return cls(
            row_id=course.id,
            term_id=course.term_id,
            teacher_id=course.teacher_id,
            code=course.code,
            title=course.title,
            description=course.description,
            credits=course.credits,
            capacity=course.capacity,
            archived_at=course.archived_at,
        )

    @strawberry.field(description="Term the course runs in.")
    async def term(self, info: Info) -> TermType:
        from schoolgql.terms.types import Term

        term = await info.context.loaders.term.load(self.term_id)
        if term is None:
            raise LookupError(f"course {self.row_id} has no term {self.term_id}")
        return Term.from_model(term)

    @strawberry.field(description="Teacher of the course; null while unassigned.")
    async def teacher(self, info: Info) -> TeacherType | None:
        from schoolgql.people.types import Teacher

        if self.teacher_id is None:
            return None
        teacher = await info.context.loaders.teacher.load(self.teacher_id)
        return None if teacher is None else Teacher.from_model(teacher)

    @strawberry.field(
        description="Enrollments in the course, ordered by id.",
        permission_classes=[TeachesCourse],
    )
    async def enrollments(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[EnrollmentType]:
        from schoolgql.enrollments.types import Enrollment

        request = info.context.page_request("Enrollment", first, after, last, before)
        loaders = info.context.loaders
        # When the roster shows students, they are joined to the page rather
        # than loaded by a statement of their own.
        if selects(info, ("edges", "node", "student")):
            roster = await loaders.course_enrollments_with_students.load(
                (self.row_id, request)
            )
            return connection_from_page(
                roster, "Enrollment", Enrollment.from_roster_row
            )
        page = await loaders.course_enrollments.load((self.row_id, request))
        return connection_from_page(page, "Enrollment", Enrollment.from_model)

    @strawberry.field(
        description="Score statistics of each assessment, ordered by assessment "
        "id; students and anonymous viewers get them over posted grades only.",
        extensions=[GRADE_FIGURES_CACHE],
        permission_classes=[CanSeeCourseResults],
    )
    async def grade_statistics(self, info: Info) -> list[AssessmentStatisticsType]:
        return await _grade_statistics(info, self.row_id)

    @strawberry.field(description="Assessments of the course, ordered by id.")
    async def assessments(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AssessmentType]:
        from schoolgql.grading.types import Assessment

        request = info.context.page_request("Assessment", first, after, last, before)
        loader = info.context.loaders.course_assessments
        page = await loader.load((self.row_id, request))
        return connection_from_page(page, "Assessment", Assessment.from_model)


async def _grade_statistics(info: Info, course_id: int) -> "list[AssessmentStatistics]":
    from schoolgql.grading.permissions import sees_draft_grades
    from schoolgql.grading.types import AssessmentStatistics, GradeStatistics

    loaders = info.context.loaders
    if await sees_draft_grades(info, course_id):
        loader = loaders.course_statistics
    else:
        loader = loaders.posted_course_statistics
    return [
        AssessmentStatistics(
            assessment_id=figures.assessment_id,
            statistics=GradeStatistics.from_figures(figures),
        )
        for figures in await loader.load(course_id) or []
    ]


@strawberry.input(description="Conditions a course must meet; all given ones apply.")
class CourseFilter:
    term_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only courses in this term."
    )
    teacher_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only courses taught by this teacher."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Text found in the code or title, ignoring case; 1 to 100 characters.",
    )


@strawberry.input(description="A new course.")
class CreateCourseInput:
    code: str = strawberry.field(
        description="Unique code such as MATH-101; one line, 1 to 32 characters."
    )
    title: str = strawberry.field(description="One line, 1 to 200 characters.")
    description: str = strawberry.field(
        default="", description="At most 5000 characters."
    )
    credits: int = strawberry.field(description="Credits a student earns, 0 or more.")
    capacity: int = strawberry.field(
        description="Maximum number of active enrollments, 0 or more."
    )
    term_id: strawberry.ID = strawberry.field(
        description="Term the course runs in; not an archived one."
    )
    teacher_id: strawberry.ID | None = strawberry.field(
        default=None, description="Teacher of the course; null leaves it unassigned."
    )


@strawberry.input(
    description="Changes to a course; null or absent fields stay as they are. "
    "`assignTeacher` and `setCourseCapacity` change the teacher and capacity."
)
class UpdateCourseInput:
    code: str | None = strawberry.field(
        default=None, description="Unique code; one line, 1 to 32 characters."
    )
    title: str | None = strawberry.field(
        default=None, description="One line, 1 to 200 characters."
    )
    description: str | None = strawberry.field(
        default=None, description="At most 5000 characters."
    )
    credits: int | None = strawberry.field(
        default=None, description="Credits a student earns, 0 or more."
    )
    term_id: strawberry.ID | None = strawberry.field(
        default=None, description="Term the course runs in; not an archived one."
    )


@strawberry.type(description="Result of a mutation that creates or changes a course.")
class CoursePayload:
    course: Course | None = strawberry.field(
        default=None, description="The course created or changed; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "CoursePayload":
        return cls(user_errors=user_errors)


@strawberry.type(description="Result of `deleteCourse`.")
class DeleteCoursePayload:
    deleted_course_id: strawberry.ID | None = strawberry.field(
        default=None, description="ID of the deleted course; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "DeleteCoursePayload":
        return cls(user_errors=user_errors)
