"""Plain-scalar typing and value construction, as Valohai's loader does it.

Valohai reads valohai.yaml with PyYAML's safe loader, which follows YAML 1.1:
`yes`/`on` are booleans, `1e3` is a string (a float needs a dot), `0777` is
octal and `2020-09-02` is a date.  yamlcheck resolves plain scalars the same
way so that it sees the values Valohai sees.
"""

from __future__ import annotations

import re

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MERGE = "tag:yaml.org,2002:merge"
VALUE = "tag:yaml.org,2002:value"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
BINARY = "tag:yaml.org,2002:binary"

_BOOL_WORDS = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
}
_NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))

_INT = re.compile(
    r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
    re.ASCII,
)
_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
    re.ASCII,
)
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
    r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?",
    re.ASCII,
)
_NUMERIC_START = frozenset("-+0123456789.")
_BOOL_VALUES = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
# PyYAML's SafeConstructor parses a timestamp with this pattern (the resolver's
# pattern above decides which plain scalars are timestamps).
_TIMESTAMP_PARTS = re.compile(
    r"""^(?P<year>[0-9][0-9][0-9][0-9])
        -(?P<month>[0-9][0-9]?)
        -(?P<day>[0-9][0-9]?)
        (?:(?:[Tt]|[ \t]+)
        (?P<hour>[0-9][0-9]?)
        :(?P<minute>[0-9][0-9])
        :(?P<second>[0-9][0-9])
        (?:\.(?P<fraction>[0-9]*))?
        (?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)
        (?::(?P<tz_minute>[0-9][0-9]))?))?)?$""",
    re.X,
)
# Python refuses to print an integer with more decimal digits than this
# (sys.get_int_max_str_digits); PyYAML refuses to read one.
MAX_INT_DIGITS = 4300
_FAILS = "Valohai's YAML loader fails on it"
_MAX_INT_BITS = 14_000  # below 4300 decimal digits; larger ones are measured


class Timestamp:
    """A YAML 1.1 date or time.  PyYAML turns it into a datetime, which is not
    a JSON string; a separate type (not ``str``) makes the schema and the rules
    treat it the way Valohai's validator does."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timestamp) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("timestamp", self.text))

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Timestamp({self.text!r})"


class ScalarTooLarge(ValueError):
    """An integer PyYAML converts but Python cannot print (more than 4300
    decimal digits, written in hexadecimal, octal or binary)."""


def resolve_plain(value: str) -> str:
    """The tag PyYAML's resolver gives a plain (unquoted) scalar."""
    if not value:
        return NULL
    first = value[0]
    if first in _NUMERIC_START:
        if _INT.fullmatch(value):
            return INT
        if _FLOAT.fullmatch(value):
            return FLOAT
        if first.isdigit() and _TIMESTAMP.fullmatch(value):
            return TIMESTAMP
        return STR
    if value in _BOOL_WORDS:
        return BOOL
    if value in _NULL_WORDS:
        return NULL
    if value == "<<":
        return MERGE
    if value == "=":
        return VALUE
    return STR


def construct(tag: str, value: str) -> object:
    """The Python value of a scalar with a standard tag, or ValueError where
    PyYAML's safe loader fails on it (with a message in plain words)."""
    if tag == STR:
        return value
    if tag == INT:
        return _to_int(value)
    if tag == FLOAT:
        return _to_float(value)
    if tag == BOOL:
        if value.lower() not in _BOOL_VALUES:
            raise ValueError(f"{_short(value)} is tagged !!bool and is not a boolean; {_FAILS}")
        return _BOOL_VALUES[value.lower()]
    if tag == NULL:
        return None
    if tag == TIMESTAMP:
        _check_timestamp(value)
        return Timestamp(value)
    raise KeyError(tag)


def _short(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:30]) + f"... ({len(text)} characters)"


def _signed(text: str) -> tuple[int, str]:
    if not text:
        raise ValueError(f"an empty value is not a number; {_FAILS}")
    sign = -1 if text[0] == "-" else 1
    return sign, text[1:] if text[0] in "+-" else text


def _decimal(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        digits = sum(char.isdigit() for char in text)
        if digits > MAX_INT_DIGITS:
            raise ValueError(f"an integer of {digits} digits is too long: Valohai's YAML "
                             f"loader cannot convert more than {MAX_INT_DIGITS} digits") from None
        raise


def _to_int(text: str) -> int:
    """PyYAML's construct_yaml_int, step for step."""
    sign, digits = _signed(text.replace("_", ""))
    try:
        if digits == "0":
            return 0
        if digits.startswith("0b"):
            number = int(digits[2:], 2)
        elif digits.startswith("0x"):
            number = int(digits[2:], 16)
        elif digits[:1] == "0":
            number = int(digits, 8)
        elif ":" in digits:
            number = 0
            for part in digits.split(":"):
                number = number * 60 + _decimal(part)
        else:
            number = _decimal(digits)
    except ValueError as exc:
        if "Valohai" in str(exc):
            raise
        raise ValueError(f"{_short(text)} is tagged !!int and is not an integer; {_FAILS}") from None
    if number.bit_length() > _MAX_INT_BITS:
        _printable(number)
    return sign * number


def _printable(number: int) -> None:
    try:
        str(number)
    except ValueError:
        raise ScalarTooLarge("an integer of more than 4300 digits") from None


def _to_float(text: str) -> float:
    """PyYAML's construct_yaml_float, step for step."""
    sign, digits = _signed(text.replace("_", "").lower())
    if digits == ".inf":
        return sign * float("inf")
    if digits == ".nan":
        return float("nan")
    try:
        if ":" in digits:
            total = 0.0
            for part in digits.split(":"):
                total = total * 60 + float(part)
            return sign * total
        return sign * float(digits)
    except ValueError:
        raise ValueError(f"{_short(text)} is tagged !!float and is not a number; {_FAILS}") from None


def _check_timestamp(text: str) -> None:
    """Fail as PyYAML's construct_yaml_timestamp does on an impossible date."""
    import datetime

    match = _TIMESTAMP_PARTS.match(text)
    if match is None:
        raise ValueError(f"{_short(text)} is tagged !!timestamp and is not a date; {_FAILS}")
    parts = match.groupdict()
    try:
        if not parts["hour"]:
            datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
            return
        tzinfo = None
        if parts["tz_sign"]:
            delta = datetime.timedelta(hours=int(parts["tz_hour"]),
                                       minutes=int(parts["tz_minute"] or 0))
            tzinfo = datetime.timezone(-delta if parts["tz_sign"] == "-" else delta)
        datetime.datetime(int(parts["year"]), int(parts["month"]), int(parts["day"]),
                          int(parts["hour"]), int(parts["minute"]), int(parts["second"]),
                          tzinfo=tzinfo)
    except ValueError as exc:
        raise ValueError(f"{_short(text)} reads as a date and is not a valid one ({exc}); "
                         f"{_FAILS}: quote it to keep it text") from None
