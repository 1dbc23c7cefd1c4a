"""Computed grade figures, aggregated in SQL for many parents at once.

Each function serves a loader: one statement for every key of a batch.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Float, Subquery, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.models import Assessment, Grade

# Averages, means and medians are rounded to this many decimal places.
FIGURE_PLACES = 2
# The grades of posted assessments, which students and anonymous viewers see.
POSTED_ASSESSMENT_IDS = select(Assessment.id).where(
    Assessment.grades_posted_at.is_not(None)
)


@dataclass(frozen=True, slots=True)
class ScoreStatistics:
    """Figures over one assessment's scores; all but `count` are None without scores."""

    assessment_id: int
    course_id: int
    count: int
    mean: float | None
    median: float | None
    lowest: float | None
    highest: float | None


async def weighted_averages(
    session: AsyncSession, enrollment_ids: Sequence[int], *, posted_only: bool
) -> list[float | None]:
    """Return each enrollment's weighted average, as a percentage, in order.

    The average is SUM(score / max_score * weight) / SUM(weight) over the
    graded assessments, times 100. It is None without grades or when their
    weights sum to 0. Like the mean and median, it is rounded to two
    decimal places, which hides floating-point noise such as 64.99999999999999.
    """
    score = cast(Grade.score, Float)
    weight = cast(Assessment.weight, Float)
    weighted = func.sum(score / cast(Grade.max_score, Float) * weight)
    average = weighted / func.nullif(func.sum(weight), 0) * 100
    statement = (
        select(Grade.enrollment_id, average)
        .join(Assessment, Assessment.id == Grade.assessment_id)
        .where(Grade.enrollment_id.in_(set(enrollment_ids)))
        .group_by(Grade.enrollment_id)
    )
    if posted_only:
        statement = statement.where(Assessment.grades_posted_at.is_not(None))
    averages: dict[int, float | None] = {
        row[0]: _rounded(row[1]) for row in await session.execute(statement)
    }
    return [averages.get(enrollment_id) for enrollment_id in enrollment_ids]


async def statistics_by_assessment(
    session: AsyncSession, assessment_ids: Sequence[int], *, posted_only: bool
) -> list[ScoreStatistics | None]:
    """Return each assessment's score statistics, None for a missing assessment."""
    rows = await _statistics(
        session, Assessment.id.in_(set(assessment_ids)), posted_only=posted_only
    )
    by_id = {row.assessment_id: row for row in rows}
    return [by_id.get(assessment_id) for assessment_id in assessment_ids]


async def statistics_by_course(
    session: AsyncSession, course_ids: Sequence[int], *, posted_only: bool
) -> list[list[ScoreStatistics] | None]:
    """Return, per course, the statistics of each of its assessments by id."""
    rows = await _statistics(
        session, Assessment.course_id.in_(set(course_ids)), posted_only=posted_only
    )
    by_course: dict[int, list[ScoreStatistics]] = {
        course_id: [] for course_id in course_ids
    }
    for row in rows:
        by_course[row.course_id].append(row)
    return [by_course[course_id] for course_id in course_ids]


async def _statistics(
    session: AsyncSession, assessments: ColumnElement[bool], *, posted_only: bool
) -> list[ScoreStatistics]:
    grade_conditions = [
        Grade.assessment_id.in_(select(Assessment.id).where(assessments))
    ]
    if posted_only:
        grade_conditions.append(Grade.assessment_id.in_(POSTED_ASSESSMENT_IDS))
    dialect = session.get_bind().dialect.name
    figures = _figures(grade_conditions, use_percentile=dialect == "postgresql")
    statement = (
        select(
            Assessment.id,
            Assessment.course_id,
            figures.c.count,
            figures.c.mean,
            figures.c.median,
            figures.c.lowest,
            figures.c.highest,
        )
        .outerjoin(figures, figures.c.assessment_id == Assessment.id)
        .where(assessments)
        .order_by(Assessment.id)
    )
    return [
        ScoreStatistics(
            assessment_id=row[0],
            course_id=row[1],
            count=row[2] or 0,
            mean=_rounded(row[3]),
            median=_rounded(row[4]),
            lowest=row[5],
            highest=row[6],
        )
        for row in await session.execute(statement)
    ]


def _rounded(value: float | Decimal | None) -> float | None:
    return None if value is None else round(float(value), FIGURE_PLACES)


def _figures(
    conditions: Sequence[ColumnElement[bool]], *, use_percentile: bool
) -> Subquery:
    """Build the per-assessment aggregate as a subquery.

    PostgreSQL has percentile_cont for the median. SQLite has no
    percentile function, so there the scores are ranked in a window and
    the median is the mean of the one or two middle ranks.
    """
    score = cast(Grade.score, Float)
    if use_percentile:
        median = func.percentile_cont(0.5).within_group(score)
        return (
            select(
                Grade.assessment_id.label("assessment_id"),
                func.count().label("count"),
                func.avg(score).label("mean"),
                median.label("median"),
                func.min(score).label("lowest"),
                func.max(score).label("highest"),
            )
            .where(*conditions)
            .group_by(Grade.assessment_id)
            .subquery()
        )

    ranked = (
        select(
            Grade.assessment_id.label("assessment_id"),
            score.label("score"),
            func.row_number()
            .over(partition_by=Grade.assessment_id, order_by=Grade.score)
            .label("position"),
            func.count().over(partition_by=Grade.assessment_id).label("total"),
        )
        .where(*conditions)
        .subquery()
    )
    middle = ranked.c.position.in_(
        [(ranked.c.total + 1) // 2, (ranked.c.total + 2) // 2]
    )
    return (
        select(
            ranked.c.assessment_id,
            func.count().label("count"),
            func.avg(ranked.c.score).label("mean"),
            func.avg(case((middle, ranked.c.score))).label("median"),
            func.min(ranked.c.score).label("lowest"),
            func.max(ranked.c.score).label("highest"),
        )
        .group_by(ranked.c.assessment_id)
        .subquery()
    )
