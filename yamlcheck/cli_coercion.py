"""Plain coercion of command-line values, so that start-up stays fast.

Typer 0.29 and later coerce every value that is not a flag through a pydantic
``TypeAdapter`` built when the parameter is first processed, even when the
value is the default: importing pydantic and building the adapters costs
70-100 ms per run, more than linting a typical file.  yamlcheck's parameters are plain types (text, whole
and decimal numbers with a range, lists of text, choices), so the command
class below gives each of them a small coercer of its own and leaves anything
else to Typer.  Typer versions that coerce through click's types need nothing
and are left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

Convert = Callable[[Any], Any]


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        import os

        return os.fsdecode(value)
    return str(value)


def _number(kind: type, low: float | None, high: float | None) -> Convert:
    noun = "integer" if kind is int else "number"

    def convert(value: Any) -> Any:
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not a valid {noun}.") from None
        if (low is not None and number < low) or (high is not None and number > high):
            bounds = (f"{low}<=x<={high}" if low is not None and high is not None
                      else f"x>={low}" if low is not None else f"x<={high}")
            raise ValueError(f"{number} is not in the range {bounds}.")
        return number

    return convert


_TRUE = frozenset(("1", "true", "t", "yes", "y", "on"))
_FALSE = frozenset(("", "0", "false", "f", "no", "n", "off"))


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError(f"{value!r} is not a valid boolean.")


def _choice(choices: Sequence[Any], case_sensitive: bool) -> Convert:
    def label(choice: Any) -> str:
        text = str(choice.value if isinstance(choice, Enum) else choice)
        return text if case_sensitive else text.casefold()

    def convert(value: Any) -> Any:
        if any(value is choice for choice in choices):
            return value
        wanted = label(value)
        for choice in choices:
            if label(choice) == wanted:
                return choice
        raise ValueError(f"{value!r} is not one of {', '.join(repr(label(c)) for c in choices)}.")

    return convert


def plain_converter(annotation: Any, info: Any, choices: Sequence[Any] | None) -> Convert | None:
    """The conversion of one value of ``annotation``, or None to keep Typer's."""
    if choices is not None:
        return _choice(choices, bool(getattr(info, "case_sensitive", True)))
    if annotation is str:
        return _text
    if annotation is bool:
        return _flag
    if annotation in (int, float) and not getattr(info, "clamp", False):
        return _number(annotation, getattr(info, "min", None), getattr(info, "max", None))
    return None


class PlainCoercion:
    """Stands in for Typer's runtime coercion of one parameter."""

    def __init__(self, convert: Convert, many: bool) -> None:
        self.convert = convert
        self.many = many

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        many = self.many or param.multiple or param.nargs == -1
        if value is None:
            return () if many else None
        try:
            if many:
                if isinstance(value, str):
                    raise ValueError("Value must be an iterable.")
                return [self.convert(item) for item in value]
            return self.convert(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), ctx=ctx, param=param) from None


def plain_coercion(param: Any) -> PlainCoercion | None:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None:
        return None
    annotation, many = descriptor.annotation, False
    if descriptor.is_list:
        (annotation,) = getattr(annotation, "__args__", (None,))
        many = True
    convert = plain_converter(annotation, descriptor.parameter_info, descriptor.choices)
    return PlainCoercion(convert, many) if convert is not None else None


def use_plain_coercion(params: list[Any]) -> None:
    for param in params:
        if getattr(param, "_runtime_param", False) is None:  # Typer >= 0.29, not built yet
            coercion = plain_coercion(param)
            if coercion is not None:
                param._runtime_param = coercion


class _PlainParameters:
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        use_plain_coercion(self.get_params(ctx))  # type: ignore[attr-defined]  # help option too
        return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]


class PlainCommand(_PlainParameters, TyperCommand):
    """A Typer command whose plain parameters skip pydantic."""


class PlainGroup(_PlainParameters, TyperGroup):
    """The root command: the same for its parameters (--version, and the
    completion options Typer adds after building it)."""
