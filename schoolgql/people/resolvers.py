import strawberry

from schoolgql.graphql.context import Info
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection_from_page,
    parse_typed_global_id,
)
from schoolgql.people import service
from schoolgql.people.types import Student, Teacher


@strawberry.type
class PeopleQuery:
    @strawberry.field(description="Every student, ordered by id.")
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

    @strawberry.field(description="One student by ID.")
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
