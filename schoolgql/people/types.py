from typing import TYPE_CHECKING, Annotated

import strawberry

from schoolgql import models
from schoolgql.accounts.types import RoleType, User
from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import UserError
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection_from_page,
)
from schoolgql.people.permissions import CanSeeStudent, IsThisStudent

if TYPE_CHECKING:
    from schoolgql.attendance.types import AttendanceSummary
    from schoolgql.courses.types import Course
    from schoolgql.enrollments.types import Enrollment
    from schoolgql.grading.types import Grade

CourseType = Annotated["Course", strawberry.lazy("schoolgql.courses.types")]
EnrollmentType = Annotated["Enrollment", strawberry.lazy("schoolgql.enrollments.types")]
GradeType = Annotated["Grade", strawberry.lazy("schoolgql.grading.types")]
AttendanceSummaryType = Annotated[
    "AttendanceSummary", strawberry.lazy("schoolgql.attendance.types")
]


@strawberry.type(description="A student of the school.")
class Student(User):
    full_name: str = strawberry.field(
        description="Full name.", permission_classes=[CanSeeStudent]
    )
    student_number: str = strawberry.field(
        description="School-issued number, unique across students.",
        permission_classes=[CanSeeStudent],
    )
    grade_level: int = strawberry.field(
        description="Grade level, 1 to 13.", permission_classes=[CanSeeStudent]
    )

    @classmethod
    def from_model(cls, student: models.Student) -> "Student":
        return cls.from_columns(
            student.id,
            full_name=student.full_name,
            email=student.email,
            student_number=student.student_number,
            grade_level=student.grade_level,
        )

    @classmethod
    def from_columns(
        cls,
        row_id: int,
        *,
        full_name: str,
        email: str,
        student_number: str,
        grade_level: int,
    ) -> "Student":
        return cls(
            row_id=row_id,
            full_name=full_name,
            email=email,
            role=RoleType.STUDENT,
            student_number=student_number,
            grade_level=grade_level,
        )

    @strawberry.field(
        description="The student's enrollments, ordered by id.",
        permission_classes=[IsThisStudent],
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
        loader = info.context.loaders.student_enrollments
        page = await loader.load((self.row_id, request))
        return connection_from_page(page, "Enrollment", Enrollment.from_model)

    @strawberry.field(
        description="The student's attendance in every course, counted per status.",
        permission_classes=[CanSeeStudent],
    )
    async def attendance_summary(self, info: Info) -> AttendanceSummaryType:
        from schoolgql.attendance.types import AttendanceSummary

        counts = await info.context.loaders.student_attendance.load(self.row_id)
        return AttendanceSummary.from_counts(counts)

    @strawberry.field(
        description="The student's grades in every course, ordered by id.",
        permission_classes=[IsThisStudent],
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
        # A student's grades span courses, so only administrators see drafts.
        if await sees_draft_grades(info, None):
            loader = loaders.student_grades
        else:
            loader = loaders.posted_student_grades
        page = await loader.load((self.row_id, request))
        return connection_from_page(page, "Grade", Grade.from_model)


@strawberry.type(description="A teacher of the school.")
class Teacher(User):
    department: str = strawberry.field(description="Department the teacher is in.")
    title: str = strawberry.field(description="Job title, such as Senior Lecturer.")

    @classmethod
    def from_model(cls, teacher: models.Teacher) -> "Teacher":
        return cls(
            row_id=teacher.id,
            full_name=teacher.full_name,
            email=teacher.email,
            role=RoleType.TEACHER,
            department=teacher.department,
            title=teacher.title,
        )

    @strawberry.field(description="Courses the teacher teaches, ordered by id.")
    async def courses(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CourseType]:
        from schoolgql.courses.types import Course

        request = info.context.page_request("Course", first, after, last, before)
        page = await info.context.loaders.teacher_courses.load((self.row_id, request))
        return connection_from_page(page, "Course", Course.from_model)


@strawberry.input(
    description="Changes to a student; null or absent fields stay as they are."
)
class UpdateStudentInput:
    full_name: str | None = strawberry.field(
        default=None, description="One line, 1 to 200 characters."
    )
    email: str | None = strawberry.field(
        default=None, description="Email address; case is ignored."
    )
    student_number: str | None = strawberry.field(
        default=None, description="School-issued number, 1 to 32 characters."
    )
    grade_level: int | None = strawberry.field(
        default=None, description="Grade level, 1 to 13."
    )


@strawberry.input(
    description="Changes to a teacher; null or absent fields stay as they are."
)
class UpdateTeacherInput:
    full_name: str | None = strawberry.field(
        default=None, description="One line, 1 to 200 characters."
    )
    email: str | None = strawberry.field(
        default=None, description="Email address; case is ignored."
    )
    department: str | None = strawberry.field(
        default=None, description="1 to 100 characters."
    )
    title: str | None = strawberry.field(
        default=None, description="Job title, 1 to 100 characters."
    )


@strawberry.type(description="Result of `updateStudent`.")
class StudentPayload:
    student: Student | None = strawberry.field(
        default=None, description="The student changed; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "StudentPayload":
        return cls(user_errors=user_errors)


@strawberry.type(description="Result of `updateTeacher`.")
class TeacherPayload:
    teacher: Teacher | None = strawberry.field(
        default=None, description="The teacher changed; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "TeacherPayload":
        return cls(user_errors=user_errors)


@strawberry.type(description="Result of `deleteStudent` and `deleteTeacher`.")
class DeleteUserPayload:
    deleted_user_id: strawberry.ID | None = strawberry.field(
        default=None, description="ID of the deleted account; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; empty on success."
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "DeleteUserPayload":
        return cls(user_errors=user_errors)
