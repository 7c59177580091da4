"""Check a parameter value against its definition, as Valohai validates it."""

from __future__ import annotations

from typing import Any

from yamlcheck.document.model import Parameter
from yamlcheck.document.scalars import Timestamp


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Timestamp):
        return f"{value.text} (a date; quote it to keep it a string)"
    return repr(value) if isinstance(value, str) else str(value)


def _convert(kind: str, value: Any) -> tuple[Any, str | None]:
    """The value as Valohai converts it for its type, or a problem."""
    if kind == "string":
        if not isinstance(value, str):
            return value, f"{_shown(value)} is not a string (quote it)"
        return value, None
    if kind == "integer":
        if value == "":
            return value, "no value is given"
        try:
            return int(str(value), 10), None
        except ValueError:
            return value, f"{_shown(value)} is not an integer"
    if kind == "float":
        if value == "":
            return value, "no value is given"
        try:
            return float(str(value)), None
        except ValueError:
            return value, f"{_shown(value)} is not a number"
    if kind == "flag":
        if isinstance(value, bool) or (isinstance(value, str)
                                       and value.lower() in ("true", "false")):
            return value, None
        return value, f"{_shown(value)} is not true or false"
    return value, None


def _compare(value: Any, bound: Any, above: bool) -> bool:
    try:
        return bool(value > bound) if above else bool(value < bound)
    except TypeError:
        return False


def value_problems(parameter: Parameter, value: Any) -> list[str]:
    """Problems with ``value`` for ``parameter`` (empty when it is fine).

    Unlike Valohai's own lint, falsy values (0, "", false) are checked too."""
    if value is None:
        return []
    multiple = parameter.get("multiple", "none") not in (None, "none")
    if isinstance(value, list):
        if not multiple:
            return [f"is a list of {len(value)} values, but the parameter takes one "
                    "(set `multiple` to allow several)"]
        atoms = list(value)
    else:
        atoms = [value]
    problems: list[str] = []
    minimum, maximum = parameter.get("min"), parameter.get("max")
    choices = parameter.get("choices")
    for atom in atoms:
        if isinstance(atom, (list, dict)):
            problems.append("a nested list or mapping is not a parameter value")
            continue
        converted, problem = _convert(parameter.type, atom)
        if problem:
            problems.append(problem)
            continue
        if isinstance(minimum, (int, float)) and _compare(converted, minimum, above=False):
            problems.append(f"{_shown(atom)} is less than the minimum {minimum}")
        if isinstance(maximum, (int, float)) and _compare(converted, maximum, above=True):
            problems.append(f"{_shown(atom)} is greater than the maximum {maximum}")
        if isinstance(choices, list) and converted not in choices:
            listed = ", ".join(_shown(c) for c in choices)
            problems.append(f"{_shown(atom)} is not one of the choices ({listed})")
    return problems
