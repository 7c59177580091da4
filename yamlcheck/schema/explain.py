"""Turn jsonschema errors into one located finding per real problem.

Never "is not valid under any of the given schemas": a oneOf/anyOf error is
either a choice between keys (explained as such) or narrowed to the branch
whose type fits the value, and its inner errors are reported instead.  Keys
that exclude each other are written as ``if: {required: [a]}`` with
``then: {properties: {b: false}}``, so an editor flags the key itself; here
that false schema becomes "takes only one of 'a' or 'b'" at key ``b``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from yamlcheck.core.diagnostic import Diagnostic, Span
from yamlcheck.core.suggest import did_you_mean
from yamlcheck.document.scalars import Timestamp
from yamlcheck.document.shape import Item
from yamlcheck.document.tree import PosMap, span_at
from yamlcheck.schema.fastcheck import TYPE_CHECKS
from yamlcheck.schema.findings import InvalidValue, MissingRequiredKey, UnknownKey, WrongType
from yamlcheck.schema.resources import definition

_TYPE_WORDS = {
    "string": "a string", "array": "a list", "object": "a mapping", "integer": "an integer",
    "number": "a number", "boolean": "true or false", "null": "empty",
}


def type_word(value: Any) -> str:
    """How a loaded value reads to a user."""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, Timestamp):
        return f"the date {value.text} (quote it to keep it a string)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__} value"


def item_label(item: Item) -> str:
    name = item.value.get("name") if isinstance(item.value, dict) else None
    return f"{item.kind} {name!r}" if isinstance(name, str) else f"{item.kind} (item {item.index + 1})"


def _walk(node: Any, path: Iterable[Any]) -> Any:
    """The part of a schema (or a value) at ``path``, or None."""
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def dotted(path: Iterable[Any]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text




def _listing(options: Iterable[Any]) -> str:
    return ", ".join(repr(o) if not isinstance(o, bool) else str(o).lower() for o in options)


def _required_branches(branches: Any) -> list[str] | None:
    """For oneOf/anyOf branches that each only require keys, the keys."""
    keys: list[str] = []
    for branch in branches:
        if not isinstance(branch, dict) or set(branch) != {"required"}:
            return None
        keys.extend(branch["required"])
    return keys


def _type_fits(branch: Any, value: Any) -> bool:
    if not isinstance(branch, dict) or "type" not in branch:
        return True
    names = branch["type"] if isinstance(branch["type"], list) else [branch["type"]]
    return any(TYPE_CHECKS[name](value) for name in names)


def leaves(error: Any) -> Iterator[Any]:
    """The errors to report for one top-level error."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches = error.validator_value
        if _required_branches(branches) is None:
            fitting = [i for i, b in enumerate(branches) if _type_fits(b, error.instance)]
            if len(fitting) == 1:
                for sub in error.context:
                    if sub.relative_schema_path and sub.relative_schema_path[0] == fitting[0]:
                        yield from leaves(sub)
                return
    yield error


