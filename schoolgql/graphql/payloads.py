"""The mutation payload convention: the result, or `userErrors` for bad input.

Every mutation returns a payload type with its result fields and a
`userErrors` list. Input that fails validation (InvalidInput) rolls the
transaction back and comes back as user errors, with the result fields
null; InvalidInputs becomes one user error per problem. Failures that
are not about the input (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, internal
errors) stay top-level GraphQL errors.
"""

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.graphql.context import Info
from schoolgql.kit.errors import InvalidInput, InvalidInputs


@strawberry.type(description="A problem with the input of a mutation.")
class UserError:
    field: str | None = strawberry.field(
        description="Input field at fault, such as `email`; null for the whole input."
    )
    message: str = strawberry.field(description="What is wrong and how to fix it.")
    code: str = strawberry.field(
        description="Machine-readable code: BAD_USER_INPUT, or a more specific "
        "one such as COURSE_FULL."
    )


class Payload(Protocol):
    user_errors: list[UserError]


PayloadT = TypeVar("PayloadT", bound=Payload)


async def run_mutation(
    info: Info,
    failed: Callable[[list[UserError]], PayloadT],
    action: Callable[[AsyncSession], Awaitable[PayloadT]],
) -> PayloadT:
    """Run `action` in the field's transaction; map invalid input to user errors."""
    try:
        async with info.context.transaction() as session:
            return await action(session)
    except InvalidInput as error:
        problems = error.errors if isinstance(error, InvalidInputs) else [error]
        return failed([_user_error(problem) for problem in problems])


def _user_error(error: InvalidInput) -> UserError:
    return UserError(field=error.field, message=error.message, code=error.code)
