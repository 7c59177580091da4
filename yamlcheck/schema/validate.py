"""Validate each item against its kind's schema definition.

The compiled fast check decides validity; only for an invalid item is the
jsonschema library imported (once per process) to list the errors.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from yamlcheck.diagnostic import Diagnostic
from yamlcheck.document.shape import Item
from yamlcheck.schema.fastcheck import Check, compile_schema
from yamlcheck.schema.findings import WrongType
from yamlcheck.schema.resources import definition


@cache
def fast_check(name: str) -> Check:
    return compile_schema(definition(name))


@cache
def validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(definition(name))


def check_item(item: Item, root: Any, path: str) -> list[Diagnostic]:
    if fast_check(item.schema_name)(item.value):
        return []
    from yamlcheck.schema.explain import explain, item_label

    try:
        errors = list(validator(item.schema_name).iter_errors(item.value))
    except TypeError:  # a non-string key where a pattern is matched against keys
        return [WrongType.at(path, item.key_span,
                             f"{item_label(item)}: mapping keys must be strings")]
    return explain(errors, item, root, path)


def check_items(items: list[Item], root: Any, path: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for item in items:
        found.extend(check_item(item, root, path))
    return found
