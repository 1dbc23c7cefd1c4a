import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import run_mutation
from schoolgql.graphql.permissions import IsAdmin, IsAuthenticated
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection_from_page,
    parse_typed_global_id,
    to_global_id,
)
from schoolgql.people import administration, service
from schoolgql.people.types import (
    DeleteUserPayload,
    Student,
    StudentPayload,
    Teacher,
    TeacherPayload,
    UpdateStudentInput,
    UpdateTeacherInput,
)


@strawberry.type
class PeopleQuery:
    @strawberry.field(
        description="Every student, ordered by id (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def students(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Student]:
        page = info.context.page_request("Student", first, after, last, before)
        async with info.context.read_session() as session:
            students = await service.list_students(session, page=page)
        return connection_from_page(students, "Student", Student.from_model)

    @strawberry.field(
        description="One student by ID; its fields answer only to the student, "
        "the student's teachers and administrators.",
        permission_classes=[IsAuthenticated],
    )
    async def student(self, info: Info, id: strawberry.ID) -> Student:
        student_id = parse_typed_global_id(id, type_name="Student", argument="id")
        async with info.context.read_session() as session:
            student = await service.get_student(session, student_id=student_id)
        return Student.from_model(student)

    @strawberry.field(description="Every teacher, ordered by id.")
    async def teachers(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Teacher]:
        page = info.context.page_request("Teacher", first, after, last, before)
        async with info.context.read_session() as session:
            teachers = await service.list_teachers(session, page=page)
        return connection_from_page(teachers, "Teacher", Teacher.from_model)

    @strawberry.field(description="One teacher by ID.")
    async def teacher(self, info: Info, id: strawberry.ID) -> Teacher:
        teacher_id = parse_typed_global_id(id, type_name="Teacher", argument="id")
        async with info.context.read_session() as session:
            teacher = await service.get_teacher(session, teacher_id=teacher_id)
        return Teacher.from_model(teacher)


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(
        description="Change a student's name, email, number or grade level "
        "(administrators only). `createStudent` creates one.",
        permission_classes=[IsAdmin],
    )
    async def update_student(
        self, info: Info, id: strawberry.ID, input: UpdateStudentInput
    ) -> StudentPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> StudentPayload:
            student = await administration.update_student(
                session,
                viewer,
                student_id=parse_typed_global_id(
                    id, type_name="Student", argument="id"
                ),
                full_name=input.full_name,
                email=input.email,
                student_number=input.student_number,
                grade_level=input.grade_level,
            )
            return StudentPayload(student=Student.from_model(student))

        return await run_mutation(info, StudentPayload.failed, action)

    @strawberry.mutation(
        description="Change a teacher's name, email, department or title "
        "(administrators only). `createTeacher` creates one.",
        permission_classes=[IsAdmin],
    )
    async def update_teacher(
        self, info: Info, id: strawberry.ID, input: UpdateTeacherInput
    ) -> TeacherPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> TeacherPayload:
            teacher = await administration.update_teacher(
                session,
                viewer,
                teacher_id=parse_typed_global_id(
                    id, type_name="Teacher", argument="id"
                ),
                full_name=input.full_name,
                email=input.email,
                department=input.department,
                title=input.title,
            )
            return TeacherPayload(teacher=Teacher.from_model(teacher))

        return await run_mutation(info, TeacherPayload.failed, action)

    @strawberry.mutation(
        description="Delete a student account without enrollments or grades; "
        "one with them is rejected with HAS_DEPENDENTS, and `deactivateUser` "
        "keeps them instead (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def delete_student(self, info: Info, id: strawberry.ID) -> DeleteUserPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> DeleteUserPayload:
            student_id = parse_typed_global_id(id, type_name="Student", argument="id")
            deleted_id = await administration.delete_student(
                session, viewer, student_id=student_id
            )
            global_id = strawberry.ID(to_global_id("Student", deleted_id))
            return DeleteUserPayload(deleted_user_id=global_id)

        return await run_mutation(info, DeleteUserPayload.failed, action)

    @strawberry.mutation(
        description="Delete a teacher account that teaches no course and "
        "recorded no grade; otherwise rejected with HAS_DEPENDENTS, and "
        "`deactivateUser` keeps the records instead (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def delete_teacher(self, info: Info, id: strawberry.ID) -> DeleteUserPayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> DeleteUserPayload:
            teacher_id = parse_typed_global_id(id, type_name="Teacher", argument="id")
            deleted_id = await administration.delete_teacher(
                session, viewer, teacher_id=teacher_id
            )
            global_id = strawberry.ID(to_global_id("Teacher", deleted_id))
            return DeleteUserPayload(deleted_user_id=global_id)

        return await run_mutation(info, DeleteUserPayload.failed, action)