class Explainer:
    """Explains errors for the value at ``base`` (a key path from ``root``)."""

    def __init__(self, root: Any, base: tuple[Any, ...], label: str, anchor: Span,
                 path: str, missing: dict[str, Any] | None = None,
                 schema: Any = None) -> None:
        self.root, self.base, self.label, self.anchor, self.path = root, base, label, anchor, path
        # Top-level keys whose absence (or null value) a more specific rule reports.
        self.missing = missing or {}
        # The schema the errors come from, to read the condition of a false subschema.
        self.schema = schema

    def where(self, relative: Any) -> str:
        inner = dotted(relative)
        return f"{self.label}: {inner}" if inner else self.label

    def span(self, relative: Any, *, key: bool = False) -> Span:
        return span_at(self.root, (*self.base, *relative), key=key)

    def container_span(self, relative: Any, value: Any) -> Span:
        """Where to point for a problem with a whole mapping: its key, or its first key."""
        if relative and isinstance(relative[-1], int) and isinstance(value, PosMap) and value:
            return value.key_span(next(iter(value)))
        if not relative:
            return self.anchor
        return self.span(relative, key=True)

    def explain(self, errors: Iterable[Any]) -> list[Diagnostic]:
        found: dict[tuple[str, int, int, str], Diagnostic] = {}
        for error in errors:
            for leaf in leaves(error):
                for diagnostic in self.describe(leaf):
                    found.setdefault(
                        (diagnostic.code, diagnostic.line, diagnostic.column, diagnostic.message),
                        diagnostic,
                    )
        return list(found.values())

    def describe(self, error: Any) -> Iterator[Diagnostic]:
        relative = tuple(error.absolute_path)
        value, kind, arg = error.instance, error.validator, error.validator_value
        where = self.where(relative)
        path = self.path
        if kind is None and error.schema is False:
            yield from self._excluded(error, relative)
            return
        if kind == "additionalProperties" and isinstance(value, dict):
            schema = error.schema
            allowed = list(schema.get("properties", {}))
            patterns = schema.get("patternProperties", {})
            for key in value:
                if key in allowed or (patterns and isinstance(key, str)):
                    continue
                hint = did_you_mean(key, allowed) or (
                    f"; allowed here: {', '.join(allowed)}" if len(allowed) <= 12 else ""
                )
                yield UnknownKey.at(path, self.span((*relative, key), key=True),
                                    f"{where}: unknown key {str(key)!r}{hint}")
            return
        if kind == "required" and isinstance(value, dict):
            for key in arg:
                if key not in value:
                    rule = self.missing.get(key) if not relative else None
                    yield (rule or MissingRequiredKey).at(
                        path, self.container_span(relative, value),
                        f"{where} is missing required key {key!r}")
            return
        if kind in ("oneOf", "anyOf") and isinstance(value, dict):
            keys = _required_branches(arg)
            if keys is not None:
                present = [key for key in keys if key in value]
                names = " or ".join(repr(k) for k in keys)
                if not present:
                    yield MissingRequiredKey.at(path, self.container_span(relative, value),
                                                f"{where} needs {names}")
                else:
                    yield InvalidValue.at(path, self.span((*relative, present[1]), key=True),
                                          f"{where} takes only one of {names}, not both")
                return
        if kind == "not" and isinstance(arg, dict) and set(arg) == {"required"}:
            both = arg["required"]
            yield InvalidValue.at(path, self.span((*relative, both[-1]), key=True),
                                  f"{where} takes {_listing(both).replace(', ', ' or ')}, not both")
            return
        if kind == "type":
            names = arg if isinstance(arg, list) else [arg]
            expected = " or ".join(_TYPE_WORDS.get(n, n) for n in names)
            hint = ""
            if value is None and "object" in names:
                hint = "; are the lines below it indented?"
            special = self.missing.get(relative[0]) if len(relative) == 1 else None
            rule = special if special is not None and value is None else WrongType
            yield rule.at(path, self.span(relative),
                               f"{where} must be {expected}, not {type_word(value)}{hint}")
            return
        yield InvalidValue.at(path, self.span(relative), self._value_message(error, where))

    def _excluded(self, error: Any, relative: tuple[Any, ...]) -> Iterator[Diagnostic]:
        """A key whose schema is ``false``: not allowed here, usually because
        the ``if`` beside the ``then`` holding it saw another key."""
        schema_path = list(error.absolute_schema_path)
        found = _walk(self.schema, schema_path)
        if found is False and relative:  # the error's paths reach the key itself
            container, keys, then_path = relative[:-1], [relative[-1]], schema_path[:-2]
        elif isinstance(found, dict) and schema_path[-1:] == ["properties"]:
            # jsonschema stops both paths at the mapping for a false subschema
            mapping = _walk(self.root, (*self.base, *relative))
            container, then_path = relative, schema_path[:-1]
            keys = [k for k, sub in found.items() if sub is False and isinstance(mapping, dict)
                    and k in mapping]
        else:
            yield InvalidValue.at(self.path, self.span(relative),
                                  f"{self.where(relative)} is not allowed here")
            return
        owner = _walk(self.schema, then_path[:-1]) if then_path[-1:] == ["then"] else None
        condition = owner.get("if") if isinstance(owner, dict) else None
        partners = condition.get("required", []) if isinstance(condition, dict) else []
        where = self.where(container)
        for key in keys:
            if partners:
                names = " or ".join(repr(k) for k in (*partners, key))
                message = f"{where} takes only one of {names}, not both"
            else:
                message = f"{where}: {str(key)!r} is not allowed here"
            yield InvalidValue.at(self.path, self.span((*container, key), key=True), message)

    @staticmethod
    def _value_message(error: Any, where: str) -> str:
        value, kind, arg = error.instance, error.validator, error.validator_value
        if kind == "enum":
            return f"{where} must be one of {_listing(arg)}, not {type_word(value)}{did_you_mean(value, arg)}"
        if kind == "const":
            return f"{where} must be {arg!r}, not {type_word(value)}"
        if kind == "pattern":
            hint = (error.schema.get("patternErrorMessage") or error.schema.get("description")
                    or f"the pattern {arg}")
            return f"{where} {value!r} does not fit: {hint}"
        if kind in ("maxLength", "minLength"):
            bound = "at most" if kind == "maxLength" else "at least"
            return f"{where} is {len(value)} characters long; {bound} {arg} allowed"
        if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            words = {"minimum": "at least", "maximum": "at most",
                     "exclusiveMinimum": "more than", "exclusiveMaximum": "less than"}[kind]
            return f"{where} must be {words} {arg}, not {value}"
        if kind in ("minItems", "maxItems") and isinstance(value, list):
            if kind == "maxItems":
                bound = "exactly" if error.schema.get("minItems") == arg else "at most"
                return f"{where} has {len(value)} items; it takes {bound} {arg}"
            return f"{where} has {len(value)} item(s); it needs at least {arg}"
        if kind == "not":
            return f"{where} is not allowed here"
        return f"{where}: {error.message}"


def explain(errors: Iterable[Any], item: Item, root: Any, path: str,
            missing: Mapping[str, Any]) -> list[Diagnostic]:
    return Explainer(root, item.path, item_label(item), item.key_span, path,
                     dict(missing), definition(item.schema_name)).explain(errors)
