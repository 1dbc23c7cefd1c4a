"""A course with a teacher, enrolled students and an assessment, for grading tests."""

from dataclasses import dataclass
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.relay import to_global_id
from schoolgql.models import Assessment, Course, Enrollment, EnrollmentStatus, Student
from tests.factories import (
    create_assessment,
    create_course,
    create_enrollment,
    create_student,
)
from tests.writes import Actor, teacher_actor


@dataclass
class GradedCourse:
    teacher: Actor
    course: Course
    assessment: Assessment
    students: list[Student]
    enrollments: list[Enrollment]

    @property
    def assessment_id(self) -> str:
        return to_global_id("Assessment", self.assessment.id)

    def student_id(self, index: int) -> str:
        return to_global_id("Student", self.students[index].id)


async def graded_course(
    session: AsyncSession, client: httpx.AsyncClient, *, student_count: int = 2
) -> GradedCourse:
    """Create a course taught by a logged-in teacher, with active students."""
    teacher = await teacher_actor(session, client)
    course = await create_course(session, code="MATH-101", teacher_id=teacher.id)
    assessment = await create_assessment(
        session, course=course, title="Midterm", max_score=Decimal(100)
    )
    students = []
    enrollments = []
    for number in range(1, student_count + 1):
        student = await create_student(
            session, full_name=f"Student {number}", student_number=f"S{number:03d}"
        )
        enrollment = await create_enrollment(
            session, student=student, course=course, status=EnrollmentStatus.ACTIVE
        )
        students.append(student)
        enrollments.append(enrollment)
    await session.commit()
    return GradedCourse(teacher, course, assessment, students, enrollments)
