"""SchoolExecutor returns exactly what graphql-core's generic path returns.

Each query runs on a small schema twice, once with Strawberry's default
executor and once with SchoolExecutor, and the whole results are compared:
data, errors, their messages, paths and locations.
"""

import asyncio
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
import strawberry
from strawberry.permission import BasePermission
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionResult

from schoolgql.accounts.viewer import Viewer
from schoolgql.graphql.execution import SchoolExecutor
from schoolgql.graphql.markers import resolved_from
from schoolgql.graphql.permissions import IsAuthenticated, ViewerRule
from schoolgql.models import Role


class OwnPet(ViewerRule):
    """Admit the pet's owner, checked synchronously."""

    message = "Only the owner may see this."

    def allows_now(self, viewer: Viewer, source: Any) -> bool:
        return bool(source.owner_id == viewer.user_id)

    async def allows(self, viewer: Viewer, source: Any, info: Any) -> bool:
        return self.allows_now(viewer, source)


class AsyncOnly(ViewerRule):
    """Admit owners only through the async check."""

    message = "Only the owner may see this, checked later."

    async def allows(self, viewer: Viewer, source: Any, info: Any) -> bool:
        await asyncio.sleep(0)
        return bool(source.owner_id == viewer.user_id)


class NotARule(BasePermission):
    message = "Never."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Toy:
    name: str
    squeaks: int | None


@strawberry.type
class Pet:
    owner_id: strawberry.Private[int]
    name: str
    nickname: str | None
    age: int
    secret: str = strawberry.field(permission_classes=[OwnPet])
    later: str = strawberry.field(permission_classes=[AsyncOnly])
    never: str | None = strawberry.field(permission_classes=[NotARule])
    signed_in: str = strawberry.field(permission_classes=[IsAuthenticated])
    toys: list[Toy]
    maybe_toys: list[Toy | None] | None
    best_toy: Toy | None
    loaded_rival: strawberry.Private["Pet | None"] = None

    @strawberry.field
    @resolved_from("loaded_rival")
    async def rival(self) -> "Pet":
        if self.loaded_rival is not None:
            return self.loaded_rival
        return make_pet(owner_id=99, name="Loaded later")


def make_pet(**overrides: Any) -> Pet:
    values: dict[str, Any] = {
        "owner_id": 1,
        "name": "Rex",
        "nickname": None,
        "age": 3,
        "secret": "bone",
        "later": "walk",
        "never": "x",
        "signed_in": "hi",
        "toys": [Toy(name="ball", squeaks=2), Toy(name="rope", squeaks=None)],
        "maybe_toys": None,
        "best_toy": None,
    }
    return Pet(**(values | overrides))


PETS: list[Pet] = []


@strawberry.type
class Query:
    @strawberry.field
    def pets(self) -> list[Pet]:
        return PETS


@dataclass
class Context:
    """The two methods of RequestContext that the rules and executor use."""

    current_viewer: Viewer | None
    settled: bool = True

    async def viewer(self) -> Viewer | None:
        return self.current_viewer

    def settled_viewer(self) -> tuple[bool, Viewer | None]:
        return self.settled, self.current_viewer


GENERIC = strawberry.Schema(
    query=Query, execution_context_class=StrawberryGraphQLCoreExecutionContext
)
FAST = strawberry.Schema(query=Query, execution_context_class=SchoolExecutor)
OWNER = Viewer(user_id=1, role=Role.STUDENT, session_id=1)
STRANGER = Viewer(user_id=2, role=Role.STUDENT, session_id=1)
ADMIN = Viewer(user_id=3, role=Role.ADMIN, session_id=1)


async def run_both(
    pets: list[Pet], document: str, context: Context
) -> tuple[dict[str, Any], dict[str, Any]]:
    PETS[:] = pets
    generic = await GENERIC.execute(document, context_value=context)
    fast = await FAST.execute(document, context_value=context)
    return formatted(generic), formatted(fast)


def formatted(result: ExecutionResult) -> dict[str, Any]:
    response: dict[str, Any] = {"data": result.data}
    if result.errors:
        response["errors"] = [error.formatted for error in result.errors]
    return response


