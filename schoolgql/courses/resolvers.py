import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql import models
from schoolgql.courses import administration, service
from schoolgql.courses.repository import CourseFilter as CourseFilterValues
from schoolgql.courses.types import (
    Course,
    CourseFilter,
    CoursePayload,
    CreateCourseInput,
    DeleteCoursePayload,
    UpdateCourseInput,
)
from schoolgql.graphql.cache import CachedField, cacheable
from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import run_mutation
from schoolgql.graphql.permissions import IsAdmin
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    Edge,
    First,
    Last,
    PageInfo,
    connection_from_page,
    parse_typed_global_id,
    to_global_id,
)
from schoolgql.kit.fieldcache import invalidate_on_change

# The catalogue is public and read far more often than it changes; any
# committed write to a course or term invalidates it.
CATALOGUE_TAG = "catalogue"
CATALOGUE_CACHE = CachedField(
    ttl_seconds=300, scope="public", tags=lambda source, arguments: [CATALOGUE_TAG]
)
invalidate_on_change(models.Course, CATALOGUE_TAG)
invalidate_on_change(models.Term, CATALOGUE_TAG)
cacheable(Course, Connection, Edge, PageInfo)


@strawberry.type
class CourseQuery:
    @strawberry.field(
        description="The course catalogue, ordered by id.",
        extensions=[CATALOGUE_CACHE],
    )
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

    @strawberry.field(
        description="One course, by `id` or by `code`; pass one.",
        extensions=[CATALOGUE_CACHE],
    )
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


@strawberry.type
class CourseMutation:
    @strawberry.mutation(
        description="Create a course (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def create_course(
        self, info: Info, input: CreateCourseInput
    ) -> CoursePayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> CoursePayload:
            teacher_id = _optional_id(input.teacher_id, "Teacher", "teacherId")
            course = await administration.create(
                session,
                viewer,
                code=input.code,
                title=input.title,
                description=input.description,
                credits=input.credits,
                capacity=input.capacity,
                term_id=_row_id(input.term_id, "Term", "termId"),
                teacher_id=teacher_id,
            )
            return CoursePayload(course=Course.from_model(course))

        return await run_mutation(info, CoursePayload.failed, action)

    @strawberry.mutation(
        description="Change a course's code, title, description, credits or "
        "term (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def update_course(
        self, info: Info, id: strawberry.ID, input: UpdateCourseInput
    ) -> CoursePayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> CoursePayload:
            course = await administration.update(
                session,
                viewer,
                course_id=_row_id(id, "Course", "id"),
                code=input.code,
                title=input.title,
                description=input.description,
                credits=input.credits,
                term_id=_optional_id(input.term_id, "Term", "termId"),
            )
            return CoursePayload(course=Course.from_model(course))

        return await run_mutation(info, CoursePayload.failed, action)

    @strawberry.mutation(
        description="Make a teacher the course's teacher; a null `teacherId` "
        "leaves the course unassigned (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def assign_teacher(
        self, info: Info, course_id: strawberry.ID, teacher_id: strawberry.ID | None
    ) -> CoursePayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> CoursePayload:
            course = await administration.assign_teacher(
                session,
                viewer,
                course_id=_row_id(course_id, "Course", "courseId"),
                teacher_id=_optional_id(teacher_id, "Teacher", "teacherId"),
            )
            return CoursePayload(course=Course.from_model(course))

        return await run_mutation(info, CoursePayload.failed, action)

    @strawberry.mutation(
        description="Set the maximum number of active enrollments; it cannot "
        "go below the current number (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def set_course_capacity(
        self, info: Info, course_id: strawberry.ID, capacity: int
    ) -> CoursePayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> CoursePayload:
            course = await administration.set_capacity(
                session,
                viewer,
                course_id=_row_id(course_id, "Course", "courseId"),
                capacity=capacity,
            )
            return CoursePayload(course=Course.from_model(course))

        return await run_mutation(info, CoursePayload.failed, action)

    @strawberry.mutation(
        description="Archive a course: it keeps its enrollments and grades and "
        "takes no more changes (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def archive_course(self, info: Info, id: strawberry.ID) -> CoursePayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> CoursePayload:
            course_id = _row_id(id, "Course", "id")
            course = await administration.archive(session, viewer, course_id=course_id)
            return CoursePayload(course=Course.from_model(course))

        return await run_mutation(info, CoursePayload.failed, action)

    @strawberry.mutation(
        description="Delete a course without enrollments or assessments; one "
        "with them is rejected with HAS_DEPENDENTS (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def delete_course(self, info: Info, id: strawberry.ID) -> DeleteCoursePayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> DeleteCoursePayload:
            course_id = _row_id(id, "Course", "id")
            deleted_id = await administration.delete(
                session, viewer, course_id=course_id
            )
            global_id = strawberry.ID(to_global_id("Course", deleted_id))
            return DeleteCoursePayload(deleted_course_id=global_id)

        return await run_mutation(info, DeleteCoursePayload.failed, action)


def _row_id(value: str, type_name: str, argument: str) -> int:
    return parse_typed_global_id(value, type_name=type_name, argument=argument)


def _optional_id(value: str | None, type_name: str, argument: str) -> int | None:
    return None if value is None else _row_id(value, type_name, argument)
