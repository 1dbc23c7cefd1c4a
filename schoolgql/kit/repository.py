"""Query shapes every domain repository shares: by ids, and pages by parent."""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from schoolgql.kit.pagination import (
    Page,
    PageRequest,
    build_page,
    group_pages,
    paginate,
    paginate_per_parent,
)

ModelT = TypeVar("ModelT")


async def get_many_by_ids(
    session: AsyncSession, model: type[ModelT], ids: Sequence[int]
) -> list[ModelT | None]:
    """Load rows by id, returned in the order of `ids` with None for a missing id."""
    id_column: Any = model.id  # type: ignore[attr-defined]
    result = await session.scalars(select(model).where(id_column.in_(set(ids))))
    by_id = {row.id: row for row in result}  # type: ignore[attr-defined]
    return [by_id.get(row_id) for row_id in ids]


async def get_page(
    session: AsyncSession,
    model: type[ModelT],
    page: PageRequest,
    *conditions: ColumnElement[bool],
) -> Page[ModelT]:
    id_column: Any = model.id  # type: ignore[attr-defined]
    statement = paginate(select(model).where(*conditions), id_column, page)
    rows = (await session.scalars(statement)).all()
    return build_page(rows, page)


async def get_pages_by_parent(
    session: AsyncSession,
    model: type[ModelT],
    parent_column: InstrumentedAttribute[int],
    parent_ids: Sequence[int],
    page: PageRequest,
) -> list[Page[ModelT]]:
    """Load one page of children for each parent id with one statement."""
    id_column: Any = model.id  # type: ignore[attr-defined]
    base = select(model).where(parent_column.in_(set(parent_ids)))
    statement = paginate_per_parent(base, model, parent_column, id_column, page)
    rows = (await session.scalars(statement)).all()
    parent_key = parent_column.key
    return group_pages(rows, parent_ids, lambda row: getattr(row, parent_key), page)
