import datetime as dt
import enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from schoolgql import models
from schoolgql.attendance.repository import AttendanceCounts
from schoolgql.attendance.service import summary_counts
from schoolgql.graphql.context import Info
from schoolgql.graphql.payloads import UserError

if TYPE_CHECKING:
    from schoolgql.people.types import Student

StudentType = Annotated["Student", strawberry.lazy("schoolgql.people.types")]


@strawberry.enum(
    name="AttendanceStatus", description="A student's attendance on a date."
)
class AttendanceStatusType(enum.Enum):
    PRESENT = "present"
    ABSENT = "absent"
    LATE = "late"
    EXCUSED = "excused"


@strawberry.type(description="A student's attendance in a course on one date.")
class AttendanceRecord:
    student_id: strawberry.Private[int]
    date: dt.date = strawberry.field(description="Date of the class.")
    status: AttendanceStatusType = strawberry.field(description="Attendance.")
    note: str | None = strawberry.field(description="Note, such as a reason.")
    recorded_at: dt.datetime = strawberry.field(
        description="When the current status was recorded."
    )

    # NOTE: corrections are stored in attendance_changes (who changed what,
    # and when) but no field exposes them yet.

    @classmethod
    def from_model(cls, record: models.AttendanceRecord) -> "AttendanceRecord":
        return cls(
            student_id=record.student_id,
            date=record.date,
            status=AttendanceStatusType(record.status.value),
            note=record.note,
            recorded_at=record.recorded_at,
        )

    @strawberry.field(description="The student.")
    async def student(self, info: Info) -> StudentType:
        from schoolgql.people.types import Student

        student = await info.context.loaders.student.load(self.student_id)
        if student is None:
            raise LookupError(f"attendance record has no student {self.student_id}")
        return Student.from_model(student)


@strawberry.type(description="Number of attendance records per status.")
class AttendanceSummary:
    present: int = strawberry.field(description="Classes attended on time.")
    absent: int = strawberry.field(description="Classes missed without excuse.")
    late: int = strawberry.field(description="Classes attended late.")
    excused: int = strawberry.field(description="Classes missed with an excuse.")
    total: int = strawberry.field(description="Classes with attendance taken.")

    @classmethod
    def from_counts(cls, counts: AttendanceCounts | None) -> "AttendanceSummary":
        by_status = summary_counts(counts)
        return cls(
            present=by_status[models.AttendanceStatus.PRESENT],
            absent=by_status[models.AttendanceStatus.ABSENT],
            late=by_status[models.AttendanceStatus.LATE],
            excused=by_status[models.AttendanceStatus.EXCUSED],
            total=sum(by_status.values()),
        )


@strawberry.input(description="One student's row in `takeAttendance`.")
class AttendanceEntryInput:
    student_id: strawberry.ID = strawberry.field(
        description="Student; every actively enrolled student needs one row."
    )
    status: AttendanceStatusType = strawberry.field(description="Attendance.")
    note: str | None = strawberry.field(
        default=None, description="Optional note, one line of at most 500 characters."
    )


@strawberry.type(
    description="Result of `takeAttendance`: every record, or user errors and "
    "no change at all."
)
class AttendancePayload:
    records: list[AttendanceRecord] | None = strawberry.field(
        default=None, description="The records, in the order sent; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Problems with the input, such as `entries[1].studentId`; "
        "empty on success.",
    )

    @classmethod
    def failed(cls, user_errors: list[UserError]) -> "AttendancePayload":
        return cls(user_errors=user_errors)
