from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.kit.constraints import is_unique_violation
from schoolgql.kit.pagination import Page, PageRequest
from schoolgql.kit.repository import get_many_by_ids, get_page
from schoolgql.models import Course, Term
from schoolgql.terms.errors import TermNameTaken


async def get_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Term | None]:
    return await get_many_by_ids(session, Term, ids)


async def get_for_update(session: AsyncSession, term_id: int) -> Term | None:
    """Load a term and lock its row, which also holds back new courses in it."""
    statement = select(Term).where(Term.id == term_id).with_for_update()
    return (await session.scalars(statement)).one_or_none()


async def list_page(session: AsyncSession, page: PageRequest) -> Page[Term]:
    return await get_page(session, Term, page)


async def save(session: AsyncSession, term: Term) -> Term:
    """Insert or update a term, or raise TermNameTaken.

    The unique constraint decides, so two concurrent writes of one name
    cannot both succeed; the savepoint keeps the transaction usable.
    """
    # Read before the flush: a failed flush expires the instance, and
    # reading an attribute afterwards would query a failed transaction.
    name = term.name
    try:
        async with session.begin_nested():
            session.add(term)
            await session.flush()
    except IntegrityError as error:
        if is_unique_violation(error, "terms", ["name"]):
            raise TermNameTaken(name) from None
        raise
    return term


async def count_courses(session: AsyncSession, term_id: int) -> int:
    statement = select(func.count()).where(Course.term_id == term_id)
    return (await session.execute(statement)).scalar_one()


async def delete(session: AsyncSession, term: Term) -> None:
    await session.delete(term)
    await session.flush()


async def archive_courses(
    session: AsyncSession, term_id: int, archived_at: datetime
) -> None:
    """Archive the term's courses that are not archived yet."""
    statement = (
        update(Course)
        .where(Course.term_id == term_id, Course.archived_at.is_(None))
        .values(archived_at=archived_at)
    )
    await session.execute(statement)
