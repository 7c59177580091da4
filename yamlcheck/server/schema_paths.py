"""Reading the bundled JSON Schema at a place in the document: which schemas
apply at a path of keys and list items, through ``$ref``, ``allOf``,
``anyOf``/``oneOf`` and ``if``/``then``/``else``; what they describe, which
keys they allow and which values they enumerate.

The schema is read at run time, so descriptions added to it show in hovers
without a change here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from yamlcheck.schema.resources import schema

Step = str | int  # a mapping key, or a list index ("*" or -1 when unknown)
_MAX_DEPTH = 64


def _root() -> dict[str, Any]:
    return schema("valohai.schema.json")


def _deref(node: Any) -> Any:
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return node
    target: Any = _root()
    for part in ref[2:].split("/"):
        target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) \
            if isinstance(target, dict) else {}
    return target


def _holds(condition: Any, instance: Any) -> bool | None:
    """Whether ``instance`` meets an ``if`` schema: True, False, or None when
    it cannot be told (no instance, or keywords this reading does not know)."""
    if not isinstance(condition, dict) or not isinstance(instance, dict):
        return None
    for key in condition.get("required", ()):
        if key not in instance:
            return False
    for key, sub in (condition.get("properties") or {}).items():
        if key not in instance or not isinstance(sub, dict):
            continue
        value = instance[key]
        if "const" in sub and value != sub["const"]:
            return False
        if "enum" in sub and value not in sub["enum"]:
            return False
    known = {"required", "properties", "type", "description"}
    return True if set(condition) <= known else None


def expand(node: Any, instance: Any = None, depth: int = 0) -> list[dict[str, Any]]:
    """The schemas that together say what ``node`` allows: itself and every
    schema it refers to or combines, with ``if`` decided where it can be."""
    if not isinstance(node, dict) or depth > _MAX_DEPTH:
        return []
    found = [node]
    target = _deref(node)
    if target is not node:
        found += expand(target, instance, depth + 1)
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(keyword) or ():
            found += expand(branch, instance, depth + 1)
    if "if" in node:
        holds = _holds(_deref(node["if"]), instance)
        if holds is not False:
            found += expand(node.get("then"), instance, depth + 1)
        if holds is not True:
            found += expand(node.get("else"), instance, depth + 1)
    return found


def _child(node: dict[str, Any], step: Step) -> list[Any]:
    if isinstance(step, int) or step == "*":
        index = step if isinstance(step, int) else -1
        prefix = node.get("prefixItems")
        if isinstance(prefix, list) and 0 <= index < len(prefix):
            return [prefix[index]]
        items = node.get("items")
        return [items] if isinstance(items, dict) else []
    properties = node.get("properties") or {}
    if step in properties:
        return [properties[step]]
    for pattern, sub in (node.get("patternProperties") or {}).items():
        if re.search(pattern, step):
            return [sub]
    extra = node.get("additionalProperties")
    return [extra] if isinstance(extra, dict) else []


def schemas_at(path: Sequence[Step], instances: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """The expanded schemas at ``path`` from the document's root; ``instances``
    holds the document's value at each depth (root first) where known."""
    def instance(depth: int) -> Any:
        return instances[depth] if depth < len(instances) else None

    current = expand(_root(), instance(0))
    for depth, step in enumerate(path, start=1):
        following: list[dict[str, Any]] = []
        for node in current:
            for child in _child(node, step):
                following += expand(child, instance(depth))
        current = following
        if not current:
            break
    return current


def description(path: Sequence[Step], instances: Sequence[Any] = ()) -> str | None:
    """The first description of the schemas at ``path``: the property's own
    before the one of the definition it refers to."""
    for node in schemas_at(path, instances):
        text = node.get("markdownDescription") or node.get("description")
        if isinstance(text, str) and text.strip():
            return text.strip()
    return None


def allowed_keys(path: Sequence[Step], instance: Any = None,
                 instances: Sequence[Any] = ()) -> dict[str, dict[str, Any]]:
    """Keys a mapping at ``path`` may hold, each with its property schema, in
    schema order; with the mapping's current value, ``if`` conditions on it
    (a node's ``type``) are decided."""
    nodes = schemas_at(path, [*instances[: len(path)], *[None] * (len(path) - len(instances)),
                              instance])
    keys: dict[str, dict[str, Any]] = {}
    for node in nodes:
        if node.get("additionalProperties") is False or "properties" in node:
            for key, sub in (node.get("properties") or {}).items():
                keys.setdefault(key, sub if isinstance(sub, dict) else {})
    return keys


def values(path: Sequence[Step], instances: Sequence[Any] = ()) -> list[Any]:
    """The values the schemas at ``path`` enumerate (enum, const, booleans)."""
    found: list[Any] = []
    for node in schemas_at(path, instances):
        for value in node.get("enum") or ():
            if value not in found:
                found.append(value)
        if "const" in node and node["const"] not in found:
            found.append(node["const"])
        kinds = node.get("type")
        if kinds == "boolean" or (isinstance(kinds, list) and "boolean" in kinds):
            found += [v for v in (True, False) if v not in found]
    return found
