"""Document limits and the per-client cost budget, checked before execution."""

import enum
from collections.abc import AsyncIterator, Iterator
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValidationContext,
    Visitor,
    validate,
    visit,
)
from graphql.execution.values import get_variable_values
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types import ExecutionResult

from schoolgql.graphql.cost import CostCalculator
from schoolgql.kit.errors import InvalidInput, RateLimited

LIMIT_ERROR_CODE = "QUERY_TOO_COMPLEX"
# Distinct documents whose validation result is kept.
VALIDATION_CACHE_SIZE = 1024


def _limit_error(message: str, node: Any = None) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": LIMIT_ERROR_CODE})


@lru_cache(maxsize=64)
def depth_rule(max_depth: int) -> type[ASTValidationRule]:
    """Build a rule that rejects operations nested deeper than `max_depth`."""

    class MaxDepthRule(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            fragments = _fragments(context.document)
            for operation in _operations(context.document):
                depth = _depth(operation.selection_set, fragments, set())
                if depth > max_depth:
                    context.report_error(
                        _limit_error(
                            f"The operation is nested {depth} levels deep; "
                            f"the maximum depth is {max_depth}.",
                            operation,
                        )
                    )

    return MaxDepthRule


@lru_cache(maxsize=64)
def alias_rule(max_aliases: int) -> type[ASTValidationRule]:
    """Build a rule that rejects operations with more than `max_aliases` aliases."""

    class MaxAliasesRule(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            fragments = _fragments(context.document)
            for operation in _operations(context.document):
                aliases = _aliases(operation.selection_set, fragments, set())
                if aliases > max_aliases:
                    context.report_error(
                        _limit_error(
                            f"The operation uses {aliases} aliases; "
                            f"the maximum is {max_aliases}.",
                            operation,
                        )
                    )

    return MaxAliasesRule


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def _depth(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visiting: set[str],
) -> int:
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            depth = 1 + _depth(selection.selection_set, fragments, visiting)
        elif isinstance(selection, InlineFragmentNode):
            depth = _depth(selection.selection_set, fragments, visiting)
        else:
            depth = _spread(selection, fragments, visiting, _depth)
        deepest = max(deepest, depth)
    return deepest


def _aliases(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visiting: set[str],
) -> int:
    if selection_set is None:
        return 0
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += selection.alias is not None
            count += _aliases(selection.selection_set, fragments, visiting)
        elif isinstance(selection, InlineFragmentNode):
            count += _aliases(selection.selection_set, fragments, visiting)
        else:
            count += _spread(selection, fragments, visiting, _aliases)
    return count


def _spread(
    spread: Any,
    fragments: dict[str, FragmentDefinitionNode],
    visiting: set[str],
    measure: Any,
) -> int:
    """Measure a fragment spread; a cycle counts as 0 (validation rejects it)."""
    assert isinstance(spread, FragmentSpreadNode)
    name = spread.name.value
    fragment = fragments.get(name)
    if fragment is None or name in visiting:
        return 0
    visiting.add(name)
    try:
        result: int = measure(fragment.selection_set, fragments, visiting)
        return result
    finally:
        visiting.discard(name)


@lru_cache(maxsize=VALIDATION_CACHE_SIZE)
def _validate(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: tuple[type[ASTValidationRule], ...],
    hide_suggestions: bool,
) -> list[GraphQLError]:
    return validate(schema, document, rules, hide_suggestions=hide_suggestions)


class DocumentLimits(SchemaExtension):
    """Validates with the configured limits, then prices and charges the request.

    It replaces Strawberry's validation step so that the limits, the
    introspection switch and hidden suggestions share one cached result.
    """

    def on_operation(self) -> Iterator[None]:
        settings = self.execution_context.context.settings
        # graphql-core 3.3 parse options that Strawberry's TypedDict lacks.
        options: dict[str, Any] = self.execution_context.parse_options  # type: ignore[assignment]
        options["max_lexical_tokens"] = settings.max_query_tokens
        options["max_source_length"] = settings.max_query_length
        self._cost: dict[str, Any] | None = None
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        settings = context.context.settings
        rules = (
            *context.validation_rules,
            MaybeNullValidationRule,
            OneOfInputValidationRule,
            depth_rule(settings.max_query_depth),
            alias_rule(settings.max_query_aliases),
        )
        if not settings.introspection_enabled:
            rules = (*rules, NoSchemaIntrospectionCustomRule)
        assert context.graphql_document is not None
        context.pre_execution_errors = _validate(
            context.schema._schema,
            context.graphql_document,
            rules,
            not settings.introspection_enabled,
        )
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        request_context = context.context
        settings = request_context.settings
        operation = _selected_operation(
            context.graphql_document, context.operation_name
        )
        if operation is None:
            yield
            return

        assert context.graphql_document is not None
        schema = context.schema._schema
        variables = get_variable_values(
            schema, operation.variable_definitions or (), context.variables or {}
        )
        if isinstance(variables, list):
            # Execution reports the invalid variables and charges nothing.
            yield
            return
        nul_error = _find_nul(context.graphql_document, variables.coerced)
        if nul_error is not None:
            context.result = ExecutionResult(data=None, errors=[nul_error])
            yield
            return
        calculator = CostCalculator(
            schema,
            _fragments(context.graphql_document),
            variables.coerced,
            default_page_size=settings.default_page_size,
            max_page_size=settings.max_page_size,
        )
        cost = calculator.operation_cost(operation)
        if cost > settings.max_query_cost:
            context.result = ExecutionResult(
                data=None,
                errors=[
                    _limit_error(
                        f"The operation costs {cost} points; the maximum per "
                        f"operation is {settings.max_query_cost}. Ask for fewer "
                        "items with `first` or `last`, or split the operation."
                    )
                ],
            )
            yield
            return

        bucket = request_context.rate_limiter
        client_key = await request_context.client_key()
        state = await bucket.spend(client_key, cost, dry_run=cost == 0)
        self._cost = {
            "requested": cost,
            "remaining": int(state.remaining),
            "capacity": bucket.capacity,
            "refillPerSecond": bucket.refill_per_second,
        }
        # A free operation, such as `{ __typename }` or `rateLimit`, always runs.
        if not state.allowed and cost > 0:
            retry_after = round(state.retry_after_seconds, 1)
            error = RateLimited(
                f"The operation costs {cost} points but only "
                f"{int(state.remaining)} are left in this client's budget; retry "
                f"after {retry_after} seconds.",
                retry_after_seconds=retry_after,
            )
            context.result = ExecutionResult(
                data=None, errors=[GraphQLError(error.message, original_error=error)]
            )
        yield

    def get_results(self) -> dict[str, Any]:
        cost = getattr(self, "_cost", None)
        return {"cost": cost} if cost is not None else {}


def _selected_operation(
    document: DocumentNode | None, operation_name: str | None
) -> OperationDefinitionNode | None:
    if document is None:
        return None
    operations = _operations(document)
    if operation_name is None:
        return operations[0] if len(operations) == 1 else None
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    return None


def _find_nul(document: DocumentNode, variables: dict[str, Any]) -> GraphQLError | None:
    """Find a NUL character in the variables or string literals, if any.

    PostgreSQL cannot store U+0000 in text, and no field of this API needs
    it, so such input is rejected up front on every database alike.
    """
    for name, value in variables.items():
        if _contains_nul(value):
            return _nul_error(f"variable `${name}`")
    if _has_nul_literal(document):
        return _nul_error("a string in the document")
    return None


@lru_cache(maxsize=VALIDATION_CACHE_SIZE)
def _has_nul_literal(document: DocumentNode) -> bool:
    """Return whether a string literal of the document contains NUL.

    Cached like validation: the parse cache returns the same document
    object for the same text.
    """
    return any("\x00" in node.value for node in _string_literals(document))


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_contains_nul(item) for item in value)
    # An enum member's attributes lead back to its class and every member,
    # so following them never ends; its values are fixed in the schema.
    if isinstance(value, enum.Enum):
        return False
    if hasattr(value, "__dict__"):
        return any(_contains_nul(item) for item in vars(value).values())
    return False


def _string_literals(document: DocumentNode) -> list[StringValueNode]:
    found: list[StringValueNode] = []

    class Collector(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            found.append(node)

    visit(document, Collector())
    return found


def _nul_error(where: str) -> GraphQLError:
    error = InvalidInput(
        f"Text must not contain the NUL character (U+0000); remove it from {where}."
    )
    return GraphQLError(error.message, original_error=error)
