"""Checks of what a field's own selection set requests."""

from collections.abc import Iterable, Sequence

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
)

from schoolgql.graphql.context import Info


def selects(info: Info, path: Sequence[str]) -> bool:
    """Return whether the current field selects the nested field at `path`.

    `path` contains field names, such as ("edges", "node", "student"). Fields
    inside fragments count. `@skip` and `@include` are ignored, so a field
    they leave out still counts: callers use the result to load more than
    needed, never less.
    """
    raw_info = info._raw_info
    return _reaches(
        (
            selection
            for node in raw_info.field_nodes
            if node.selection_set is not None
            for selection in node.selection_set.selections
        ),
        path,
        raw_info.fragments,
    )


def _reaches(
    selections: Iterable[SelectionNode],
    path: Sequence[str],
    fragments: dict[str, FragmentDefinitionNode],
) -> bool:
    if not path:
        return True
    for selection in selections:
        if isinstance(selection, FieldNode):
            if selection.name.value != path[0]:
                continue
            children = (
                selection.selection_set.selections if selection.selection_set else ()
            )
            if _reaches(children, path[1:], fragments):
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _reaches(selection.selection_set.selections, path, fragments):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None and _reaches(
                fragment.selection_set.selections, path, fragments
            ):
                return True
    return False
