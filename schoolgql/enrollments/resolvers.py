import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.enrollments import service
from schoolgql.enrollments.permissions import CanEnroll
from schoolgql.enrollments.types import Enrollment, EnrollmentPayload
from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import run_mutation
from schoolgql.graphql.relay import parse_typed_global_id


@strawberry.type
class EnrollmentMutation:
    @strawberry.mutation(
        description="Enroll a student in a course, or reactivate a dropped "
        "enrollment. Administrators pass `studentId`; a student enrolls "
        "themself while self-enrollment is on and the course's term is open. "
        "A full course is rejected with COURSE_FULL, a second enrollment with "
        "ALREADY_ENROLLED.",
        permission_classes=[CanEnroll],
    )
    async def enroll(
        self,
        info: Info,
        course_id: strawberry.ID,
        student_id: strawberry.ID | None = None,
    ) -> EnrollmentPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> EnrollmentPayload:
            enrollment = await service.enroll(
                session,
                viewer,
                course_id=parse_typed_global_id(
                    course_id, type_name="Course", argument="courseId"
                ),
                student_id=None
                if student_id is None
                else parse_typed_global_id(
                    student_id, type_name="Student", argument="studentId"
                ),
                self_enrollment_enabled=info.context.settings.self_enrollment_enabled,
            )
            return EnrollmentPayload(enrollment=Enrollment.from_model(enrollment))

        return await run_mutation(info, EnrollmentPayload.failed, action)

    @strawberry.mutation(
        description="Drop an active enrollment: its seat frees and its grades "
        "stay. Administrators drop any; a student drops their own under the "
        "same conditions as `enroll`.",
        permission_classes=[CanEnroll],
    )
    async def drop_enrollment(self, info: Info, id: strawberry.ID) -> EnrollmentPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> EnrollmentPayload:
            enrollment = await service.drop(
                session,
                viewer,
                enrollment_id=parse_typed_global_id(
                    id, type_name="Enrollment", argument="id"
                ),
                self_enrollment_enabled=info.context.settings.self_enrollment_enabled,
            )
            return EnrollmentPayload(enrollment=Enrollment.from_model(enrollment))

        return await run_mutation(info, EnrollmentPayload.failed, action)
