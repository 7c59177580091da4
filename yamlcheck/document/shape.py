"""The top level: a list of items, each a mapping with one kind key (VH003/VH004)."""

from __future__ import annotations

from typing import Any, NamedTuple

from yamlcheck.core.diagnostic import FILE_START, Diagnostic, Span
from yamlcheck.core.suggest import did_you_mean
from yamlcheck.document.findings import InvalidDocumentShape, UnknownItemKind
from yamlcheck.document.tree import PosList, PosMap

# The order in which Valohai's parser looks for a kind key; the first wins.
KIND_ORDER = ("step", "task", "endpoint", "pipeline", "blueprint", "deployment")


class Item(NamedTuple):
    index: int
    kind: str
    value: Any
    key_span: Span

    @property
    def path(self) -> tuple[int, str]:
        return (self.index, self.kind)

    @property
    def schema_name(self) -> str:
        return "pipeline" if self.kind == "blueprint" else self.kind


def _type_word(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "a string"
    name = {"int": "an integer", "float": "a number", "bool": "true or false"}.get(
        type(value).__name__, f"a {type(value).__name__} value")
    return name


def split_items(root: Any, path: str, loaded: bool) -> tuple[list[Item], list[Diagnostic]]:
    """The items of the document, with findings for everything that is not one."""
    problems: list[Diagnostic] = []
    if not loaded:
        return [], problems
    if root is None:
        problems.append(InvalidDocumentShape.at(
            path, FILE_START,
            "the file is empty; valohai.yaml is a list of items such as '- step:'",
        ))
        return [], problems
    if not isinstance(root, PosList):
        hint = ""
        if isinstance(root, PosMap) and any(kind in root for kind in KIND_ORDER):
            hint = "; start each item with '- ' (for example '- step:')"
        span = root.span if hasattr(root, "span") else FILE_START
        first_line = (span[0], span[1], span[0], span[1] + 1, span[4], span[4] + 1)
        problems.append(InvalidDocumentShape.at(
            path, first_line, f"the top level must be a list of items, not {_type_word(root)}{hint}"
        ))
        return [], problems
    items: list[Item] = []
    for index, entry in enumerate(root):
        item_span = root.item_span(index)
        number = index + 1
        if not isinstance(entry, PosMap):
            detail = ("is empty (check the indentation below '-')" if entry is None
                      else f"is {_type_word(entry)}, not a mapping such as 'step:'")
            problems.append(InvalidDocumentShape.at(path, item_span, f"item {number} {detail}"))
            continue
        kinds = [kind for kind in KIND_ORDER if kind in entry]
        if not kinds:
            if not entry:
                problems.append(InvalidDocumentShape.at(path, item_span, f"item {number} is empty"))
                continue
            key = next(iter(entry))
            hint = did_you_mean(str(key), KIND_ORDER)
            problems.append(UnknownItemKind.at(
                path, entry.key_span(key),
                f"unknown item kind {str(key)!r}{hint}; Valohai ignores this item",
            ))
            continue
        chosen = kinds[0]
        for other in kinds[1:]:
            problems.append(InvalidDocumentShape.at(
                path, entry.key_span(other),
                f"item {number} holds both {chosen!r} and {other!r}; Valohai uses {chosen!r} "
                f"and ignores {other!r} (start a new item with '- ')",
            ))
        items.append(Item(index, chosen, entry[chosen], entry.key_span(chosen)))
    return items, problems
