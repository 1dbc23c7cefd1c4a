"""Attempt limits on credential fields, counted per field executed.

Aliases and batched operations run the field once per occurrence, and
each occurrence counts, so neither multiplies the attempts a client gets.
"""

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension

from schoolgql.graphql.context import Info
from schoolgql.kit.errors import RateLimited

AccountOf = Callable[[dict[str, Any]], str | None]


def email_argument(name: str = "email") -> AccountOf:
    """Read the account from an email argument, or from `input.<name>`."""

    def account_of(arguments: dict[str, Any]) -> str | None:
        value = arguments.get(name)
        if value is None and "input" in arguments:
            value = getattr(arguments["input"], name, None)
        return value.strip().lower() if isinstance(value, str) else None

    return account_of


class AttemptLimit(FieldExtension):
    """Limits how often one address, and one account, may run a field.

    `account_of` names the account an attempt targets from the field's
    arguments; with `per_viewer`, the logged-in viewer is the account.
    """

    def __init__(
        self,
        action: str,
        *,
        account_of: AccountOf | None = None,
        per_viewer: bool = False,
    ) -> None:
        super().__init__()
        self.action = action
        self.account_of = account_of
        self.per_viewer = per_viewer

    async def resolve_async(
        self,
        next_: Callable[..., Awaitable[Any]],
        source: Any,
        info: Info,
        **kwargs: Any,
    ) -> Any:
        context = info.context
        settings = context.settings
        keys = [f"{self.action}:address:{context.client_address}"]
        limits = [settings.credential_attempts_per_address]

        account = await self._account(info, kwargs)
        if account is not None:
            digest = hashlib.sha256(account.encode()).hexdigest()[:32]
            keys.append(f"{self.action}:account:{digest}")
            limits.append(settings.credential_attempts_per_account)

        counts = await context.attempt_counter.hit(
            keys, window_seconds=settings.credential_attempt_window_seconds
        )
        over = [
            count
            for count, limit in zip(counts, limits, strict=True)
            if count.attempts > limit
        ]
        if over:
            retry_after = max(count.seconds_left for count in over)
            raise RateLimited(
                f"Too many {self.action} attempts; retry after "
                f"{int(retry_after)} seconds.",
                retry_after_seconds=float(int(retry_after)),
            )
        return await next_(source, info, **kwargs)

    async def _account(self, info: Info, arguments: dict[str, Any]) -> str | None:
        if self.per_viewer:
            viewer = await info.context.viewer()
            return None if viewer is None else f"user:{viewer.user_id}"
        if self.account_of is not None:
            return self.account_of(arguments)
        return None
