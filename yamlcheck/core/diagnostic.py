"""The one finding type that flows from every stage to every reporter."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

# A place in the text: 0-based start line and column, 0-based end line and
# exclusive end column, then the start and end character offsets.  Kept as a
# plain tuple because the loader makes one for every key and value.
Span = tuple[int, int, int, int, int, int]

FILE_START: Span = (0, 0, 0, 1, 0, 0)

# The path reported for text read from stdin when no --stdin-filename names it.
STDIN_PATH = "<stdin>"


class Severity(IntEnum):
    """Ordered so that a threshold is a plain comparison."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; use error, warning or info") from None


class Fix(NamedTuple):
    """A safe edit: replace text[start:end] (character offsets) with ``replacement``.

    ``value`` is the new scalar value as the user reads it (without quotes).
    """

    value: str
    replacement: str
    start: int
    end: int


class Diagnostic(NamedTuple):
    path: str
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int  # exclusive
    code: str
    name: str
    severity: Severity
    message: str
    fix: Fix | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def with_severity(self, severity: Severity) -> Diagnostic:
        return self._replace(severity=severity)


def span_to_range(span: Span) -> tuple[int, int, int, int]:
    """1-based (line, column, end_line, end_column) for a span."""
    line, col, end_line, end_col = span[0] + 1, span[1] + 1, span[2] + 1, span[3] + 1
    if (end_line, end_col) <= (line, col):
        end_line, end_col = line, col + 1
    return line, col, end_line, end_col
