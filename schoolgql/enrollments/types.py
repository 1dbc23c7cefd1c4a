import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from schoolgql import models
from schoolgql.enrollments.permissions import CanSeeEnrollment
from schoolgql.graphql.context import Info
from schoolgql.graphql.markers import resolved_from
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

if TYPE_CHECKING:
    from schoolgql.attendance.types import AttendanceSummary
    from schoolgql.courses.types import Course
    from schoolgql.enrollments.repository import RosterRow
    from schoolgql.grading.types import Grade
    from schoolgql.people.types import Student

StudentType = Annotated["Student", strawberry.lazy("schoolgql.people.types")]
CourseType = Annotated["Course", strawberry.lazy("schoolgql.courses.types")]
GradeType = Annotated["Grade", strawberry.lazy("schoolgql.grading.types")]
AttendanceSummaryType = Annotated[
    "AttendanceSummary", strawberry.lazy("schoolgql.attendance.types")
]


@strawberry.enum(description="Where an enrollment stands.")
class EnrollmentStatus(enum.Enum):
    ACTIVE = "active"
    DROPPED = "dropped"
    COMPLETED = "completed"


# The API's status of each stored status, looked up once per enrollment.
_STATUSES = {
    status: EnrollmentStatus(status.value) for status in models.EnrollmentStatus
}


@strawberry.type(description="A student's place in a course.")
class Enrollment(Node):
    row_id: strawberry.Private[int]
    student_id: strawberry.Private[int]
    course_id: strawberry.Private[int]
    # The student, when the query that loaded the enrollment joined it.
    loaded_student: strawberry.Private["Student | None"] = None
    status: EnrollmentStatus = strawberry.field(
        description="Current status.", permission_classes=[CanSeeEnrollment]
    )
    enrolled_at: datetime = strawberry.field(
        description="When the student enrolled.", permission_classes=[CanSeeEnrollment]
    )

    @classmethod
    def from_model(cls, enrollment: "models.Enrollment | RosterRow") -> "Enrollment":
        return cls(
            row_id=enrollment.id,
            student_id=enrollment.student_id,
            course_id=enrollment.course_id,
            status=_STATUSES[enrollment.status],
            enrolled_at=enrollment.enrolled_at,
        )

    @classmethod
    def from_roster_row(cls, row: "RosterRow") -> "Enrollment":
        """Convert a row of `repository.pages_by_course_with_students`."""
        from schoolgql.people.types import Student

        converted = cls.from_model(row)
        converted.loaded_student = Student.from_columns(
            row.student_id,
            full_name=row.student_full_name,
            email=row.student_email,
            student_number=row.student_number,
            grade_level=row.student_grade_level,
        )
        return converted

    @strawberry.field(
        description="The enrolled student.", permission_classes=[CanSeeEnrollment]
    )
    @resolved_from("loaded_student")
    async def student(self, info: Info) -> StudentType:
        from schoolgql.people.types import Student

        if self.loaded_student is not None:
            return self.loaded_student
        student = await info.context.loaders.student.load(self.student_id)
        if student is None:
            raise LookupError(f"enrollment {self.row_id} has no student")
        return Student.from_model(student)

    @strawberry.field(
        description="The course enrolled in.", permission_classes=[CanSeeEnrollment]
    )
    async def course(self, info: Info) -> CourseType:
        from schoolgql.courses.types import Course

        course = await info.context.loaders.course.load(self.course_id)
        if course is None:
            raise LookupError(f"enrollment {self.row_id} has no course")
        return Course.from_model(course)

    @strawberry.field(
        description="Weighted average of the student's grades in the course, as a "
        "percentage: SUM(score / maxScore * weight) / SUM(weight) * 100 over the "
        "graded assessments, rounded to 2 decimal places. Null without grades or "
        "when their weights sum to 0; "
        "students and anonymous viewers get it over posted grades only.",
        permission_classes=[CanSeeEnrollment],
    )
    async def weighted_average(self, info: Info) -> float | None:
        from schoolgql.grading.permissions import sees_draft_grades

        loaders = info.context.loaders
        if await sees_draft_grades(info, self.course_id):
            loader = loaders.weighted_average
        else:
            loader = loaders.posted_weighted_average
        return await loader.load(self.row_id)

    @strawberry.field(
        description="Attendance of the student in this course, counted per status."
    )
    async def attendance_summary(self, info: Info) -> AttendanceSummaryType:
        from schoolgql.attendance.types import AttendanceSummary

        counts = await info.context.loaders.enrollment_attendance.load(self.row_id)
        return AttendanceSummary.from_counts(counts)

    @strawberry.field(
        description="Grades of this enrollment's student in this course, by id.",
        permission_classes=[CanSeeEnrollment],
    )
    async def grades(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[GradeType]:
        from schoolgql.grading.permissions import sees_draft_grades
        from schoolgql.grading.types import Grade

        request = info.context.page_request("Grade", first, after, last, before)
        loaders = info.context.loaders
        if await sees_draft_grades(info, self.course_id):
            loader = loaders.enrollment_grades
        else:
            loader = loaders.posted_enrollment_grades
        page = await loader.load((self.row_id, request))
        return connection_from_page(page, "Grade", Grade.from_model)


@strawberry.type(description="Result of `enroll` and `dropEnrollment`.")
class EnrollmentPayload:
    enrollment: Enrollment | None = strawberry.field(
        default=None, description="The enrollment created or changed; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "EnrollmentPayload":
        return cls(user_errors=user_errors)
