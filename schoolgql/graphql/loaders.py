"""Per-request DataLoaders: every relation is loaded in batches.

Each batch opens its own session, because sibling fields resolve
concurrently and an AsyncSession must never be shared between coroutines.
"""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts import repository as accounts
from schoolgql.attendance import repository as attendance
from schoolgql.attendance.repository import AttendanceCounts
from schoolgql.courses import repository as courses
from schoolgql.database import Database
from schoolgql.enrollments import repository as enrollments
from schoolgql.grading import repository as grading
from schoolgql.grading import statistics
from schoolgql.grading.statistics import ScoreStatistics
from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.models import (
    Admin,
    Assessment,
    Course,
    Enrollment,
    Grade,
    GradeChange,
    Student,
    Teacher,
    Term,
    User,
)
from schoolgql.people import repository as people
from schoolgql.terms import repository as terms

RowT = TypeVar("RowT")

ByIdsQuery = Callable[[AsyncSession, Sequence[int]], Awaitable[list[RowT | None]]]
PagesQuery = Callable[
    [AsyncSession, Sequence[int], PageRequest], Awaitable[list[Page[RowT]]]
]
PageKey = tuple[int, PageRequest]


class ByIdLoader(DataLoader[int, RowT | None], Generic[RowT]):
    """Loads rows by id; a missing id loads as None."""

    def __init__(
        self, database: Database, query: ByIdsQuery[RowT], *, batch: bool
    ) -> None:
        super().__init__(batch=batch)
        self._database = database
        self._query = query

    async def batch_load_fn(self, keys: Sequence[int]) -> list[RowT | None]:
        async with self._database.read_session() as session:
            return await self._query(session, keys)


class PageLoader(DataLoader[PageKey, Page[RowT]], Generic[RowT]):
    """Loads one page of children per (parent id, page request) key.

    Keys that share a page request are loaded with one statement, so a
    connection nested under a list costs one statement for the whole list.
    """

    def __init__(
        self, database: Database, query: PagesQuery[RowT], *, batch: bool
    ) -> None:
        super().__init__(batch=batch)
        self._database = database
        self._query = query

    async def batch_load_fn(self, keys: Sequence[PageKey]) -> list[Page[RowT]]:
        parents_by_page: dict[PageRequest, list[int]] = defaultdict(list)
        for parent_id, page in keys:
            parents_by_page[page].append(parent_id)

        loaded: dict[PageKey, Page[RowT]] = {}
        async with self._database.read_session() as session:
            for page, parent_ids in parents_by_page.items():
                pages = await self._query(session, parent_ids, page)
                for parent_id, parent_page in zip(parent_ids, pages, strict=True):
                    loaded[parent_id, page] = parent_page
        return [loaded[key] for key in keys]


MembersQuery = Callable[[AsyncSession, int, Sequence[int]], Awaitable[set[int]]]


class PairLoader(DataLoader[tuple[int, int], bool]):
    """Loads whether pairs (owner id, member id) are related, such as a teacher
    and a student the teacher teaches.

    `query` returns which of the given member ids relate to one owner, so a
    batch costs one statement per distinct owner.
    """

    def __init__(self, database: Database, query: MembersQuery, *, batch: bool) -> None:
        super().__init__(batch=batch)
        self._database = database
        self._query = query

    async def batch_load_fn(self, keys: Sequence[tuple[int, int]]) -> list[bool]:
        members_by_owner: dict[int, list[int]] = defaultdict(list)
        for owner_id, member_id in keys:
            members_by_owner[owner_id].append(member_id)

        related: set[tuple[int, int]] = set()
        async with self._database.read_session() as session:
            for owner_id, member_ids in members_by_owner.items():
                found = await self._query(session, owner_id, member_ids)
                related.update((owner_id, member_id) for member_id in found)
        return [key in related for key in keys]


