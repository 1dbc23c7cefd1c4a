"""Permission classes that fields declare; domain rules build on `ViewerRule`.

A rule runs before its field resolves. Without a valid viewer it raises
Unauthenticated; a viewer it does not admit gets PermissionDenied
(FORBIDDEN). Administrators pass every rule.

`admits_now` lets the executor skip the async check of a plain field (see
schoolgql/graphql/execution.py). It may return True only where
`has_permission` would return True; every other case, denials included,
goes through `has_permission`.
"""

from typing import Any

from strawberry.permission import BasePermission

from schoolgql.accounts.viewer import Viewer
from schoolgql.graphql.context import Info
from schoolgql.kit.errors import PermissionDenied, Unauthenticated

LOG_IN_MESSAGE = (
    "Log in to see this field: send `Authorization: Bearer <access token>`."
)


class ViewerRule(BasePermission):
    """Admit administrators, and other viewers for whom `allows` returns True."""

    message = "You may not see this field."

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = await info.context.viewer()
        if viewer is None:
            raise Unauthenticated(LOG_IN_MESSAGE)
        if viewer.is_admin:
            return True
        return await self.allows(viewer, source, info)

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return False

    def admits_now(self, viewer: Viewer, source: Any) -> bool:
        """Return True if the viewer passes on data at hand, without awaiting."""
        return viewer.is_admin or self.allows_now(viewer, source)

    def allows_now(self, viewer: Viewer, source: Any) -> bool:
        """Return True only where `allows` would; False means "ask `allows`"."""
        return False

    def on_unauthorized(self) -> None:
        raise PermissionDenied(self.message or "You may not see this field.")


class IsAuthenticated(ViewerRule):
    """Admit every viewer with a valid access token."""

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return True

    def allows_now(self, viewer: Viewer, source: Any) -> bool:
        return True


class IsAdmin(ViewerRule):
    message = "Only administrators may use this field."


class IsSelf(ViewerRule):
    """Admit the user the object is (its `row_id`), and administrators."""

    message = "Only this user and administrators may see this field."

    async def allows(self, viewer: Viewer, source: Any, info: Info) -> bool:
        return self.allows_now(viewer, source)

    def allows_now(self, viewer: Viewer, source: Any) -> bool:
        return bool(source.row_id == viewer.user_id)
