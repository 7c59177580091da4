"""Positions inside a scalar (a placeholder within a command, for example)."""

from __future__ import annotations

from yamlcheck.core.diagnostic import Span


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
    if "\n" in needle:
        return span
    absolute = start + index
    line = span[0] + raw.count("\n", 0, index)  # count within the scalar only
    col = absolute - (text.rfind("\n", max(0, start - span[1] - 1), absolute) + 1)
    return (line, col, line, col + len(needle), absolute, absolute + len(needle))
