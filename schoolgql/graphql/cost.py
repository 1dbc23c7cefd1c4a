"""Static query cost, computed from the document and its variables.

Every field that returns an object costs 1, and leaf fields cost nothing.
A connection field multiplies the cost of its selection by the page size
it requests (`first` or `last`, else the default page size), so
`courses(first: 20) { edges { node { teacher { fullName } } } }` costs
1 + 20 * (1 + 1 + 1) = 61.
"""

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

PAGE_SIZE_ARGUMENTS = ("first", "last")
# Fields that report on the server itself are free, so a client can always
# ask for its budget.
FREE_FIELDS = frozenset({"rateLimit", "__typename"})
# Introspection results are large (a whole schema is megabytes when
# aliased), so each selection has a flat price whatever it selects.
INTROSPECTION_COSTS = {"__schema": 1000, "__type": 100}


class CostCalculator:
    """Prices an operation; `variables` must be coerced, defaults applied."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        *,
        default_page_size: int,
        max_page_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size

    def operation_cost(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        return self._selection_cost(operation.selection_set, root)

    def _selection_cost(
        self, selection_set: SelectionSetNode | None, parent: GraphQLType
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                fragment_type = (
                    self.schema.get_type(condition.name.value) if condition else parent
                )
                total += self._selection_cost(
                    selection.selection_set, fragment_type or parent
                )
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    fragment_type = self.schema.get_type(
                        fragment.type_condition.name.value
                    )
                    total += self._selection_cost(
                        fragment.selection_set, fragment_type or parent
                    )
        return total

    def _field_cost(self, node: FieldNode, parent: GraphQLType) -> int:
        name = node.name.value
        if name in FREE_FIELDS:
            return 0
        if name in INTROSPECTION_COSTS:
            return INTROSPECTION_COSTS[name]
        field = _field_of(parent, name)
        if field is None:
            return 0
        field_type = get_named_type(field.type)
        if is_leaf_type(field_type):
            return 0
        multiplier = self._page_size(node, field) if _is_list_like(field) else 1
        return 1 + multiplier * self._selection_cost(node.selection_set, field_type)

    def _page_size(self, node: FieldNode, field: GraphQLField) -> int:
        if not any(name in field.args for name in PAGE_SIZE_ARGUMENTS):
            # A plain list such as `nodes(ids:)` returns one item per id.
            lengths = [
                len(value)
                for argument in node.arguments or ()
                if isinstance(
                    value := self._argument_value(argument.value), list | tuple
                )
            ]
            return max(lengths, default=1)
        for argument in node.arguments or ():
            if argument.name.value not in PAGE_SIZE_ARGUMENTS:
                continue
            value = self._argument_value(argument.value)
            if value is None:
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                return max(0, min(value, self.max_page_size))
            # A size the calculator cannot read is priced at the maximum.
            return self.max_page_size
        return self.default_page_size

    def _argument_value(self, value: Any) -> Any:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, ListValueNode):
            return value.values
        if isinstance(value, VariableNode):
            return self.variables.get(value.name.value)
        return None


def _field_of(parent: GraphQLType, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        field: GraphQLField | None = parent.fields.get(name)
        return field
    return None


def _is_list_like(field: GraphQLField) -> bool:
    """Whether the field returns a list or a connection (anything paged)."""
    field_type = field.type
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return isinstance(field_type, GraphQLList) or any(
        name in field.args for name in PAGE_SIZE_ARGUMENTS
    )
