"""Validate each item against its kind's schema definition.

The compiled fast check decides validity; only for an invalid item is the
jsonschema library imported (once per process) to list the errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from yamlcheck.core.diagnostic import Diagnostic
from yamlcheck.core.rule import Rule
from yamlcheck.document.shape import KIND_ORDER, Item
from yamlcheck.document.tree import PosList, PosMap
from yamlcheck.schema.fastcheck import Check, compile_schema
from yamlcheck.schema.findings import UnknownKey, WrongType
from yamlcheck.schema.resources import definition


@cache
def fast_check(name: str) -> Check:
    return compile_schema(definition(name))


@cache
def validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(definition(name))


def check_item(item: Item, root: Any, path: str,
               missing: Mapping[str, type[Rule]] | None = None) -> list[Diagnostic]:
    """The schema findings of one item; ``missing`` names the rule to report a
    missing required key with instead of VH102 (``{"image": ImageMissing}``)."""
    if fast_check(item.schema_name)(item.value):
        return []
    from yamlcheck.schema.explain import explain, item_label

    try:
        errors = list(validator(item.schema_name).iter_errors(item.value))
    except TypeError:  # a non-string key where a pattern is matched against keys
        return [WrongType.at(path, item.key_span,
                             f"{item_label(item)}: mapping keys must be strings")]
    return explain(errors, item, root, path, missing or {})


def check_items(items: list[Item], root: Any, path: str,
                missing: Mapping[str, type[Rule]] | None = None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for item in items:
        found.extend(keys_beside_kind(item, root, path))
        found.extend(check_item(item, root, path, missing))
    return found


def keys_beside_kind(item: Item, root: Any, path: str) -> list[Diagnostic]:
    """Keys next to the kind key of an item (``- step: ...`` plus ``name:``
    outdented by mistake): Valohai ignores them."""
    entry = root[item.index] if isinstance(root, PosList) else None
    if not isinstance(entry, PosMap):
        return []
    return [UnknownKey.at(path, entry.key_span(key),
                          f"unknown key {str(key)!r} next to {item.kind!r}; Valohai ignores it "
                          f"(should it be indented under {item.kind!r}?)")
            for key in entry if key not in KIND_ORDER]
