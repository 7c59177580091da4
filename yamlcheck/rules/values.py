"""Check a parameter value against its definition, as Valohai reads and validates it.

Valohai's value check (valohai-yaml's ``Parameter.validate``) converts a value
with ``int(str(v), 10)`` or ``float(str(v))`` and then compares it with
``min``, ``max`` and ``choices``; its command builder renders a value with
``str()``, and refuses a list for a parameter that is not ``multiple``.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, NamedTuple

from yamlcheck.core.diagnostic import Span
from yamlcheck.document.model import Parameter
from yamlcheck.document.scalars import Timestamp
from yamlcheck.document.tree import PosList

REFUSED = "refused"  # Valohai's own code refuses the value
RETYPED = "retyped"  # YAML turns the written text into another one
DOUBTFUL = "doubtful"  # probably not what was meant; Valohai's handling is not established


class Problem(NamedTuple):
    kind: str
    text: str


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Timestamp):
        return f"{value.text} (a date; quote it to keep it a string)"
    return repr(value) if isinstance(value, str) else str(value)


_TIMESTAMP = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]*))?"
    r"(?:[ \t]*(?P<tz>Z|(?P<sign>[-+])(?P<tz_hour>[0-9]{1,2})(?::(?P<tz_minute>[0-9]{2}))?))?)?")


def _timestamp(text: str) -> datetime.date | None:
    """The date or datetime PyYAML constructs for a YAML 1.1 timestamp."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    part = match.groupdict()
    try:
        if not part["hour"]:
            return datetime.date(int(part["year"]), int(part["month"]), int(part["day"]))
        fraction = int((part["fraction"] or "")[:6].ljust(6, "0"))
        zone = None
        if part["sign"]:
            delta = datetime.timedelta(hours=int(part["tz_hour"]),
                                       minutes=int(part["tz_minute"] or 0))
            zone = datetime.timezone(-delta if part["sign"] == "-" else delta)
        elif part["tz"]:
            zone = datetime.timezone.utc
        return datetime.datetime(int(part["year"]), int(part["month"]), int(part["day"]),
                                 int(part["hour"]), int(part["minute"]), int(part["second"]),
                                 fraction, tzinfo=zone)
    except ValueError:
        return None


def _rendered(value: Any) -> str | None:
    """The text Valohai puts in the command for a loaded value (None: unknown)."""
    if isinstance(value, Timestamp):
        moment = _timestamp(value.text)
        return str(moment) if moment is not None else None
    return str(value)


def _as_string(value: Any, written: str) -> Problem | None:
    """A string parameter given a value YAML loaded as something else."""
    if isinstance(value, str) or value is None:
        return None
    rendered = _rendered(value)
    if rendered is not None and rendered == written.strip():
        return None  # `default: 5` reaches the program as 5, as written
    what = "a date" if isinstance(value, Timestamp) else _shown(value)
    shown = "another text" if rendered is None else f"{rendered!r}"
    return Problem(RETYPED, f"{written.strip()} is read by YAML as {what}, so Valohai passes "
                            f"{shown}; quote it to keep the text as written")


class Converted(NamedTuple):
    value: Any  # as Valohai converts it for the parameter's type
    problem: Problem | None = None
    comparable: bool = True  # whether min, max and choices can be checked


def _convert(kind: str, value: Any, written: str) -> Converted:
    """The value as Valohai converts it for its type, and what is wrong with it."""
    if kind == "string":
        return Converted(value, _as_string(value, written))
    if kind in ("integer", "float"):
        if value == "":
            return Converted(value, Problem(DOUBTFUL, "no value is given"), False)
        try:
            converted = int(str(value), 10) if kind == "integer" else float(str(value))
        except ValueError:
            noun = "an integer" if kind == "integer" else "a number"
            return Converted(value, Problem(DOUBTFUL, f"{_shown(value)} is not {noun}"), False)
        text = written.strip().lstrip("+-")
        if isinstance(value, int) and not isinstance(value, bool) and (
                ":" in text or (len(text) > 1 and text[0] == "0" and text[1] in "01234567_")):
            base = "a base-60 number" if ":" in text else "an octal number"
            return Converted(converted, Problem(DOUBTFUL, f"{written.strip()} is read by YAML 1.1 "
                                                          f"as {base}: {value}; write {value} "
                                                          "if that is meant"))
        return Converted(converted)
    if kind == "flag":
        if isinstance(value, bool):
            return Converted(value)
        if isinstance(value, str) and value:
            if value.lower() == "true":
                return Converted(value)
            return Converted(value, Problem(
                DOUBTFUL, f"{value!r} is a non-empty string, which is true to Valohai's "
                          "command builder; write true or false without quotes"), False)
        return Converted(value, Problem(DOUBTFUL, f"{_shown(value)} is not true or false"), False)
    return Converted(value)


def _compare(value: Any, bound: Any, above: bool) -> bool:
    try:
        return bool(value > bound) if above else bool(value < bound)
    except TypeError:
        return False


def _typed_choices(kind: str, choices: list[Any]) -> bool:
    """Whether any choice can equal a converted integer/float value."""
    return kind not in ("integer", "float") or any(
        isinstance(c, (int, float)) and not isinstance(c, bool) for c in choices)


def value_problems(parameter: Parameter, value: Any, text: str = "",
                   span: Span | None = None) -> list[Problem]:
    """Problems with ``value`` for ``parameter`` (empty when it is fine);
    ``text`` and ``span`` locate the value in the file, for what was written.

    Unlike Valohai's own lint, falsy values (0, "", false) are checked too."""
    if value is None:
        return []
    multiple = parameter.get("multiple", "none") not in (None, "none")
    if isinstance(value, list):
        if not multiple:
            return [Problem(REFUSED, f"is a list of {len(value)} values, but the parameter takes "
                                     "one, and Valohai's command builder refuses a list for it "
                                     "(set `multiple` to allow several)")]
        spans = [value.item_span(i) if isinstance(value, PosList) else None
                 for i in range(len(value))]
        atoms = list(zip(value, spans, strict=True))
    else:
        atoms = [(value, span)]
    problems: list[Problem] = []
    minimum, maximum = parameter.get("min"), parameter.get("max")
    choices = parameter.get("choices")
    for atom, where in atoms:
        written = text[where[4]:where[5]] if where is not None else _shown(atom)
        if isinstance(atom, (list, dict)):
            problems.append(Problem(REFUSED, "a nested list or mapping is not a parameter value"))
            continue
        converted, problem, comparable = _convert(parameter.type, atom, written)
        if problem:
            problems.append(problem)
        if not comparable:
            continue
        if isinstance(minimum, (int, float)) and _compare(converted, minimum, above=False):
            problems.append(Problem(DOUBTFUL, f"{_shown(atom)} is less than the minimum {minimum}"))
        if isinstance(maximum, (int, float)) and _compare(converted, maximum, above=True):
            problems.append(Problem(DOUBTFUL,
                                    f"{_shown(atom)} is greater than the maximum {maximum}"))
        if isinstance(choices, list) and converted not in choices:
            listed = ", ".join(_shown(c) for c in choices)
            if _typed_choices(parameter.type, choices):
                problems.append(Problem(DOUBTFUL,
                                        f"{_shown(atom)} is not one of the choices ({listed})"))
            else:
                problems.append(Problem(REFUSED, f"{_shown(atom)} can never be one of the choices "
                                                 f"({listed}): Valohai converts the value to a "
                                                 "number before comparing it with them, and "
                                                 "they are strings"))
    return problems
