"""A graphql-core executor that completes plain fields without a resolver call.

Most fields of a large response only read an attribute of their parent
object: a course's `title`, an enrollment's `status`, a student's
`fullName`. graphql-core builds a resolve info for each of them and
Strawberry calls a resolver wrapper, and a field with a permission class
becomes a coroutine because the rules are async. A roster of 1,000
enrollments resolves about 6,000 such fields.

`SchoolExecutor` reads these fields directly when the result cannot differ
from the generic path's:

- the field has no resolver, or one marked in schoolgql/graphql/markers.py,
  no arguments and no field extension other than its permission classes,
  and the schema has no resolver middleware;
- every permission class is a `ViewerRule` that admits the viewer now, on
  data at hand (`ViewerRule.admits_now`), and the viewer is already known;
- a leaf value coerces to a non-null result.

Everything else, including each denial, each null in a non-null field and
each coercion error, goes through graphql-core's own `execute_field`, so
errors, their paths and null propagation stay exactly as they were. A
resolver marked `resolved_from` takes the fast path through a value its
parent loaded ahead of time, and one marked `computed` is called with the
parent directly.

Below a list of objects whose selection has only such fields, each object
is rendered in one pass from a Selection compiled once per request, and
any case above falls back to the per-field path for that object.

What may differ is timing. Fields that finish at once no longer wait in
tasks beside their async siblings, so async fields start in another
order. When two errors null the same parent, graphql-core 3.3 reports
only the first one. So the error reported may differ, and so may the
order of errors from concurrent fields. The GraphQL spec leaves both open.
"""

import enum
from collections.abc import Awaitable, Callable
from operator import attrgetter
from typing import Any, NamedTuple

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import invalid_return_type_error
from graphql.pyutils import Path, gather_with_cancel
from strawberry.permission import PermissionExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from schoolgql.accounts.viewer import Viewer
from schoolgql.graphql.markers import COMPUTED, RESOLVED_FROM
from schoolgql.graphql.permissions import ViewerRule
from schoolgql.models import Role


class PlainField(NamedTuple):
    """The fast-path plan of one field of one object type."""

    field_def: GraphQLField
    # Reads the field's value from the parent: an attribute getter, or a
    # resolver marked `computed`.
    read: Callable[[Any], Any]
    rules: tuple[ViewerRule, ...]
    # The named scalar or enum type for leaf fields, None for objects and lists.
    leaf_type: GraphQLLeafType | None
    # The leaf type's coerce_output_value, or a faster equivalent.
    coerce: Callable[[Any], Any] | None
    # The object type of a field that returns one object, see `completes_fast`.
    object_type: GraphQLObjectType | None
    # The item type, as declared, of a field that returns a list of objects.
    item_type: GraphQLOutputType | None
    non_null: bool
    # True when None from `read` means "not loaded", so the resolver runs.
    carried: bool


def completes_fast(object_type: GraphQLObjectType) -> bool:
    """Return whether an object of this type may skip its resolve info.

    The resolve info of an object's own field is only read by its
    `is_type_of` check. The checks Strawberry generates ignore it, but a
    type may declare its own.
    """
    definition = object_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return definition is not None and definition.is_type_of is None


# Kinds of SelectedField.
TYPENAME, LEAF, OBJECT, OBJECTS = range(4)


class SelectedField(NamedTuple):
    """One field of a Selection, with what rendering it needs."""

    response_name: str
    kind: int
    read: Callable[[Any], Any]
    rules: tuple[ViewerRule, ...]
    non_null: bool
    carried: bool
    coerce: Callable[[Any], Any]
    # The selection of an OBJECT field's object or an OBJECTS field's items.
    child: "Selection | None"


class Selection(NamedTuple):
    """A selection set on one object type whose fields all read attributes.

    SchoolExecutor renders such a selection in one pass per object, without
    graphql-core's per-field steps, as a compiled query plan would.
    """

    object_type: GraphQLObjectType
    fields: tuple[SelectedField, ...]


# Read once: the check runs for every permission-checked plain field.
ADMIN = Role.ADMIN

# Returned by SchoolExecutor._read_leaf when the generic path must run.
MISSING = object()

# Plans by (parent type, field name); the schema never changes after start-up.
_plans: dict[tuple[GraphQLObjectType, str], PlainField | None] = {}


