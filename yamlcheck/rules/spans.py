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


_ESCAPE_WIDTH = {"x": 4, "u": 6, "U": 10}  # \\xXX, \\uXXXX, \\UXXXXXXXX; any other: 2


def quoted_offsets(raw: str, value: str) -> list[int] | None:
    """For a quoted scalar written on one line, where in ``raw`` (its text
    with the quotes) each character of ``value`` starts, and where the
    closing quote is; None for any other scalar or when the two disagree."""
    if "\n" in raw or len(raw) < 2 or raw[0] not in "\"'" or raw[-1] != raw[0]:
        return None
    quote, end = raw[0], len(raw) - 1
    offsets, index = [], 1
    while index < end:
        offsets.append(index)
        if raw[index] == quote == "'":
            index += 2  # '' is one quote
        elif raw[index] == "\\" and quote == '"':
            index += _ESCAPE_WIDTH.get(raw[index + 1] if index + 1 < end else "", 2)
        else:
            index += 1
    offsets.append(end)
    return offsets if index == end and len(offsets) == len(value) + 1 else None
