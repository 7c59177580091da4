"""A yes/no validator compiled from the JSON Schema into closures.

Most files are valid.  For them yamlcheck answers "valid" with this compiled
check and never imports the jsonschema library (which costs more start-up
time than the rest of a lint).  When the answer is "invalid", the jsonschema
library validates the same schema and its errors become the findings.  The
test suite checks that both agree on every corpus file and on fuzzed ones.

Only the keywords the bundled schemas use are supported; compiling a schema
with any other keyword raises, so a schema change cannot silently widen what
passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from yamlcheck.schema.resources import ANNOTATIONS

Check = Callable[[Any], bool]


class UnsupportedKeyword(ValueError):
    pass


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


TYPE_CHECKS: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def json_equal(one: Any, two: Any) -> bool:
    """Equality as JSON Schema defines it (true is not 1)."""
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    if isinstance(one, dict) or isinstance(two, dict):
        return (isinstance(one, dict) and isinstance(two, dict) and one.keys() == two.keys()
                and all(json_equal(one[k], two[k]) for k in one))
    if isinstance(one, list) or isinstance(two, list):
        return (isinstance(one, list) and isinstance(two, list) and len(one) == len(two)
                and all(json_equal(a, b) for a, b in zip(one, two, strict=True)))
    if isinstance(one, str) != isinstance(two, str):
        return False
    return bool(one == two)


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def check(value: Any) -> bool:
        for item in frozen:
            if not item(value):
                return False
        return True

    return check


def compile_schema(schema: Any) -> Check:
    if schema is True:
        return lambda value: True
    if schema is False:
        return lambda value: False
    if not isinstance(schema, dict):
        raise UnsupportedKeyword(f"schema must be an object or boolean: {schema!r}")
    checks: list[Check] = []
    object_checks = _object_keywords(schema)
    for keyword, argument in schema.items():
        if keyword in ANNOTATIONS or keyword.startswith("x-") or keyword in _OBJECT_KEYWORDS:
            continue
        if keyword in ("prefixItems", "then", "else"):
            continue  # handled with "items" and "if"
        builder = _BUILDERS.get(keyword)
        if builder is None:
            raise UnsupportedKeyword(keyword)
        checks.append(builder(argument, schema))
    if "prefixItems" in schema and "items" not in schema:
        checks.append(_items(True, schema))
    if object_checks is not None:
        checks.append(object_checks)
    if "type" in schema:  # type first: it is the cheapest and most selective
        checks.sort(key=lambda c: getattr(c, "_is_type", False), reverse=True)
    return _all(checks)


def _type(argument: Any, schema: dict[str, Any]) -> Check:
    names = [argument] if isinstance(argument, str) else list(argument)
    predicates = tuple(TYPE_CHECKS[name] for name in names)

    def check(value: Any) -> bool:
        return any(predicate(value) for predicate in predicates)

    check._is_type = True  # type: ignore[attr-defined]
    return check


def _enum(argument: Any, schema: dict[str, Any]) -> Check:
    options = list(argument)
    return lambda value: any(json_equal(value, option) for option in options)


def _const(argument: Any, schema: dict[str, Any]) -> Check:
    return lambda value: json_equal(value, argument)


_OBJECT_KEYWORDS = frozenset((
    "properties", "additionalProperties", "patternProperties", "required",
    "minProperties", "maxProperties", "propertyNames",
))


def _object_keywords(schema: dict[str, Any]) -> Check | None:
    if not _OBJECT_KEYWORDS & schema.keys():
        return None
    properties = {k: compile_schema(v) for k, v in schema.get("properties", {}).items()}
    patterns = [(re.compile(p), compile_schema(v))
                for p, v in schema.get("patternProperties", {}).items()]
    extra_schema = schema.get("additionalProperties", True)
    extra = compile_schema(extra_schema)
    names = compile_schema(schema.get("propertyNames", True))
    required = tuple(schema.get("required", ()))
    min_props = schema.get("minProperties", 0)
    max_props = schema.get("maxProperties")

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        if len(value) < min_props or (max_props is not None and len(value) > max_props):
            return False
        for key in required:
            if key not in value:
                return False
        for key, item in value.items():
            if not names(key):
                return False
            known = False
            sub = properties.get(key) if isinstance(key, str) else None
            if sub is not None:
                known = True
                if not sub(item):
                    return False
            for pattern, pattern_check in patterns:
                if isinstance(key, str) and pattern.search(key):
                    known = True
                    if not pattern_check(item):
                        return False
            if not known and not extra(item):
                return False
        return True

    return check


def _items(argument: Any, schema: dict[str, Any]) -> Check:
    prefix = [compile_schema(s) for s in schema.get("prefixItems", [])]
    rest = compile_schema(argument)
    count = len(prefix)

    def check(value: Any) -> bool:
        if not isinstance(value, list):
            return True
        for index, item in enumerate(value):
            if not (prefix[index](item) if index < count else rest(item)):
                return False
        return True

    return check


def _bound(test: Callable[[Any, Any], bool], applies: Check) -> Callable[[Any, Any], Check]:
    def build(argument: Any, schema: dict[str, Any]) -> Check:
        return lambda value: not applies(value) or test(value, argument)

    return build


def _pattern(argument: Any, schema: dict[str, Any]) -> Check:
    regex = re.compile(argument)
    return lambda value: not isinstance(value, str) or regex.search(value) is not None


def _combinator(kind: str) -> Callable[[Any, Any], Check]:
    def build(argument: Any, schema: dict[str, Any]) -> Check:
        subs = [compile_schema(s) for s in argument]
        if kind == "allOf":
            return _all(subs)
        if kind == "anyOf":
            return lambda value: any(sub(value) for sub in subs)
        return lambda value: sum(1 for sub in subs if sub(value)) == 1

    return build


def _not(argument: Any, schema: dict[str, Any]) -> Check:
    sub = compile_schema(argument)
    return lambda value: not sub(value)


def _if(argument: Any, schema: dict[str, Any]) -> Check:
    condition = compile_schema(argument)
    then = compile_schema(schema.get("then", True))
    otherwise = compile_schema(schema.get("else", True))
    return lambda value: then(value) if condition(value) else otherwise(value)


_BUILDERS: dict[str, Callable[[Any, dict[str, Any]], Check]] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "items": _items,
    "minItems": _bound(lambda v, n: len(v) >= n, lambda v: isinstance(v, list)),
    "maxItems": _bound(lambda v, n: len(v) <= n, lambda v: isinstance(v, list)),
    "minLength": _bound(lambda v, n: len(v) >= n, lambda v: isinstance(v, str)),
    "maxLength": _bound(lambda v, n: len(v) <= n, lambda v: isinstance(v, str)),
    "minimum": _bound(lambda v, n: v >= n, _is_number),
    "maximum": _bound(lambda v, n: v <= n, _is_number),
    "exclusiveMinimum": _bound(lambda v, n: v > n, _is_number),
    "exclusiveMaximum": _bound(lambda v, n: v < n, _is_number),
    "pattern": _pattern,
    "allOf": _combinator("allOf"),
    "anyOf": _combinator("anyOf"),
    "oneOf": _combinator("oneOf"),
    "not": _not,
    "if": _if,
}
