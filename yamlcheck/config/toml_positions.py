"""Where each key and value of a TOML document stands.

tomllib (tomli on Python 3.10) decodes the values but keeps no positions; this
small scanner walks the same text and records, for every key path (keys and
array indexes, arrays of tables included), the span of the key and of its
value.  It runs only on a document tomllib has accepted, so it can be lenient:
a construct it does not follow leaves its keys without a position, and the
caller falls back to the enclosing one.
"""

from __future__ import annotations

import re

from yamlcheck.core.diagnostic import Span

Path = tuple[object, ...]
Positions = dict[Path, tuple[Span, Span]]  # key path -> (key span, value span)

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.found: Positions = {}
        self.table_arrays: dict[Path, int] = {}  # [[a.b]] -> how many so far

    # -- positions ---------------------------------------------------------
    def _line_col(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo, offset - self.line_starts[lo]

    def span(self, start: int, end: int) -> Span:
        line, col = self._line_col(start)
        end_line, end_col = self._line_col(max(start, end))
        return (line, col, end_line, end_col, start, end)

    # -- characters --------------------------------------------------------
    def peek(self, count: int = 1) -> str:
        return self.text[self.pos:self.pos + count]

    def skip_blank(self, newlines: bool) -> None:
        """Spaces, tabs, comments and (with ``newlines``) line ends."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def skip_string(self) -> None:
        for quote in ('"""', "'''"):
            if self.peek(3) == quote:
                end = self.text.find(quote, self.pos + 3)
                if quote == '"""':
                    while end > 0 and _escaped(self.text, end):
                        end = self.text.find(quote, end + 1)
                end = len(self.text) if end < 0 else end + 3
                while self.text[end:end + 1] == quote[0]:  # up to two quotes may close it
                    end += 1
                self.pos = end
                return
        quote = self.peek()
        end = self.pos + 1
        while end < len(self.text) and self.text[end] not in (quote, "\n"):
            end += 2 if quote == '"' and self.text[end] == "\\" else 1
        self.pos = end + 1

    # -- keys --------------------------------------------------------------
    def key(self) -> tuple[list[str], int, int]:
        """A dotted key: its parts and where it starts and ends."""
        start = self.pos
        parts = []
        while True:
            self.skip_blank(newlines=False)
            char = self.peek()
            if char in ('"', "'"):
                begin = self.pos
                self.skip_string()
                raw = self.text[begin + 1:self.pos - 1]
                parts.append(_unescape(raw) if char == '"' else raw)
            else:
                match = _BARE.match(self.text, self.pos)
                if not match:
                    raise ValueError("expected a key")
                parts.append(match.group())
                self.pos = match.end()
            end = self.pos
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts, start, end
            self.pos += 1

    # -- values ------------------------------------------------------------
    def value(self, path: Path) -> tuple[int, int]:
        """Scan the value at ``path``, recording what is inside; its extent."""
        start = self.pos
        char = self.peek()
        if char in ('"', "'"):
            self.skip_string()
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip_blank(newlines=True)
                if self.peek() in ("]", ""):
                    self.pos += 1
                    break
                item_start = self.pos
                item_end = self.value((*path, index))[1]
                self.found.setdefault((*path, index), (self.span(item_start, item_end),
                                                       self.span(item_start, item_end)))
                index += 1
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
        elif char == "{":
            self.pos += 1
            while True:
                self.skip_blank(newlines=False)
                if self.peek() in ("}", ""):
                    self.pos += 1
                    break
                self.pair(path)
                self.skip_blank(newlines=False)
                if self.peek() == ",":
                    self.pos += 1
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            end = match.start() if match else len(self.text)
            self.pos = end
            return start, start + len(self.text[start:end].rstrip())
        return start, self.pos

    def pair(self, table: Path) -> None:
        parts, key_start, key_end = self.key()
        self.skip_blank(newlines=False)
        if self.peek() != "=":
            raise ValueError("expected '='")
        self.pos += 1
        self.skip_blank(newlines=False)
        path = (*table, *parts)
        for depth in range(1, len(parts)):  # a.b = 1 also places the table a
            self.found.setdefault((*table, *parts[:depth]),
                                  (self.span(key_start, key_end),) * 2)
        value_start, value_end = self.value(path)
        self.found[path] = (self.span(key_start, key_end), self.span(value_start, value_end))

    # -- tables ------------------------------------------------------------
    def header(self) -> Path:
        start = self.pos
        array = self.peek(2) == "[["
        self.pos += 2 if array else 1
        parts, _, _ = self.key()
        self.skip_blank(newlines=False)
        self.pos += 2 if array else 1
        place = self.span(start, self.pos)
        path: Path = ()
        for position, part in enumerate(parts):
            path = (*path, part)
            last = position == len(parts) - 1
            if path in self.table_arrays and not (array and last):
                path = (*path, self.table_arrays[path] - 1)  # inside the latest item
        if array:
            index = self.table_arrays.get(path, 0)
            self.table_arrays[path] = index + 1
            self.found.setdefault(path, (place, place))
            path = (*path, index)
        self.found.setdefault(path, (place, place))
        return path

    def document(self) -> Positions:
        table: Path = ()
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.found
            if self.peek() == "[":
                table = self.header()
            else:
                self.pair(table)


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index > 0 and text[index - 1] == "\\":
        backslashes += 1
        index -= 1
    return backslashes % 2 == 1


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    import json

    try:
        return str(json.loads(f'"{raw}"'))
    except ValueError:
        return raw


def toml_positions(text: str) -> Positions:
    """Key and value spans by key path; as much as could be followed."""
    scanner = _Scanner(text)
    try:
        return scanner.document()
    except (ValueError, IndexError):
        return scanner.found