def output_coercion(leaf_type: GraphQLLeafType) -> Callable[[Any], Any]:
    """Return the leaf type's coerce_output_value, with enum members looked up.

    Strawberry's enum types find a member's name by scanning the enum's
    values on every call. The name of each member never changes, so it is
    computed once here. Any other value goes to the type itself.
    """
    coerce = leaf_type.coerce_output_value
    wrapped = getattr(leaf_type, "wrapped_cls", None)
    if not (isinstance(wrapped, type) and issubclass(wrapped, enum.Enum)):
        return coerce
    names = {member: coerce(member) for member in wrapped}

    def coerce_member(value: Any) -> Any:
        if type(value) is wrapped:
            return names[value]
        return coerce(value)

    return coerce_member


def plan_field(parent_type: GraphQLObjectType, field_name: str) -> PlainField | None:
    """Return the fast-path plan of a field, or None if it must run its resolver."""
    field_def = parent_type.fields.get(field_name)
    if field_def is None or field_def.args:
        return None
    definition = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField):
        return None

    rules: list[ViewerRule] = []
    for extension in definition.extensions:
        if not isinstance(extension, PermissionExtension) or extension.fail_silently:
            return None
        for permission in extension.permissions:
            # A rule with its own has_permission may decide differently
            # from admits_now.
            if not isinstance(permission, ViewerRule) or (
                type(permission).has_permission is not ViewerRule.has_permission
            ):
                return None
            rules.append(permission)

    read: Callable[[Any], Any]
    if definition.base_resolver is None:
        read, carried = attrgetter(definition.python_name), False
    else:
        function = definition.base_resolver.wrapped_func
        carried_in = getattr(function, RESOLVED_FROM, None)
        if carried_in is not None:
            read, carried = attrgetter(carried_in), True
        elif callable(function) and getattr(function, COMPUTED, False):
            read, carried = function, False
        else:
            return None

    return_type = field_def.type
    nullable_type = get_nullable_type(return_type)
    object_type = item_type = None
    if isinstance(nullable_type, GraphQLObjectType) and completes_fast(nullable_type):
        object_type = nullable_type
    elif isinstance(nullable_type, GraphQLList):
        item_object_type = get_nullable_type(nullable_type.of_type)
        if isinstance(item_object_type, GraphQLObjectType) and completes_fast(
            item_object_type
        ):
            item_type = nullable_type.of_type
    leaf_type = nullable_type if is_leaf_type(nullable_type) else None
    return PlainField(
        field_def=field_def,
        read=read,
        rules=tuple(rules),
        leaf_type=leaf_type,
        coerce=None if leaf_type is None else output_coercion(leaf_type),
        object_type=object_type,
        item_type=item_type,
        non_null=is_non_null_type(return_type),
        carried=carried,
    )


def _admits(rules: tuple[ViewerRule, ...], viewer: Viewer | None, value: Any) -> bool:
    """Return whether every rule admits the viewer on `value` without awaiting."""
    if viewer is None:
        return False
    # ViewerRule.has_permission admits administrators before any rule.
    if viewer.role is ADMIN:
        return True
    return all(rule.admits_now(viewer, value) for rule in rules)


def _read_nothing(value: Any) -> Any:
    """Stand in for the reader and coercion of fields that need neither."""
    return value


class SchoolExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor with a fast path for plain fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Strawberry always passes a manager, empty unless an extension
        # defines `resolve`; middleware must see every field, so it turns
        # the fast path off.
        manager = self.middleware_manager
        self._fast_path = manager is None or not manager.middlewares
        self._field_lists: dict[
            int,
            tuple[
                GraphQLObjectType,
                GroupedFieldSet,
                list[tuple[str, FieldDetailsList, PlainField | None]],
            ],
        ] = {}
        # Selections by (object type, id of the field group they complete);
        # each entry keeps its field group alive, so the id is not reused.
        self._selections: dict[
            tuple[GraphQLObjectType, int],
            tuple[FieldDetailsList, Selection | None],
        ] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """Execute fields as graphql-core does, reading fast leaf values in place.

        A leaf field on the fast path needs neither a Path nor a call of
        `execute_field`; every other field takes graphql-core's steps.
        """
        fields = self._planned_fields(parent_type, grouped_field_set)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list, plan in fields:
                if plan is not None and plan.leaf_type is not None:
                    value = self._read_leaf(plan, source_value)
                    if value is not MISSING:
                        results[response_name] = value
                        continue
                field_path = Path(path, response_name, parent_type.name)
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    field_path,
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                # The other fields' awaitables may fail too; let them settle.
                self.settle_in_background([results[name] for name in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._gather_fields(results, awaitable_fields)

    async def _gather_fields(
        self, results: dict[str, Any], awaitable_fields: list[str]
    ) -> dict[str, Any]:
        if len(awaitable_fields) == 1:
            name = awaitable_fields[0]
            results[name] = await results[name]
            return results
        awaited = await gather_with_cancel(
            *(results[name] for name in awaitable_fields)
        )
        results.update(zip(awaitable_fields, awaited, strict=True))
        return results

    def _planned_fields(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[tuple[str, FieldDetailsList, PlainField | None]]:
        """Return each field of a selection set with its plan, once per request.

        graphql-core builds a selection set's grouped field set once per
        request and reuses it for every object of a list, so its identity is
        the key. The cache keeps the field set alive, so the id is not reused.
        """
        key = id(grouped_field_set)
        cached = self._field_lists.get(key)
        if cached is not None and cached[0] is parent_type:
            return cached[2]
        fields = [
            (
                response_name,
                field_details_list,
                self._plan(parent_type, field_details_list),
            )
            for response_name, field_details_list in grouped_field_set.items()
        ]
        self._field_lists[key] = (parent_type, grouped_field_set, fields)
        return fields

    def _plan(
        self, parent_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> PlainField | None:
        if not self._fast_path:
            return None
        key = (parent_type, field_details_list[0].node.name.value)
        try:
            return _plans[key]
        except KeyError:
            plan = _plans[key] = plan_field(*key)
            return plan

    def _read_leaf(self, plan: PlainField, source: Any) -> Any:
        """Return a leaf field's coerced value, or MISSING to take the generic path."""
        if plan.rules and not self._admitted_now(plan.rules, source):
            return MISSING
        try:
            value = plan.read(source)
        except Exception:  # the generic path reports it
            return MISSING
        if value is None:
            return MISSING if plan.carried or plan.non_null else None
        assert plan.coerce is not None
        try:
            coerced = plan.coerce(value)
        except Exception:  # the generic path reports it
            return MISSING
        if coerced is None or coerced is Undefined:
            return MISSING
        return coerced

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        plan = self._plan(parent_type, field_details_list)
        if plan is None:
            return self._execute_generic(
                parent_type, source, field_details_list, path, position_context
            )

        if plan.leaf_type is not None:
            value = self._read_leaf(plan, source)
            if value is MISSING:
                return self._execute_generic(
                    parent_type, source, field_details_list, path, position_context
                )
            return value

        if plan.rules and not self._admitted_now(plan.rules, source):
            return self._execute_generic(
                parent_type, source, field_details_list, path, position_context
            )

        try:
            value = plan.read(source)
        except Exception:  # the generic path reports it
            return self._execute_generic(
                parent_type, source, field_details_list, path, position_context
            )
        if value is None:
            if plan.carried or plan.non_null:
                return self._execute_generic(
                    parent_type, source, field_details_list, path, position_context
                )
            return None
        return self._complete_plain(
            plan, parent_type, field_details_list, path, value, position_context
        )

    def _execute_generic(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _admitted_now(self, rules: tuple[ViewerRule, ...], source: Any) -> bool:
        return _admits(rules, self._viewer_now(), source)

    def _complete_plain(
        self,
        plan: PlainField,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        value: Any,
        position_context: Any,
    ) -> Any:
        """Complete an object or list value read from an attribute.

        This is the second half of graphql-core's `execute_field`: the
        resolver is skipped, the completion and its error handling are not.
        Objects and lists of objects are completed without a resolve info
        where `_complete_object` and `_complete_objects` apply.
        """
        return_type: GraphQLOutputType = plan.field_def.type
        try:
            if isinstance(value, Exception):
                # graphql-core raises an exception found in place of a value.
                raise value
            if plan.object_type is not None:
                completed = self._complete_object(
                    plan.object_type, field_details_list, path, value, position_context
                )
            elif plan.item_type is not None and self._lists_fast(
                field_details_list, path, value
            ):
                completed = self._complete_objects(
                    plan.item_type, field_details_list, path, value, position_context
                )
            else:
                info = self.build_resolve_info(
                    plan.field_def,
                    [details.node for details in field_details_list],
                    parent_type,
                    path,
                )
                completed = self.complete_value(
                    return_type, field_details_list, info, path, value, position_context
                )
        except Exception as raw_error:  # reported as a field error
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return self._await_completed(
                completed, return_type, field_details_list, path
            )
        return completed

    def _complete_object(
        self,
        object_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        value: Any,
        position_context: Any,
    ) -> Any:
        """Complete one non-null object as `complete_object_value` does."""
        is_type_of = object_type.is_type_of
        # completes_fast() admits only Strawberry's own checks, which are
        # synchronous and do not read the resolve info.
        if is_type_of is not None and not is_type_of(value, None):  # type: ignore[arg-type]
            raise invalid_return_type_error(object_type, value, field_details_list)
        return self.collect_and_execute_subfields(
            object_type, field_details_list, path, value, position_context
        )

    def _lists_fast(
        self, field_details_list: FieldDetailsList, path: Path, items: Any
    ) -> bool:
        """Return whether `_complete_objects` can complete these items.

        It takes lists and tuples of objects only: no null, exception or
        awaitable item, and no `@stream`, which the generic path handles.
        """
        if not isinstance(items, (list, tuple)):
            return False
        if self.get_stream_usage(field_details_list, path) is not None:
            return False
        is_awaitable = self.is_awaitable
        return not any(
            item is None or isinstance(item, Exception) or is_awaitable(item)
            for item in items
        )

    def _complete_objects(
        self,
        item_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
        items: list[Any] | tuple[Any, ...],
        position_context: Any,
    ) -> Any:
        """Complete a list of objects as `complete_iterable_value` does."""
        object_type = get_nullable_type(item_type)
        assert isinstance(object_type, GraphQLObjectType)
        selection = self._selection(object_type, field_details_list)
        viewer = self._viewer_now() if selection is not None else None
        is_awaitable = self.is_awaitable
        completed_items: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            for index, item in enumerate(items):
                if selection is not None:
                    rendered = self._render_object(selection, item, viewer)
                    if rendered is not MISSING:
                        completed_items.append(rendered)
                        continue
                item_path = path.add_key(index, None)
                try:
                    completed = self._complete_object(
                        object_type,
                        field_details_list,
                        item_path,
                        item,
                        position_context,
                    )
                except Exception as raw_error:  # a field error
                    self.handle_field_error(
                        raw_error, item_type, field_details_list, item_path
                    )
                    completed = None
                if is_awaitable(completed):
                    completed = self._await_completed(
                        completed, item_type, field_details_list, item_path
                    )
                    awaitable_indices.append(index)
                completed_items.append(completed)
        except Exception:
            # A non-null item failed: let the items already started settle.
            if awaitable_indices:
                self.settle_in_background(
                    [completed_items[index] for index in awaitable_indices]
                )
            raise
        if not awaitable_indices:
            return completed_items
        return self._gather_items(completed_items, awaitable_indices)

    def _selection(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Selection | None:
        """Return the compiled sub-selection of a field group, or None.

        Sub-selections depend on the variables (`@skip`, `@include`), so
        they are compiled per request, once per field group.
        """
        key = (object_type, id(field_details_list))
        cached = self._selections.get(key)
        if cached is not None:
            return cached[1]
        selection = self._compile(object_type, field_details_list)
        self._selections[key] = (field_details_list, selection)
        return selection

    def _compile(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Selection | None:
        if not self._fast_path:
            return None
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(
            object_type, field_details_list
        )
        if new_defer_usages:
            return None
        fields: list[SelectedField] = []
        for response_name, details in grouped_field_set.items():
            field = self._compile_field(object_type, response_name, details)
            if field is None:
                return None
            fields.append(field)
        return Selection(object_type, tuple(fields))

    def _compile_field(
        self,
        object_type: GraphQLObjectType,
        response_name: str,
        field_details_list: FieldDetailsList,
    ) -> SelectedField | None:
        for details in field_details_list:
            # Only @skip and @include, which collection already applied.
            for directive in details.node.directives or ():
                if directive.name.value not in ("skip", "include"):
                    return None
        if field_details_list[0].node.name.value == "__typename":
            return SelectedField(
                response_name,
                TYPENAME,
                _read_nothing,
                (),
                True,
                False,
                _read_nothing,
                None,
            )
        plan = self._plan(object_type, field_details_list)
        if plan is None:
            return None
        child_type: GraphQLObjectType | None = None
        if plan.leaf_type is not None:
            kind = LEAF
        elif plan.object_type is not None:
            kind, child_type = OBJECT, plan.object_type
        elif plan.item_type is not None:
            kind = OBJECTS
            child_type = get_nullable_type(plan.item_type)  # type: ignore[assignment]
        else:
            return None
        child = None
        if child_type is not None:
            child = self._selection(child_type, field_details_list)
            if child is None:
                return None
        return SelectedField(
            response_name,
            kind,
            plan.read,
            plan.rules,
            plan.non_null,
            plan.carried,
            plan.coerce or _read_nothing,
            child,
        )

    def _viewer_now(self) -> Viewer | None:
        """Return the settled viewer, or None if it is unknown or anonymous."""
        known, viewer = self.context_value.settled_viewer()
        return viewer if known else None

    def _render_object(
        self, selection: Selection, value: Any, viewer: Viewer | None
    ) -> Any:
        """Return an object's response, or MISSING where the generic path must run.

        MISSING comes back on anything the generic path would report or
        treat specially. That is a rule that does not admit the viewer now,
        a null in a non-null field, a value that does not coerce, a failed
        `is_type_of` check, or an exception or awaitable in place of a
        value. Rendering has no side effects, so the generic path can start
        over.
        """
        object_type = selection.object_type
        is_type_of = object_type.is_type_of
        if is_type_of is not None:
            # completes_fast() admits only Strawberry's own checks, which
            # pass instances of the type's classes only, so never None, an
            # exception or an awaitable.
            if not is_type_of(value, None):  # type: ignore[arg-type]
                return MISSING
        elif value is None or isinstance(value, Exception) or self.is_awaitable(value):
            return MISSING
        is_admin = viewer is not None and viewer.role is ADMIN
        result: dict[str, Any] = {}
        # Unpacked in the loop header: reading NamedTuple fields by name
        # costs a descriptor call each, thousands of times per roster.
        for (
            response_name,
            kind,
            read,
            rules,
            non_null,
            carried,
            coerce,
            child,
        ) in selection.fields:
            if kind == TYPENAME:
                result[response_name] = object_type.name
                continue
            if rules and not is_admin and not _admits(rules, viewer, value):
                return MISSING
            try:
                field_value = read(value)
            except Exception:  # the generic path reports it
                return MISSING
            if field_value is None:
                if non_null or carried:
                    return MISSING
                result[response_name] = None
                continue
            if kind == LEAF:
                try:
                    rendered = coerce(field_value)
                except Exception:  # the generic path reports it
                    return MISSING
                if rendered is None or rendered is Undefined:
                    return MISSING
            elif kind == OBJECT:
                rendered = self._render_object(child, field_value, viewer)  # type: ignore[arg-type]
                if rendered is MISSING:
                    return MISSING
            else:
                if not isinstance(field_value, (list, tuple)):
                    return MISSING
                rendered = []
                for item in field_value:
                    rendered_item = self._render_object(child, item, viewer)  # type: ignore[arg-type]
                    if rendered_item is MISSING:
                        return MISSING
                    rendered.append(rendered_item)
            result[response_name] = rendered
        return result

    async def _gather_items(
        self, completed_items: list[Any], awaitable_indices: list[int]
    ) -> list[Any]:
        if len(awaitable_indices) == 1:
            index = awaitable_indices[0]
            completed_items[index] = await completed_items[index]
            return completed_items
        awaited = await gather_with_cancel(
            *(completed_items[index] for index in awaitable_indices)
        )
        for index, value in zip(awaitable_indices, awaited, strict=True):
            completed_items[index] = value
        return completed_items

    async def _await_completed(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:  # reported as a field error
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
