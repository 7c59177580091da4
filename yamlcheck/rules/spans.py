"""Positions inside a scalar (a placeholder within a command, for example)."""

from __future__ import annotations

from yamlcheck.diagnostic import Span


def inner_span(text: str, span: Span, needle: str, occurrence: int = 0) -> Span:
    """The span of the ``occurrence``-th ``needle`` inside the scalar at
    ``span``, found in the file text; the whole scalar when it is not there
    literally (escape sequences, folded lines)."""
    start, end = span[4], span[5]
    raw = text[start:end] if 0 <= start < end <= len(text) else ""
    index = -1
    for _ in range(occurrence + 1):
        index = raw.find(needle, index + 1)
        if index < 0:
            return span
    absolute = start + index
    line = text.count("\n", 0, absolute)
    col = absolute - (text.rfind("\n", 0, absolute) + 1)
    if "\n" in needle:
        return span
    return (line, col, line, col + len(needle), absolute, absolute + len(needle))
