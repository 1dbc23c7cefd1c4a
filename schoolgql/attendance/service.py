"""Taking attendance for a course's whole roster on one date.

The course's teacher and administrators take it. A second submission
for the same date corrects the first: each changed record keeps its
earlier status, note, recorder and time in `attendance_changes`.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts.service import require_viewer
from schoolgql.accounts.viewer import Viewer
from schoolgql.attendance import repository
from schoolgql.attendance.errors import (
    DateOutsideTerm,
    NotCourseTeacher,
    RosterIncomplete,
)
from schoolgql.attendance.repository import AttendanceCounts
from schoolgql.courses import repository as courses
from schoolgql.courses.errors import CourseArchived, CourseNotFound
from schoolgql.kit.errors import InvalidInput, InvalidInputs
from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.text import check_single_line
from schoolgql.models import (
    AttendanceChange,
    AttendanceRecord,
    AttendanceStatus,
    Course,
    Enrollment,
    Student,
)
from schoolgql.models.attendance_record import ATTENDANCE_NOTE_MAX_LENGTH
from schoolgql.people import repository as people
from schoolgql.terms import repository as terms


@dataclass(frozen=True, slots=True)
class AttendanceEntry:
    """One student's row of an attendance submission."""

    student_id: int
    status: AttendanceStatus
    note: str | None


async def take_attendance(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    course_id: int,
    on: date,
    entries: list[AttendanceEntry],
) -> list[AttendanceRecord]:
    """Record or correct the attendance of every active student on a date.

    Every row is checked, and the roster must be complete, before anything
    is written; otherwise InvalidInputs lists one error per problem.
    """
    viewer = require_viewer(viewer)
    # The course lock serializes submissions for the course, so two for
    # one date cannot both insert.
    course = await courses.get_for_update(session, course_id)
    if course is None:
        raise CourseNotFound(field="courseId")
    if not viewer.is_admin and course.teacher_id != viewer.user_id:
        raise NotCourseTeacher(course.code)
    if course.archived_at is not None:
        raise CourseArchived(course.code, field="courseId")
    await _check_date(session, course, on)

    roster = {
        row.student_id: row
        for row in await repository.active_roster(session, course.id)
    }
    student_ids = list(roster) + [entry.student_id for entry in entries]
    students = dict(
        zip(
            student_ids,
            await people.get_students_by_ids(session, student_ids),
            strict=True,
        )
    )
    notes = _check_entries(entries, roster, students, course)

    existing = await repository.records_on(session, course.id, on)
    now = datetime.now(UTC)
    records: list[AttendanceRecord] = []
    new_rows: list[AttendanceRecord | AttendanceChange] = []
    for entry, note in zip(entries, notes, strict=True):
        enrollment = roster[entry.student_id]
        record = existing.get(enrollment.id)
        if record is None:
            record = AttendanceRecord(
                enrollment_id=enrollment.id,
                course_id=course.id,
                student_id=entry.student_id,
                date=on,
                status=entry.status,
                note=note,
                recorded_by_id=viewer.user_id,
                recorded_at=now,
            )
            new_rows.append(record)
        elif (record.status, record.note) != (entry.status, note):
            new_rows.append(_change_of(record, viewer.user_id, now))
            record.status = entry.status
            record.note = note
            record.recorded_by_id = viewer.user_id
            record.recorded_at = now
        records.append(record)
    await repository.add_all(session, new_rows)
    return records


async def courses_without_attendance(
    session: AsyncSession, *, on: date, page: PageRequest, term_id: int | None
) -> Page[Course]:
    return await repository.courses_without_attendance(
        session, on, page, term_id=term_id
    )


def summary_counts(counts: AttendanceCounts | None) -> dict[AttendanceStatus, int]:
    """Return a count for every status, 0 where there is no record."""
    found = {} if counts is None else counts.by_status
    return {status: found.get(status, 0) for status in AttendanceStatus}


async def _check_date(session: AsyncSession, course: Course, on: date) -> None:
    [term] = await terms.get_by_ids(session, [course.term_id])
    assert term is not None, "courses.term_id is a foreign key"
    if not term.start_date <= on <= term.end_date:
        raise DateOutsideTerm(on, term.start_date, term.end_date)


def _check_entries(
    entries: list[AttendanceEntry],
    roster: dict[int, Enrollment],
    students: dict[int, Student | None],
    course: Course,
) -> list[str | None]:
    """Return each entry's cleaned note, or raise InvalidInputs for every problem."""
    errors: list[InvalidInput] = []
    notes: list[str | None] = []
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        row = f"entries[{index}]."
        student = students.get(entry.student_id)
        if student is None:
            errors.append(
                InvalidInput(
                    f"No student has the ID in `{row}studentId`.",
                    field=f"{row}studentId",
                )
            )
        elif entry.student_id in seen:
            errors.append(
                InvalidInput(
                    f"{_who(student)} appears more than once; send one row per "
                    "student.",
                    field=f"{row}studentId",
                )
            )
        elif entry.student_id not in roster:
            errors.append(
                InvalidInput(
                    f"{_who(student)} is not actively enrolled in {course.code}.",
                    field=f"{row}studentId",
                )
            )
        seen.add(entry.student_id)
        try:
            notes.append(_check_note(entry.note, field=f"{row}note"))
        except InvalidInput as error:
            errors.append(error)
            notes.append(None)

    missing = [
        _who(students[student_id]) for student_id in roster if student_id not in seen
    ]
    if missing:
        errors.append(RosterIncomplete(course.code, missing))
    if errors:
        raise InvalidInputs(errors)
    return notes


def _check_note(note: str | None, *, field: str) -> str | None:
    if note is None or not note.strip():
        return None
    return check_single_line(
        note.strip(), field=field, min_length=1, max_length=ATTENDANCE_NOTE_MAX_LENGTH
    )


def _who(student: Student | None) -> str:
    if student is None:
        return "an unknown student"
    return f"{student.full_name} ({student.student_number})"


def _change_of(
    record: AttendanceRecord, changed_by_id: int, now: datetime
) -> AttendanceChange:
    return AttendanceChange(
        record_id=record.id,
        previous_status=record.status,
        previous_note=record.note,
        previous_recorded_by_id=record.recorded_by_id,
        previous_recorded_at=record.recorded_at,
        changed_by_id=changed_by_id,
        changed_at=now,
    )
