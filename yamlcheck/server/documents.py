"""Open documents and positions: the editor's text, kept in step with its
incremental changes, and conversions between the engine's places (lines and
code-point columns) and LSP positions (lines and UTF-16, UTF-8 or UTF-32 code
units, as negotiated)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from lsprotocol import types

UTF16, UTF8, UTF32 = "utf-16", "utf-8", "utf-32"


def units(text: str, encoding: str = UTF16) -> int:
    """How many code units ``text`` takes in the position encoding."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def column_of(line: str, count: int, encoding: str = UTF16) -> int:
    """The code-point column that ``count`` code units into ``line`` reach
    (clamped to the line; a position inside a character rounds down)."""
    if encoding == UTF32 or line.isascii():
        return max(0, min(count, len(line)))
    used = 0
    for index, char in enumerate(line):
        width = 1 if encoding == UTF16 and ord(char) <= 0xFFFF else (
            2 if encoding == UTF16 else len(char.encode("utf-8", "surrogatepass")))
        if used + width > count:
            return index
        used += width
    return len(line)


class TextDocument:
    """One open document: its text, version and line starts."""

    def __init__(self, uri: str, text: str, version: int | None = None,
                 language_id: str = "yaml", encoding: str = UTF16) -> None:
        self.uri = uri
        self.text = text
        self.version = version
        self.language_id = language_id
        self.encoding = encoding
        self._starts: list[int] | None = None
        self._lsp_starts: list[int] | None = None

    # -- lines ---------------------------------------------------------------
    @property
    def line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = _line_starts(self.text, 0, 0)
        return self._starts

    def line(self, number: int) -> str:
        """Line ``number`` (0-based) without its line break ('' past the end)."""
        starts = self.line_starts
        if not 0 <= number < len(starts):
            return ""
        end = starts[number + 1] - 1 if number + 1 < len(starts) else len(self.text)
        return self.text[starts[number]:end].rstrip("\r")

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    # -- positions -----------------------------------------------------------
    # The engine counts lines at '\n' (as its reports do); LSP also breaks
    # lines at a lone '\r'.  Only a text holding one needs other line starts.
    @property
    def lsp_line_starts(self) -> list[int]:
        if self._lsp_starts is None:
            lone_cr = "\r" in self.text and _LONE_CR.search(self.text) is not None
            self._lsp_starts = _lsp_line_starts(self.text) if lone_cr else self.line_starts
        return self._lsp_starts

    def _lsp_line(self, number: int) -> str:
        starts = self.lsp_line_starts
        end = starts[number + 1] - 1 if number + 1 < len(starts) else len(self.text)
        return self.text[starts[number]:end].rstrip("\r")

    def offset_at(self, position: types.Position) -> int:
        """The character offset of an LSP position (clamped to the text)."""
        starts = self.lsp_line_starts
        if position.line >= len(starts):
            return len(self.text)
        if position.line < 0:
            return 0
        line = self._lsp_line(position.line)
        return starts[position.line] + column_of(line, position.character, self.encoding)

    def position_at(self, offset: int) -> types.Position:
        """The LSP position of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        starts = self.lsp_line_starts
        number = bisect_right(starts, offset) - 1
        text = self._lsp_line(number)
        return types.Position(line=number,
                              character=units(text[:offset - starts[number]], self.encoding))

    def position(self, line: int, column: int) -> types.Position:
        """The LSP position of the engine's 0-based line and code-point column."""
        if self.lsp_line_starts is not self.line_starts:
            starts = self.line_starts
            line = max(0, min(line, len(starts) - 1))
            return self.position_at(starts[line] + min(column, len(self.line(line))))
        text = self.line(line)
        return types.Position(line=line, character=units(text[:column], self.encoding))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(start=self.position(line, column),
                           end=self.position(end_line, end_column))

    def offset_range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position_at(start), end=self.position_at(end))

    # -- changes -------------------------------------------------------------
    def apply(self, changes: Iterable[Any], version: int | None) -> None:
        """Apply ``textDocument/didChange`` content changes in order."""
        for change in changes:
            change_range = getattr(change, "range", None)
            if change_range is None:
                self.text = change.text
                self._starts = self._lsp_starts = None
                continue
            start = self.offset_at(change_range.start)
            end = max(start, self.offset_at(change_range.end))
            self._splice(start, end, change.text)
        self.version = version

    def _splice(self, start: int, end: int, new: str) -> None:
        old_starts = self._starts
        self.text = self.text[:start] + new + self.text[end:]
        self._lsp_starts = None
        if old_starts is None:
            return
        first = bisect_right(old_starts, start) - 1  # the line the change starts on
        last = bisect_right(old_starts, end) - 1
        delta = len(new) - (end - start)
        added = _line_starts(new, start, 1)
        self._starts = (old_starts[: first + 1] + added
                        + [s + delta for s in old_starts[last + 1:]])


def _line_starts(text: str, base: int, skip: int) -> list[int]:
    """Offsets (plus ``base``) just after each '\\n' of ``text``, preceded by
    ``base`` itself unless ``skip``."""
    starts = [] if skip else [base]
    find = text.find
    index = find("\n")
    while index >= 0:
        starts.append(base + index + 1)
        index = find("\n", index + 1)
    return starts


_LONE_CR = re.compile(r"\r(?!\n)")
_LSP_BREAK = re.compile(r"\r\n|\r|\n")


def _lsp_line_starts(text: str) -> list[int]:
    """Offsets of the lines as LSP counts them: after '\r\n', '\n' or '\r'."""
    return [0] + [match.end() for match in _LSP_BREAK.finditer(text)]


class DocumentStore:
    """The documents the editor has open, by URI."""

    def __init__(self) -> None:
        self.encoding = UTF16
        self._documents: dict[str, TextDocument] = {}

    def open(self, uri: str, text: str, version: int | None, language_id: str) -> TextDocument:
        document = TextDocument(uri, text, version, language_id, self.encoding)
        self._documents[uri] = document
        return document

    def get(self, uri: str) -> TextDocument | None:
        return self._documents.get(uri)

    def close(self, uri: str) -> None:
        self._documents.pop(uri, None)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._documents.values()))