class Loaders:
    """The loaders of one request; never shared between requests."""

    def __init__(self, database: Database, *, batch: bool = True) -> None:
        def by_id(query: ByIdsQuery[Any]) -> ByIdLoader[Any]:
            return ByIdLoader(database, query, batch=batch)

        def pages(query: PagesQuery[Any]) -> PageLoader[Any]:
            return PageLoader(database, query, batch=batch)

        self.term: ByIdLoader[Term] = by_id(terms.get_by_ids)
        self.course: ByIdLoader[Course] = by_id(courses.get_by_ids)
        self.student: ByIdLoader[Student] = by_id(people.get_students_by_ids)
        self.teacher: ByIdLoader[Teacher] = by_id(people.get_teachers_by_ids)
        self.enrollment: ByIdLoader[Enrollment] = by_id(enrollments.get_by_ids)
        self.assessment: ByIdLoader[Assessment] = by_id(grading.get_assessments_by_ids)
        self.grade: ByIdLoader[Grade] = by_id(grading.get_grades_by_ids)
        self.admin: ByIdLoader[Admin] = by_id(accounts.get_admins_by_ids)

        self.term_courses: PageLoader[Course] = pages(courses.pages_by_term)
        self.teacher_courses: PageLoader[Course] = pages(courses.pages_by_teacher)
        self.course_enrollments: PageLoader[Enrollment] = pages(
            enrollments.pages_by_course
        )
        self.student_enrollments: PageLoader[Enrollment] = pages(
            enrollments.pages_by_student
        )
        self.course_assessments: PageLoader[Assessment] = pages(
            grading.assessment_pages_by_course
        )
        self.assessment_grades: PageLoader[Grade] = pages(
            grading.grade_pages_by_assessment
        )
        self.enrollment_grades: PageLoader[Grade] = pages(
            grading.grade_pages_by_enrollment
        )
        self.student_grades: PageLoader[Grade] = pages(grading.grade_pages_by_student)
        # Grades of posted assessments only, for viewers who see no drafts.
        self.posted_assessment_grades: PageLoader[Grade] = pages(
            grading.posted_grade_pages_by_assessment
        )
        self.posted_enrollment_grades: PageLoader[Grade] = pages(
            grading.posted_grade_pages_by_enrollment
        )
        self.posted_student_grades: PageLoader[Grade] = pages(
            grading.posted_grade_pages_by_student
        )
        self.grade_changes: ByIdLoader[list[GradeChange]] = by_id(
            grading.changes_by_grade
        )
        self.user: ByIdLoader[User] = by_id(accounts.get_users_by_ids)

        # Computed figures; the posted variants leave draft grades out.
        self.weighted_average: ByIdLoader[float] = by_id(
            partial(statistics.weighted_averages, posted_only=False)
        )
        self.posted_weighted_average: ByIdLoader[float] = by_id(
            partial(statistics.weighted_averages, posted_only=True)
        )
        self.assessment_statistics: ByIdLoader[ScoreStatistics] = by_id(
            partial(statistics.statistics_by_assessment, posted_only=False)
        )
        self.posted_assessment_statistics: ByIdLoader[ScoreStatistics] = by_id(
            partial(statistics.statistics_by_assessment, posted_only=True)
        )
        self.course_statistics: ByIdLoader[list[ScoreStatistics]] = by_id(
            partial(statistics.statistics_by_course, posted_only=False)
        )
        self.posted_course_statistics: ByIdLoader[list[ScoreStatistics]] = by_id(
            partial(statistics.statistics_by_course, posted_only=True)
        )
        self.enrollment_attendance: ByIdLoader[AttendanceCounts] = by_id(
            attendance.counts_by_enrollment
        )
        self.student_attendance: ByIdLoader[AttendanceCounts] = by_id(
            attendance.counts_by_student
        )
        # Keyed by (teacher id, student id) and by (student id, course id).
        self.teaches_student = PairLoader(
            database, people.students_taught_by, batch=batch
        )
        self.takes_course = PairLoader(database, people.courses_taken_by, batch=batch)
