from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from schoolgql import models
from schoolgql.graphql.context import Info
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    connection_from_page,
    to_global_id,
)

if TYPE_CHECKING:
    from schoolgql.courses.types import Course
    from schoolgql.enrollments.types import Enrollment
    from schoolgql.people.types import Student

CourseType = Annotated["Course", strawberry.lazy("schoolgql.courses.types")]
StudentType = Annotated["Student", strawberry.lazy("schoolgql.people.types")]
EnrollmentType = Annotated["Enrollment", strawberry.lazy("schoolgql.enrollments.types")]


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

    @classmethod
    def from_model(cls, assessment: models.Assessment) -> "Assessment":
        return cls(
            id=strawberry.ID(to_global_id("Assessment", assessment.id)),
            row_id=assessment.id,
            course_id=assessment.course_id,
            title=assessment.title,
            max_score=float(assessment.max_score),
            weight=float(assessment.weight),
            due_date=assessment.due_date,
        )

    @strawberry.field(description="Course the assessment belongs to.")
    async def course(self, info: Info) -> CourseType:
        from schoolgql.courses.types import Course

        course = await info.context.loaders.course.load(self.course_id)
        if course is None:
            raise LookupError(f"assessment {self.row_id} has no course")
        return Course.from_model(course)

    @strawberry.field(description="Grades given for this assessment, ordered by id.")
    async def grades(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["Grade"]:
        request = info.context.page_request("Grade", first, after, last, before)
        loader = info.context.loaders.assessment_grades
        page = await loader.load((self.row_id, request))
        return connection_from_page(page, "Grade", Grade.from_model)


@strawberry.type(description="A student's score on an assessment.")
class Grade(Node):
    row_id: strawberry.Private[int]
    assessment_id: strawberry.Private[int]
    enrollment_id: strawberry.Private[int]
    student_id: strawberry.Private[int]
    score: float = strawberry.field(
        description="Score, from 0 to the assessment's maxScore."
    )
    graded_at: datetime = strawberry.field(description="When the score was recorded.")

    @classmethod
    def from_model(cls, grade: models.Grade) -> "Grade":
        return cls(
            id=strawberry.ID(to_global_id("Grade", grade.id)),
            row_id=grade.id,
            assessment_id=grade.assessment_id,
            enrollment_id=grade.enrollment_id,
            student_id=grade.student_id,
            score=float(grade.score),
            graded_at=grade.graded_at,
        )

    @strawberry.field(description="The assessment graded.")
    async def assessment(self, info: Info) -> Assessment:
        assessment = await info.context.loaders.assessment.load(self.assessment_id)
        if assessment is None:
            raise LookupError(f"grade {self.row_id} has no assessment")
        return Assessment.from_model(assessment)

    @strawberry.field(description="The graded student.")
    async def student(self, info: Info) -> StudentType:
        from schoolgql.people.types import Student

        student = await info.context.loaders.student.load(self.student_id)
        if student is None:
            raise LookupError(f"grade {self.row_id} has no student")
        return Student.from_model(student)

    @strawberry.field(description="The enrollment the grade belongs to.")
    async def enrollment(self, info: Info) -> EnrollmentType:
        from schoolgql.enrollments.types import Enrollment

        enrollment = await info.context.loaders.enrollment.load(self.enrollment_id)
        if enrollment is None:
            raise LookupError(f"grade {self.row_id} has no enrollment")
        return Enrollment.from_model(enrollment)
