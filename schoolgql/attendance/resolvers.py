from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.attendance import service
from schoolgql.attendance.permissions import CanTakeAttendance
from schoolgql.attendance.service import AttendanceEntry
from schoolgql.attendance.types import (
    AttendanceEntryInput,
    AttendancePayload,
    AttendanceRecord,
)
from schoolgql.courses.types import Course
from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import run_mutation
from schoolgql.graphql.permissions import IsAdmin
from schoolgql.graphql.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection_from_page,
    parse_typed_global_id,
)
from schoolgql.kit.errors import InvalidInput, InvalidInputs
from schoolgql.models import AttendanceStatus


@strawberry.type
class AttendanceQuery:
    @strawberry.field(
        description="Courses that run on a date and have no attendance taken "
        "for it, ordered by id: not archived, in a term that covers the date, "
        "with at least one active enrollment (administrators only).",
        permission_classes=[IsAdmin],
    )
    async def courses_without_attendance(
        self,
        info: Info,
        date: date,
        term_id: strawberry.ID | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Course]:
        page = info.context.page_request("Course", first, after, last, before)
        term_row_id = (
            None
            if term_id is None
            else parse_typed_global_id(term_id, type_name="Term", argument="termId")
        )
        async with info.context.read_session() as session:
            courses = await service.courses_without_attendance(
                session, on=date, page=page, term_id=term_row_id
            )
        return connection_from_page(courses, "Course", Course.from_model)


@strawberry.type
class AttendanceMutation:
    @strawberry.mutation(
        description="Take attendance of a course's whole roster for a date, one "
        "row per actively enrolled student. Sending the same date again "
        "corrects it and keeps the earlier values with who changed them "
        "(the course's teacher and administrators).",
        permission_classes=[CanTakeAttendance],
    )
    async def take_attendance(
        self,
        info: Info,
        course_id: strawberry.ID,
        date: date,
        entries: list[AttendanceEntryInput],
    ) -> AttendancePayload:
        viewer = await info.context.viewer()

        async def action(session: AsyncSession) -> AttendancePayload:
            records = await service.take_attendance(
                session,
                viewer,
                course_id=parse_typed_global_id(
                    course_id, type_name="Course", argument="courseId"
                ),
                on=date,
                entries=_entries(entries),
            )
            return AttendancePayload(
                records=[AttendanceRecord.from_model(record) for record in records]
            )

        return await run_mutation(info, AttendancePayload.failed, action)


def _entries(rows: list[AttendanceEntryInput]) -> list[AttendanceEntry]:
    """Parse every row's student ID, or raise one error per invalid ID."""
    entries: list[AttendanceEntry] = []
    errors: list[InvalidInput] = []
    for index, row in enumerate(rows):
        field = f"entries[{index}].studentId"
        try:
            student_id = parse_typed_global_id(
                row.student_id, type_name="Student", argument=field
            )
        except InvalidInput as error:
            errors.append(error)
            continue
        status = AttendanceStatus(row.status.value)
        entries.append(
            AttendanceEntry(student_id=student_id, status=status, note=row.note)
        )
    if errors:
        raise InvalidInputs(errors)
    return entries
