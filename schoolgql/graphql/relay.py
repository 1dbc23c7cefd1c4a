"""Relay building blocks: the Node interface, global ids and connections."""

import base64
import binascii
from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

import strawberry

from schoolgql.graphql.markers import computed
from schoolgql.kit.errors import InvalidInput
from schoolgql.kit.pagination import (
    MAX_ID,
    Page,
    encode_cursor,
)

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")

# A valid global id is under 40 characters, so anything longer is rejected
# before decoding.
MAX_GLOBAL_ID_LENGTH = 100


@strawberry.interface(description="An object with a global ID.")
class Node:
    row_id: strawberry.Private[int]

    # Computed when a query selects it: a roster of 1,000 enrollments that
    # does not ask for ids skips 2,000 base64 encodings.
    @strawberry.field(
        description="Global ID of the object; `node(id:)` fetches it again."
    )
    @computed
    def id(self) -> strawberry.ID:
        type_name = type(self).__strawberry_definition__.name  # type: ignore[attr-defined]
        return strawberry.ID(to_global_id(type_name, self.row_id))


def to_global_id(type_name: str, row_id: int) -> str:
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


def parse_global_id(value: str, *, argument: str) -> tuple[str, int]:
    """Split a global id into its type name and row id, or raise InvalidInput."""
    error = InvalidInput(
        f"`{argument}` is not a valid ID. Pass the `id` of an object "
        "returned by this API.",
        field=argument,
    )
    if not value or len(value) > MAX_GLOBAL_ID_LENGTH:
        raise error
    try:
        text = base64.b64decode(value.encode("ascii"), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise error from None

    type_name, separator, digits = text.partition(":")
    if not separator or not type_name.isalpha() or not digits.isdigit():
        raise error
    if not digits.isascii() or not 0 < int(digits) <= MAX_ID:
        raise error
    # "Course:01" names the same row as "Course:1", but only the id this
    # API issued is valid.
    if to_global_id(type_name, int(digits)) != value:
        raise error
    return type_name, int(digits)


def parse_typed_global_id(value: str, *, type_name: str, argument: str) -> int:
    """Return the row id of a global id that must name `type_name`."""
    found_type, row_id = parse_global_id(value, argument=argument)
    if found_type != type_name:
        raise InvalidInput(
            f"`{argument}` must be the ID of a {type_name}; "
            f"got the ID of a {found_type}.",
            field=argument,
        )
    return row_id


@strawberry.type(description="Where a page sits in its connection.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether more items follow this page."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether items precede this page."
    )
    start_cursor: str | None = strawberry.field(
        description="Cursor of the first item; pass it as `before`."
    )
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item; pass it as `after`."
    )


@strawberry.type(description="An item of a connection and its cursor.")
class Edge(Generic[NodeT]):
    node_type: strawberry.Private[str]
    row_id: strawberry.Private[int]

    @strawberry.field(description="Opaque position of this item.")
    @computed
    def cursor(self) -> str:
        return encode_cursor(self.node_type, self.row_id)

    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(description="A page of items ordered by id.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="Items of this page.")
    page_info: PageInfo = strawberry.field(description="Cursors of this page.")


First = Annotated[
    int | None,
    strawberry.argument(
        description="Number of items from the start; at most the maximum page size."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Return items after this cursor."),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Number of items from the end; at most the maximum page size."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="Return items before this cursor."),
]


def connection_from_page(
    page: Page[RowT], node_type: str, convert: Callable[[RowT], NodeT]
) -> Connection[NodeT]:
    """Map a page of rows to a connection of GraphQL objects."""
    edges = [
        Edge(node_type=node_type, row_id=row.id, node=convert(row))  # type: ignore[attr-defined]
        for row in page.rows
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor() if edges else None,
            end_cursor=edges[-1].cursor() if edges else None,
        ),
    )
