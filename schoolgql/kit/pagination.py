"""Keyset pagination by id with opaque, type-checked cursors."""

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, Subquery, and_, bindparam, func, select
from sqlalchemy.orm import aliased

from schoolgql.kit.errors import InvalidInput

RowT = TypeVar("RowT")

# Ids are PostgreSQL INTEGER columns.
MAX_ID = 2**31 - 1
CURSOR_PREFIX = "cursor:v1:"
# A valid cursor is under 40 characters, so anything longer is rejected
# before decoding.
MAX_CURSOR_LENGTH = 100


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A request for one page of a connection, ordered by id."""

    limit: int
    after_id: int | None = None
    before_id: int | None = None
    backwards: bool = False


@dataclass(frozen=True, slots=True)
class Page(Generic[RowT]):
    rows: Sequence[RowT]
    has_next_page: bool
    has_previous_page: bool


@dataclass(frozen=True, slots=True)
class PageLimits:
    default_size: int
    max_size: int


def encode_cursor(node_type: str, row_id: int) -> str:
    raw = f"{CURSOR_PREFIX}{node_type}:{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str, *, node_type: str, argument: str) -> int:
    """Return the id inside `cursor`, or raise InvalidInput naming the argument."""
    error = InvalidInput(
        f"`{argument}` is not a valid cursor for this {node_type} connection. "
        "Pass a cursor from this connection's edges or pageInfo.",
        field=argument,
    )
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise error
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise error from None

    prefix = f"{CURSOR_PREFIX}{node_type}:"
    digits = text.removeprefix(prefix)
    if digits == text or not digits.isascii() or not digits.isdigit():
        raise error
    row_id = int(digits)
    # Only the exact text encode_cursor issues is valid: the decoder above
    # skips stray characters and padding, and int() skips leading zeros.
    if not 0 < row_id <= MAX_ID or encode_cursor(node_type, row_id) != cursor:
        raise error
    return row_id


def parse_page_request(
    *,
    node_type: str,
    limits: PageLimits,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> PageRequest:
    """Validate Relay connection arguments and turn them into a PageRequest."""
    if first is not None and last is not None:
        raise InvalidInput("Pass either `first` or `last`, not both.", field="first")
    _check_size("first", first, limits.max_size)
    _check_size("last", last, limits.max_size)

    after_id = (
        None
        if after is None
        else decode_cursor(after, node_type=node_type, argument="after")
    )
    before_id = (
        None
        if before is None
        else decode_cursor(before, node_type=node_type, argument="before")
    )
    if last is not None:
        return PageRequest(last, after_id, before_id, backwards=True)
    limit = limits.default_size if first is None else first
    return PageRequest(limit, after_id, before_id)


def _check_size(argument: str, value: int | None, max_size: int) -> None:
    if value is not None and not 0 <= value <= max_size:
        raise InvalidInput(
            f"`{argument}` must be between 0 and {max_size}; got {value}.",
            field=argument,
        )


def paginate(
    statement: Select[Any], id_column: ColumnElement[int], page: PageRequest
) -> Select[Any]:
    """Apply the page's bounds, order and limit (one extra row) to a statement."""
    statement = statement.where(*_bounds(id_column, page))
    order = id_column.desc() if page.backwards else id_column.asc()
    return statement.order_by(order).limit(page.limit + 1)


# Names of the bound parameters of per_parent_statement().
PARENT_IDS_PARAMETER = "parent_ids"
AFTER_ID_PARAMETER = "after_id"
BEFORE_ID_PARAMETER = "before_id"
ROW_LIMIT_PARAMETER = "row_limit"


def per_parent_statement(
    entity: Any,
    parent_column: ColumnElement[int],
    id_column: ColumnElement[int],
    *,
    backwards: bool,
    after: bool,
    before: bool,
) -> Select[Any]:
    """Build one statement that loads a page of rows for each of many parents.

    A window function numbers each parent's rows, so one statement returns
    the first `limit + 1` rows of every parent, on PostgreSQL and SQLite
    alike. Parent ids, bounds and limit are bound parameters that
    per_parent_parameters() fills, so one statement serves every page with
    the same direction and bounds.
    """
    numbered = numbered_rows(
        select(entity),
        parent_column,
        id_column,
        backwards=backwards,
        after=after,
        before=before,
    )
    row = aliased(entity, numbered)
    return (
        select(row)
        .where(numbered.c.position <= bindparam(ROW_LIMIT_PARAMETER))
        .order_by(numbered.c.position)
    )


def numbered_rows(
    statement: Select[Any],
    parent_column: ColumnElement[int],
    id_column: ColumnElement[int],
    *,
    backwards: bool,
    after: bool,
    before: bool,
) -> Subquery:
    """Return `statement` as a subquery of the parents' rows, each numbered.

    Its `position` column counts each parent's rows from 1 in page order.
    A statement that selects from it keeps the rows whose position is at
    most the ROW_LIMIT_PARAMETER and orders them by position, as
    per_parent_statement() does.
    """
    order = id_column.desc() if backwards else id_column.asc()
    position = func.row_number().over(partition_by=parent_column, order_by=order)
    conditions: list[ColumnElement[bool]] = [
        parent_column.in_(bindparam(PARENT_IDS_PARAMETER, expanding=True))
    ]
    if after:
        conditions.append(id_column > bindparam(AFTER_ID_PARAMETER))
    if before:
        conditions.append(id_column < bindparam(BEFORE_ID_PARAMETER))
    return (
        statement.where(*conditions).add_columns(position.label("position")).subquery()
    )


def per_parent_parameters(
    parent_ids: Sequence[int], page: PageRequest
) -> dict[str, Any]:
    """Return the parameters of per_parent_statement() for these parents and page."""
    parameters: dict[str, Any] = {
        PARENT_IDS_PARAMETER: sorted(set(parent_ids)),
        # One extra row shows whether another page follows.
        ROW_LIMIT_PARAMETER: page.limit + 1,
    }
    if page.after_id is not None:
        parameters[AFTER_ID_PARAMETER] = page.after_id
    if page.before_id is not None:
        parameters[BEFORE_ID_PARAMETER] = page.before_id
    return parameters


def _bounds(id_column: ColumnElement[int], page: PageRequest) -> list[Any]:
    bounds = []
    if page.after_id is not None:
        bounds.append(id_column > page.after_id)
    if page.before_id is not None:
        bounds.append(id_column < page.before_id)
    return [and_(*bounds)] if bounds else []


def build_page(rows: Sequence[RowT], page: PageRequest) -> Page[RowT]:
    """Trim the extra row fetched to detect another page, and set the flags."""
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    if page.backwards:
        return Page(
            rows=list(reversed(rows)),
            has_next_page=page.before_id is not None,
            has_previous_page=has_more,
        )
    return Page(
        rows=rows,
        has_next_page=has_more,
        has_previous_page=page.after_id is not None,
    )


def group_pages(
    rows: Sequence[RowT],
    parent_ids: Sequence[int],
    parent_of: Callable[[RowT], int],
    page: PageRequest,
) -> list[Page[RowT]]:
    """Split rows loaded for many parents into one page per parent, in order."""
    by_parent: dict[int, list[RowT]] = {parent_id: [] for parent_id in parent_ids}
    for row in rows:
        by_parent[parent_of(row)].append(row)
    return [build_page(by_parent[parent_id], page) for parent_id in parent_ids]
