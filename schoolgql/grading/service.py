"""Assessments, grades, bulk grading and posting.

The course's teacher and administrators write them. Every grade write
locks the assessment row first, so writes to one assessment run one at
a time and a maximum-score change cannot slip between a check and a
write. A changed score keeps its earlier value in `grade_changes`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts.service import require_viewer
from schoolgql.accounts.viewer import Viewer
from schoolgql.courses import repository as courses
from schoolgql.courses.errors import CourseArchived, CourseNotFound
from schoolgql.grading import repository
from schoolgql.grading.errors import (
    AssessmentHasGrades,
    AssessmentNotFound,
    MaxScoreBelowGrades,
    NotCourseTeacher,
    NotEnrolled,
    ScoreOutOfRange,
    StudentListedTwice,
    UnknownStudent,
    format_score,
)
from schoolgql.kit.errors import InvalidInput, InvalidInputs
from schoolgql.kit.text import check_single_line
from schoolgql.models import (
    Assessment,
    Course,
    Enrollment,
    Grade,
    GradeChange,
    Student,
)
from schoolgql.models.assessment import ASSESSMENT_TITLE_MAX_LENGTH
from schoolgql.people import repository as people

# Scores and weights are NUMERIC(8, 2) columns.
MAX_SCORE_VALUE = Decimal("999999.99")
SCORE_PLACES = 2


@dataclass(frozen=True, slots=True)
class GradeEntry:
    """One row of a bulk grading request."""

    student_id: int
    score: Decimal


async def create_assessment(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    course_id: int,
    title: str,
    max_score: Decimal,
    weight: Decimal,
    due_date: date | None,
) -> Assessment:
    course = await _writable_course(session, viewer, course_id, field="courseId")
    assessment = Assessment(
        course_id=course.id,
        title=_check_title(title),
        max_score=_check_amount(max_score, field="maxScore", positive=True),
        weight=_check_amount(weight, field="weight", positive=False),
        due_date=due_date,
    )
    await repository.add(session, assessment)
    return assessment


async def update_assessment(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    assessment_id: int,
    title: str | None = None,
    max_score: Decimal | None = None,
    weight: Decimal | None = None,
    due_date: date | None = None,
) -> Assessment:
    """Change the fields given; None leaves a field as it is.

    A lower maximum is rejected while a grade lies above it; the grades'
    copy of the maximum follows through ON UPDATE CASCADE.
    """
    assessment, _ = await _lock_assessment(session, viewer, assessment_id)
    if title is not None:
        assessment.title = _check_title(title)
    if weight is not None:
        assessment.weight = _check_amount(weight, field="weight", positive=False)
    if due_date is not None:
        assessment.due_date = due_date
    if max_score is not None:
        max_score = _check_amount(max_score, field="maxScore", positive=True)
        highest = await repository.highest_score(session, assessment.id)
        if highest is not None and highest > max_score:
            raise MaxScoreBelowGrades(max_score, highest)
        assessment.max_score = max_score
    await session.flush()
    return assessment


async def delete_assessment(
    session: AsyncSession, viewer: Viewer | None, *, assessment_id: int
) -> int:
    """Delete an assessment without grades and return its id."""
    assessment, _ = await _lock_assessment(session, viewer, assessment_id)
    grade_count = await repository.count_grades(session, assessment.id)
    if grade_count:
        raise AssessmentHasGrades(assessment.title, grade_count)
    await repository.delete(session, assessment)
    return assessment_id


async def post_grades(
    session: AsyncSession, viewer: Viewer | None, *, assessment_id: int
) -> Assessment:
    """Make the assessment's grades visible to students; posting twice is a no-op."""
    assessment, _ = await _lock_assessment(session, viewer, assessment_id)
    if assessment.grades_posted_at is None:
        assessment.grades_posted_at = datetime.now(UTC)
        await session.flush()
    return assessment


async def record_grade(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    assessment_id: int,
    student_id: int,
    score: Decimal,
) -> Grade:
    """Record or change one student's grade; a draft until the assessment is posted."""
    [grade] = await record_grades(
        session,
        viewer,
        assessment_id=assessment_id,
        entries=[GradeEntry(student_id=student_id, score=score)],
        field_prefix=None,
    )
    return grade


