"""Per-request DataLoaders: every relation is loaded in batches.

Each batch opens its own session, because sibling fields resolve
concurrently and an AsyncSession must never be shared between coroutines.
"""

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property, partial
from typing import Generic, TypeVar

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
KeyT = TypeVar("KeyT")
ValueT = TypeVar("ValueT")

ByIdsQuery = Callable[[AsyncSession, Sequence[int]], Awaitable[list[RowT | None]]]
PagesQuery = Callable[
    [AsyncSession, Sequence[int], PageRequest], Awaitable[list[Page[RowT]]]
]
PageKey = tuple[int, PageRequest]


class SharedLoader(DataLoader[KeyT, ValueT]):
    """A DataLoader whose cached futures survive a caller's cancellation.

    Fields that load the same key share one cached future. graphql-core
    cancels the sibling fields of a field that fails, and a cancelled task
    cancels the future it awaits, which would fail every other field
    waiting for that key with CancelledError. Each caller gets a shielded
    future instead.
    """

    def load(self, key: KeyT) -> "asyncio.Future[ValueT]":
        return asyncio.shield(super().load(key))


class ByIdLoader(SharedLoader[int, RowT | None], Generic[RowT]):
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


class PageLoader(SharedLoader[PageKey, Page[RowT]], Generic[RowT]):
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


class PairLoader(SharedLoader[tuple[int, int], bool]):
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
    """The loaders of one request; never shared between requests.

    Each loader is built on first use, because a request uses a few of them.
    """

    def __init__(self, database: Database, *, batch: bool = True) -> None:
        self._database = database
        self._batch = batch

    def _by_id(self, query: ByIdsQuery[RowT]) -> ByIdLoader[RowT]:
        return ByIdLoader(self._database, query, batch=self._batch)

    def _pages(self, query: PagesQuery[RowT]) -> PageLoader[RowT]:
        return PageLoader(self._database, query, batch=self._batch)

    def _pairs(self, query: MembersQuery) -> PairLoader:
        return PairLoader(self._database, query, batch=self._batch)

    @cached_property
    def term(self) -> ByIdLoader[Term]:
        return self._by_id(terms.get_by_ids)

    @cached_property
    def course(self) -> ByIdLoader[Course]:
        return self._by_id(courses.get_by_ids)

    @cached_property
    def student(self) -> ByIdLoader[Student]:
        return self._by_id(people.get_students_by_ids)

    @cached_property
    def teacher(self) -> ByIdLoader[Teacher]:
        return self._by_id(people.get_teachers_by_ids)

    @cached_property
    def enrollment(self) -> ByIdLoader[Enrollment]:
        return self._by_id(enrollments.get_by_ids)

    @cached_property
    def assessment(self) -> ByIdLoader[Assessment]:
        return self._by_id(grading.get_assessments_by_ids)

    @cached_property
    def grade(self) -> ByIdLoader[Grade]:
        return self._by_id(grading.get_grades_by_ids)

    @cached_property
    def admin(self) -> ByIdLoader[Admin]:
        return self._by_id(accounts.get_admins_by_ids)

    @cached_property
    def user(self) -> ByIdLoader[User]:
        return self._by_id(accounts.get_users_by_ids)

    @cached_property
    def grade_changes(self) -> ByIdLoader[list[GradeChange]]:
        return self._by_id(grading.changes_by_grade)

    @cached_property
    def term_courses(self) -> PageLoader[Course]:
        return self._pages(courses.pages_by_term)

    @cached_property
    def teacher_courses(self) -> PageLoader[Course]:
        return self._pages(courses.pages_by_teacher)

    @cached_property
    def course_enrollments(self) -> PageLoader[Enrollment]:
        return self._pages(enrollments.pages_by_course)

    @cached_property
    def course_enrollments_with_students(self) -> PageLoader[enrollments.RosterRow]:
        """The pages of `course_enrollments` joined with the students, for rosters."""
        return self._pages(enrollments.pages_by_course_with_students)

    @cached_property
    def student_enrollments(self) -> PageLoader[Enrollment]:
        return self._pages(enrollments.pages_by_student)

    @cached_property
    def course_assessments(self) -> PageLoader[Assessment]:
        return self._pages(grading.assessment_pages_by_course)

    @cached_property
    def assessment_grades(self) -> PageLoader[Grade]:
        return self._pages(grading.grade_pages_by_assessment)

    @cached_property
    def enrollment_grades(self) -> PageLoader[Grade]:
        return self._pages(grading.grade_pages_by_enrollment)

    @cached_property
    def student_grades(self) -> PageLoader[Grade]:
        return self._pages(grading.grade_pages_by_student)

    # Grades of posted assessments only, for viewers who see no drafts.

    @cached_property
    def posted_assessment_grades(self) -> PageLoader[Grade]:
        return self._pages(grading.posted_grade_pages_by_assessment)

    @cached_property
    def posted_enrollment_grades(self) -> PageLoader[Grade]:
        return self._pages(grading.posted_grade_pages_by_enrollment)

    @cached_property
    def posted_student_grades(self) -> PageLoader[Grade]:
        return self._pages(grading.posted_grade_pages_by_student)

    # Computed figures; the posted variants leave draft grades out.

    @cached_property
    def weighted_average(self) -> ByIdLoader[float]:
        return self._by_id(partial(statistics.weighted_averages, posted_only=False))

    @cached_property
    def posted_weighted_average(self) -> ByIdLoader[float]:
        return self._by_id(partial(statistics.weighted_averages, posted_only=True))

    @cached_property
    def assessment_statistics(self) -> ByIdLoader[ScoreStatistics]:
        return self._by_id(
            partial(statistics.statistics_by_assessment, posted_only=False)
        )

    @cached_property
    def posted_assessment_statistics(self) -> ByIdLoader[ScoreStatistics]:
        return self._by_id(
            partial(statistics.statistics_by_assessment, posted_only=True)
        )

    @cached_property
    def course_statistics(self) -> ByIdLoader[list[ScoreStatistics]]:
        return self._by_id(partial(statistics.statistics_by_course, posted_only=False))

    @cached_property
    def posted_course_statistics(self) -> ByIdLoader[list[ScoreStatistics]]:
        return self._by_id(partial(statistics.statistics_by_course, posted_only=True))

    @cached_property
    def enrollment_attendance(self) -> ByIdLoader[AttendanceCounts]:
        return self._by_id(attendance.counts_by_enrollment)

    @cached_property
    def student_attendance(self) -> ByIdLoader[AttendanceCounts]:
        return self._by_id(attendance.counts_by_student)

    @cached_property
    def teaches_student(self) -> PairLoader:
        """Whether (teacher id, student id) pairs are teacher and student."""
        return self._pairs(people.students_taught_by)

    @cached_property
    def takes_course(self) -> PairLoader:
        """Whether (student id, course id) pairs are enrolled."""
        return self._pairs(people.courses_taken_by)
