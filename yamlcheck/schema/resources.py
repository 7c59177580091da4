"""The bundled JSON Schema: read once from the package, references inlined."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

# Keywords that never change whether an instance is valid: the standard
# annotations, and the ones editors read (VS Code's JSON language service and
# yaml-language-server show them in hovers and messages).
ANNOTATIONS = frozenset((
    "$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples",
    "deprecated", "readOnly", "writeOnly", "markdownDescription", "enumDescriptions",
    "markdownEnumDescriptions", "errorMessage", "patternErrorMessage",
))


def read_text(name: str = "valohai.schema.json") -> str:
    """A bundled schema's text.

    The source files live in the repository's top-level ``schemas/``; the wheel
    ships them as ``yamlcheck/schemas/`` (pyproject.toml, ``force-include``).
    An installed package reads its own copy, a source checkout the originals."""
    package = Path(__file__).resolve().parent.parent
    for folder in (package / "schemas", package.parent / "schemas"):
        if (folder / name).is_file():
            return (folder / name).read_text(encoding="utf-8")
    from importlib import resources  # a zipped or otherwise unusual installation

    return (resources.files("yamlcheck") / "schemas" / name).read_text(encoding="utf-8")


@cache
def schema(name: str = "valohai.schema.json") -> dict[str, Any]:
    return json.loads(read_text(name))


def _inline(node: Any, defs: dict[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    rest = {key: _inline(value, defs, seen) for key, value in node.items() if key != "$ref"}
    if ref is None:
        return rest
    name = ref.removeprefix("#/$defs/")
    if name in seen or name not in defs:
        raise ValueError(f"cannot inline $ref {ref!r}")
    target = _inline(defs[name], defs, (*seen, name))
    if set(rest) <= ANNOTATIONS:
        return {**target, **rest}
    return {**rest, "allOf": [*rest.get("allOf", []), target]}


def inline(root: dict[str, Any], name: str) -> dict[str, Any]:
    """``root["$defs"][name]`` (or the root itself for ``"#"``) with every
    reference replaced by its target."""
    defs = root.get("$defs", {})
    if name == "#":
        return _inline({k: v for k, v in root.items() if k != "$defs"}, defs, ())
    return _inline(defs[name], defs, (name,))


@cache
def definition(name: str, schema_name: str = "valohai.schema.json") -> dict[str, Any]:
    """A bundled schema's definition with every reference inlined (see ``inline``).

    Without ``$ref`` the jsonschema library needs no reference resolution at
    validation time, which makes it several times faster."""
    return inline(schema(schema_name), name)
