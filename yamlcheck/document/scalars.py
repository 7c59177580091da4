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
MAX_INT_DIGITS = 4300


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
    """A number with more digits than Python converts."""


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
    """The Python value of a scalar with a standard tag."""
    if tag == STR:
        return value
    if tag == INT:
        return _to_int(value)
    if tag == FLOAT:
        return _to_float(value)
    if tag == BOOL:
        return _BOOL_WORDS.get(value, value.lower() in ("true", "yes", "on"))
    if tag == NULL:
        return None
    if tag == TIMESTAMP:
        return Timestamp(value)
    raise KeyError(tag)


def _sexagesimal(text: str) -> tuple[int, list[str]]:
    sign = -1 if text.startswith("-") else 1
    return sign, text.lstrip("+-").split(":")


def _to_int(text: str) -> int:
    text = text.replace("_", "")
    if len(text) > MAX_INT_DIGITS:
        raise ScalarTooLarge(f"integer with {len(text)} digits")
    if ":" in text:
        sign, parts = _sexagesimal(text)
        total = 0
        for part in parts:
            total = total * 60 + int(part)
        return sign * total
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits == "0":
        return 0
    if digits.startswith("0b"):
        return sign * int(digits[2:], 2)
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    if digits.startswith("0"):
        return sign * int(digits, 8)
    return sign * int(digits)


def _to_float(text: str) -> float:
    text = text.replace("_", "").lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    if ":" in text:
        sign, parts = _sexagesimal(text)
        total = 0.0
        for part in parts:
            total = total * 60 + float(part)
        return sign * total
    return float(text)
