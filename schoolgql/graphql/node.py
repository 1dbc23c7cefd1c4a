"""The `node` and `nodes` root fields: any object by its global id."""

import asyncio
from collections.abc import Callable
from typing import Any

import strawberry

from schoolgql.accounts.types import Admin
from schoolgql.courses.types import Course
from schoolgql.enrollments.types import Enrollment
from schoolgql.grading.types import Assessment, Grade
from schoolgql.graphql.context import Info
from schoolgql.graphql.loaders import ByIdLoader, Loaders
from schoolgql.graphql.relay import Node, parse_global_id
from schoolgql.kit.errors import InvalidInput
from schoolgql.people.types import Student, Teacher
from schoolgql.terms.types import Term

NodeSource = tuple[Callable[[Loaders], ByIdLoader[Any]], Callable[[Any], Node]]

NODE_SOURCES: dict[str, NodeSource] = {
    "Term": (lambda loaders: loaders.term, Term.from_model),
    "Course": (lambda loaders: loaders.course, Course.from_model),
    "Student": (lambda loaders: loaders.student, Student.from_model),
    "Teacher": (lambda loaders: loaders.teacher, Teacher.from_model),
    "Enrollment": (lambda loaders: loaders.enrollment, Enrollment.from_model),
    "Assessment": (lambda loaders: loaders.assessment, Assessment.from_model),
    "Grade": (lambda loaders: loaders.grade, Grade.from_model),
    "Admin": (lambda loaders: loaders.admin, Admin.from_model),
}


def _parse_node_id(global_id: str, *, argument: str) -> tuple[NodeSource, int]:
    type_name, row_id = parse_global_id(global_id, argument=argument)
    source = NODE_SOURCES.get(type_name)
    if source is None:
        raise InvalidInput(
            f"`{argument}` is not a valid ID. Pass the `id` of an object "
            "returned by this API.",
            field=argument,
        )
    return source, row_id


async def _load_node(info: Info, source: NodeSource, row_id: int) -> Node | None:
    select_loader, convert = source
    row = await select_loader(info.context.loaders).load(row_id)
    return None if row is None else convert(row)


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID; null if none has it.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        source, row_id = _parse_node_id(id, argument="id")
        return await _load_node(info, source, row_id)

    @strawberry.field(
        description="Objects by global ID, in the order given; null where none has it."
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        limit = info.context.settings.max_nodes_per_request
        if len(ids) > limit:
            raise InvalidInput(
                f"`ids` may list at most {limit} IDs; got {len(ids)}.", field="ids"
            )
        parsed = [
            _parse_node_id(global_id, argument=f"ids[{index}]")
            for index, global_id in enumerate(ids)
        ]
        # Loading all at once lets each loader batch them into one statement.
        return await asyncio.gather(
            *(_load_node(info, source, row_id) for source, row_id in parsed)
        )
