"""Course catalogue rules."""

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.courses import repository
from schoolgql.courses.repository import CourseFilter
from schoolgql.kit.errors import InvalidInput, NotFound
from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.text import check_single_line
from schoolgql.models import Course
from schoolgql.models.course import COURSE_CODE_MAX_LENGTH

SEARCH_MAX_LENGTH = 100


async def get(
    session: AsyncSession, *, course_id: int | None = None, code: str | None = None
) -> Course:
    """Return one course by id or by code; exactly one of the two is required."""
    if (course_id is None) == (code is None):
        raise InvalidInput("Pass exactly one of `id` and `code`.", field="id")

    if course_id is not None:
        [course] = await repository.get_by_ids(session, [course_id])
        if course is None:
            raise NotFound("No course has this ID.", field="id")
        return course

    assert code is not None
    # Checked before the query: PostgreSQL rejects a NUL character with an
    # error rather than finding no row.
    code = check_single_line(
        code.strip(), field="code", min_length=1, max_length=COURSE_CODE_MAX_LENGTH
    )
    course = await repository.get_by_code(session, code)
    if course is None:
        raise NotFound(f"No course has the code {code!r}.", field="code")
    return course


async def list(
    session: AsyncSession, *, page: PageRequest, course_filter: CourseFilter
) -> Page[Course]:
    """Return a page of courses matching the filter, ordered by id."""
    if course_filter.search is not None:
        search = check_single_line(
            course_filter.search.strip(),
            field="filter.search",
            min_length=1,
            max_length=SEARCH_MAX_LENGTH,
        )
        course_filter = CourseFilter(
            term_id=course_filter.term_id,
            teacher_id=course_filter.teacher_id,
            search=search,
        )
    return await repository.list_page(session, page, course_filter)