async def record_grades(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    assessment_id: int,
    entries: list[GradeEntry],
    field_prefix: str | None = "grades",
) -> list[Grade]:
    """Record or change the grades of many students, all or none.

    Every row is checked before anything is written. If any row fails,
    InvalidInputs lists one error per failing row, naming the student
    and the reason, and nothing is written.
    """
    assessment, course = await _lock_assessment(
        session, viewer, assessment_id, field="assessmentId"
    )
    student_ids = [entry.student_id for entry in entries]
    students = await people.get_students_by_ids(session, student_ids)
    enrollments = await repository.active_enrollments_by_student(
        session, course.id, student_ids
    )

    errors: list[InvalidInput] = []
    seen: set[int] = set()
    for index, (entry, student) in enumerate(zip(entries, students, strict=True)):
        row = "" if field_prefix is None else f"{field_prefix}[{index}]."
        error = _row_error(
            entry, student, assessment, course, enrollments, seen, field_prefix=row
        )
        if error is not None:
            errors.append(error)
        seen.add(entry.student_id)
    if errors:
        raise InvalidInputs(errors) if field_prefix is not None else errors[0]

    enrollment_ids = [enrollments[student_id].id for student_id in student_ids]
    existing = await repository.grades_by_enrollment(
        session, assessment.id, enrollment_ids
    )
    grader_id = require_viewer(viewer).user_id
    now = datetime.now(UTC)
    grades: list[Grade] = []
    new_rows: list[Grade | GradeChange] = []
    for entry in entries:
        enrollment = enrollments[entry.student_id]
        grade = existing.get(enrollment.id)
        if grade is None:
            grade = Grade(
                enrollment_id=enrollment.id,
                assessment_id=assessment.id,
                course_id=course.id,
                student_id=entry.student_id,
                max_score=assessment.max_score,
                score=entry.score,
                graded_by_id=grader_id,
                graded_at=now,
            )
            new_rows.append(grade)
        elif grade.score != entry.score:
            new_rows.append(_change_of(grade, entry.score, grader_id, now))
            grade.score = entry.score
            grade.graded_by_id = grader_id
            grade.graded_at = now
        grades.append(grade)
    await repository.add_all(session, new_rows)
    return grades


def _row_error(
    entry: GradeEntry,
    student: Student | None,
    assessment: Assessment,
    course: Course,
    enrollments: Mapping[int, Enrollment],
    seen: set[int],
    *,
    field_prefix: str,
) -> InvalidInput | None:
    student_field = f"{field_prefix}studentId"
    if student is None:
        return UnknownStudent(field=student_field)
    who = f"{student.full_name} ({student.student_number})"
    if entry.student_id in seen:
        return StudentListedTwice(who, field=student_field)
    if entry.student_id not in enrollments:
        return NotEnrolled(who, course.code, field=student_field)
    score_field = f"{field_prefix}score"
    if not 0 <= entry.score <= assessment.max_score:
        return ScoreOutOfRange(
            entry.score, assessment.max_score, field=score_field, who=who
        )
    if _decimal_places(entry.score) > SCORE_PLACES:
        return InvalidInput(
            f"The score of {who} may have at most {SCORE_PLACES} decimal "
            f"places; got {format_score(entry.score)}.",
            field=score_field,
        )
    return None


def _change_of(
    grade: Grade, new_score: Decimal, changed_by_id: int, now: datetime
) -> GradeChange:
    return GradeChange(
        grade_id=grade.id,
        previous_score=grade.score,
        new_score=new_score,
        previous_graded_by_id=grade.graded_by_id,
        previous_graded_at=grade.graded_at,
        changed_by_id=changed_by_id,
        changed_at=now,
    )


async def _lock_assessment(
    session: AsyncSession,
    viewer: Viewer | None,
    assessment_id: int,
    *,
    field: str = "id",
) -> tuple[Assessment, Course]:
    assessment = await repository.get_assessment_for_update(session, assessment_id)
    if assessment is None:
        raise AssessmentNotFound(field=field)
    course = await _writable_course(session, viewer, assessment.course_id, field=field)
    return assessment, course


async def _writable_course(
    session: AsyncSession, viewer: Viewer | None, course_id: int, *, field: str
) -> Course:
    """Return the course if the viewer may grade in it and it is not archived."""
    viewer = require_viewer(viewer)
    [course] = await courses.get_by_ids(session, [course_id])
    if course is None:
        raise CourseNotFound(field=field)
    if not viewer.is_admin and course.teacher_id != viewer.user_id:
        raise NotCourseTeacher(course.code)
    if course.archived_at is not None:
        raise CourseArchived(course.code, field=field)
    return course


def _check_title(title: str) -> str:
    return check_single_line(
        title.strip(),
        field="title",
        min_length=1,
        max_length=ASSESSMENT_TITLE_MAX_LENGTH,
    )


def _check_amount(value: Decimal, *, field: str, positive: bool) -> Decimal:
    lowest = "above 0" if positive else "0 or more"
    if (positive and value <= 0) or value < 0 or value > MAX_SCORE_VALUE:
        raise InvalidInput(
            f"`{field}` must be {lowest} and at most {MAX_SCORE_VALUE}; "
            f"got {format_score(value)}.",
            field=field,
        )
    if _decimal_places(value) > SCORE_PLACES:
        raise InvalidInput(
            f"`{field}` may have at most {SCORE_PLACES} decimal places; "
            f"got {format_score(value)}.",
            field=field,
        )
    return value


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
