import strawberry

from schoolgql.courses import service
from schoolgql.courses.repository import CourseFilter as CourseFilterValues
from schoolgql.courses.types import Course, CourseFilter
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


@strawberry.type
class CourseQuery:
    @strawberry.field(description="The course catalogue, ordered by id.")
    async def courses(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: CourseFilter | None = None,
    ) -> Connection[Course]:
        page = info.context.page_request("Course", first, after, last, before)
        values = _filter_values(filter)
        async with info.context.read_session() as session:
            courses = await service.list(session, page=page, course_filter=values)
        return connection_from_page(courses, "Course", Course.from_model)

    @strawberry.field(description="One course, by `id` or by `code`; pass one.")
    async def course(
        self,
        info: Info,
        id: strawberry.ID | None = None,
        code: str | None = None,
    ) -> Course:
        course_id = (
            None
            if id is None
            else parse_typed_global_id(id, type_name="Course", argument="id")
        )
        async with info.context.read_session() as session:
            course = await service.get(session, course_id=course_id, code=code)
        return Course.from_model(course)


def _filter_values(course_filter: CourseFilter | None) -> CourseFilterValues:
    if course_filter is None:
        return CourseFilterValues()

    term_id = teacher_id = None
    if course_filter.term_id is not None:
        term_id = parse_typed_global_id(
            course_filter.term_id, type_name="Term", argument="filter.termId"
        )
    if course_filter.teacher_id is not None:
        teacher_id = parse_typed_global_id(
            course_filter.teacher_id, type_name="Teacher", argument="filter.teacherId"
        )
    return CourseFilterValues(
        term_id=term_id, teacher_id=teacher_id, search=course_filter.search
    )
