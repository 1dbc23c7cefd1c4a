"""Markers that let SchoolExecutor skip a resolver call.

See schoolgql/graphql/execution.py for the fast path that reads them.
"""

from collections.abc import Callable
from typing import Any, TypeVar

ResolverT = TypeVar("ResolverT", bound=Callable[..., Any])

# The name of the function attribute that `resolved_from` sets.
RESOLVED_FROM = "schoolgql_resolved_from"


def resolved_from(attribute: str) -> Callable[[ResolverT], ResolverT]:
    """Mark a resolver whose result the parent object may carry in `attribute`.

    When `attribute` of the parent is not None, the executor reads it
    instead of calling the resolver, after the same permission checks. The
    resolver must return that same value when it is set, because fields
    that miss the fast path still call the resolver.
    """

    def mark(resolver: ResolverT) -> ResolverT:
        setattr(resolver, RESOLVED_FROM, attribute)
        return resolver

    return mark


# The name of the function attribute that `computed` sets.
COMPUTED = "schoolgql_computed"


def computed(resolver: ResolverT) -> ResolverT:
    """Mark a resolver that only computes a value from its parent object.

    It must be synchronous, take no argument besides `self`, and have no
    side effects. The executor may then call it directly with the parent,
    after the same permission checks, instead of through Strawberry.
    """
    setattr(resolver, COMPUTED, True)
    return resolver
