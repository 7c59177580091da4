"""Safe in-place edits of image scalars, keeping every other byte of the file."""

from __future__ import annotations

from collections.abc import Iterable

from yamlcheck.core.diagnostic import Fix, Span

_PLAIN_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@`")


def _plain_ok(value: str) -> bool:
    return (bool(value) and value[0] not in _PLAIN_UNSAFE_START and ": " not in value
            and " #" not in value and value == value.strip() and "\n" not in value)


def scalar_fix(text: str, span: Span, value: str) -> Fix | None:
    """An edit that replaces the scalar at ``span`` with ``value`` in the same
    quoting style, or None when that cannot be done safely (block scalars,
    plain scalars spread over several lines)."""
    start, end = span[4], span[5]
    if span[0] != span[2] or not (0 <= start < end <= len(text)):
        return None
    raw = text[start:end]
    first = raw[0]
    if first == "'" and raw.endswith("'"):
        replacement = "'" + value.replace("'", "''") + "'"
    elif first == '"' and raw.endswith('"'):
        replacement = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    elif first in "|>!&*":
        return None
    elif _plain_ok(value):
        replacement = value
    else:
        return None
    return Fix(value, replacement, start, end)


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply non-overlapping fixes; returns the new text and how many applied.
    Of fixes for the same place, the first given wins."""
    chosen: list[Fix] = []
    last_end = -1
    ordered = sorted(enumerate(fixes), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    for _, fix in ordered:
        if fix.start >= last_end:
            chosen.append(fix)
            last_end = fix.end
    for fix in reversed(chosen):
        text = text[: fix.start] + fix.replacement + text[fix.end :]
    return text, len(chosen)
