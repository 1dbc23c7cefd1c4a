"""The `rateLimit` root field: a client's cost budget, read without spending."""

import strawberry

from schoolgql.graphql.context import Info


@strawberry.type(description="A client's query-cost budget.")
class RateLimit:
    capacity: int = strawberry.field(description="Points in a full budget.")
    remaining: int = strawberry.field(description="Points left to spend now.")
    refill_per_second: float = strawberry.field(
        description="Points the budget regains each second, up to its capacity."
    )


@strawberry.type
class BudgetQuery:
    @strawberry.field(
        description="This client's cost budget. Reading it costs nothing."
    )
    async def rate_limit(self, info: Info) -> RateLimit:
        bucket = info.context.rate_limiter
        client_key = await info.context.client_key()
        state = await bucket.spend(client_key, 0, dry_run=True)
        return RateLimit(
            capacity=bucket.capacity,
            remaining=int(state.remaining),
            refill_per_second=bucket.refill_per_second,
        )