CASES = {
    "plain fields": ("{ pets { name nickname age } }", [make_pet()]),
    "null in a non-null leaf": ("{ pets { name age } }", [make_pet(age=None)]),
    "leaf that does not coerce": ("{ pets { age } }", [make_pet(age="three")]),
    "objects and nested nulls": (
        "{ pets { toys { name squeaks } bestToy { name } } }",
        [make_pet(best_toy=Toy(name="stick", squeaks=1))],
    ),
    "null in a non-null list item": (
        "{ pets { name toys { name } } }",
        [make_pet(toys=[Toy(name="ball", squeaks=1), None])],
    ),
    "null item in a nullable list": (
        "{ pets { maybeToys { name } } }",
        [make_pet(maybe_toys=[None, Toy(name="ball", squeaks=1)])],
    ),
    "error inside a list item": (
        "{ pets { toys { name } } }",
        [make_pet(toys=[Toy(name="ball", squeaks=1), Toy(name=None, squeaks=1)])],
    ),
    "value of the wrong type": (
        "{ pets { bestToy { name } } }",
        [make_pet(best_toy=3)],
    ),
    "permission rules": (
        "{ pets { secret later signedIn never } }",
        [make_pet(), make_pet(owner_id=2)],
    ),
    "carried value and its resolver": (
        "{ pets { rival { name secret } } }",
        [make_pet(loaded_rival=make_pet(name="Max")), make_pet()],
    ),
    "aliases and fragments": (
        "{ pets { a: name ...F ... on Pet { b: age } } } fragment F on Pet { name }",
        [make_pet()],
    ),
}


@pytest.mark.parametrize("viewer", [OWNER, STRANGER, ADMIN, None])
@pytest.mark.parametrize("case", CASES)
async def test_fast_path_matches_generic(case: str, viewer: Viewer | None) -> None:
    document, pets = CASES[case]

    generic, fast = await run_both(pets, document, Context(viewer))

    assert fast == generic


async def test_unsettled_viewer_takes_generic_path() -> None:
    document = "{ pets { secret signedIn } }"

    generic, fast = await run_both(
        [make_pet()], document, Context(OWNER, settled=False)
    )

    assert fast == generic
    assert fast == {"data": {"pets": [{"secret": "bone", "signedIn": "hi"}]}}


async def test_denied_field_reports_rule_message() -> None:
    generic, fast = await run_both(
        [make_pet(owner_id=2)], "{ pets { secret } }", Context(OWNER)
    )

    assert fast == generic
    assert fast["data"] is None
    assert [error["message"] for error in fast["errors"]] == [
        "Only the owner may see this."
    ]
    assert [error["path"] for error in fast["errors"]] == [["pets", 0, "secret"]]


class CountingExecutor(SchoolExecutor):
    """SchoolExecutor that counts the fields it leaves to the generic path."""

    generic_fields: ClassVar[list[str]] = []

    def _execute_generic(self, parent_type: Any, source: Any, *args: Any) -> Any:
        field_details_list = args[0]
        name = field_details_list[0].node.name.value
        type(self).generic_fields.append(f"{parent_type.name}.{name}")
        return super()._execute_generic(parent_type, source, *args)


COUNTING = strawberry.Schema(query=Query, execution_context_class=CountingExecutor)


@pytest.mark.parametrize(
    ("viewer", "generic_fields"),
    [
        (OWNER, ["Query.pets"]),
        (ADMIN, ["Query.pets"]),
        (STRANGER, ["Query.pets", "Pet.secret", "Pet.secret"]),
    ],
)
async def test_plain_fields_skip_generic_path(
    viewer: Viewer, generic_fields: list[str]
) -> None:
    PETS[:] = [make_pet(loaded_rival=make_pet(name="Max"))]
    CountingExecutor.generic_fields = []
    document = "{ pets { name age toys { name } secret rival { name secret } } }"

    result = await COUNTING.execute(document, context_value=Context(viewer))

    assert CountingExecutor.generic_fields == generic_fields
    if viewer is STRANGER:
        assert result.data is None
    else:
        assert result.errors is None
