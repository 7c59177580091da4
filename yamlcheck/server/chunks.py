"""Loading an edited document again without parsing what did not change.

A valohai.yaml is a top-level block sequence whose items start with ``- `` at
column 0.  Such a text is cut into one chunk per item; each chunk is parsed on
its own and remembered by its text, so after a keystroke only the edited item
is parsed again and the others are reused, their places shifted to where the
chunk now stands.  The result equals a load of the whole text (the tests
compare the two on the corpus and on random edits); whenever that cannot be
guaranteed (anchors or aliases, directives, document markers, other line
breaks, anything at column 0 but items and comments, a chunk with a finding)
the whole text is loaded as ``yamlcheck lint`` loads it.  The schema stage's
findings of an unchanged item are reused the same way (:class:`SchemaMemo`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from yamlcheck.core.diagnostic import Diagnostic, Span
from yamlcheck.core.rule import Rule
from yamlcheck.document.builder import Builder, Fatal
from yamlcheck.document.composer import fast_parser
from yamlcheck.document.loader import Loaded, load_text, needs_pyyaml
from yamlcheck.document.reader import decode
from yamlcheck.document.shape import Item
from yamlcheck.document.tree import PosList, PosMap
from yamlcheck.schema.validate import check_items

# A line at column 0 that is neither an item start, a comment nor blank.
_OTHER_TOP_LINE = re.compile(r"^(?!- |-$|#|[ \t]|$)", re.M)
_ITEM_START = re.compile(r"^-(?: |$)", re.M)
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


class _Parsed(NamedTuple):
    """One chunk parsed alone: the item, its span and the list's, relative to the chunk."""

    value: Any
    item_span: Span
    list_span: Span


class _Placed(NamedTuple):
    value: Any
    item_span: Span
    list_span: Span
    line: int
    offset: int


class _Watch:
    """The parser's events, passed on, noting any anchor or alias."""

    __slots__ = ("anchored", "events")

    def __init__(self, events: Any) -> None:
        self.events = events
        self.anchored = False

    def get_event(self) -> Any:
        event = self.events.get_event()
        if getattr(event, "anchor", None) is not None:
            self.anchored = True
        return event


def _parse_chunk(text: str) -> _Parsed | None:
    """The chunk's one item, or None when it must be loaded with the rest
    (also whenever PyYAML, not libyaml, would have to read it)."""
    if needs_pyyaml(text):
        return None
    builder = Builder("", text)
    watch = _Watch(fast_parser(text))
    try:
        found, root = builder.build(watch)
    except Fatal:
        return None
    except Exception:  # noqa: BLE001  (any parser error: the whole text decides)
        return None
    if builder.diagnostics or watch.anchored or not found:
        return None
    if not isinstance(root, PosList) or len(root) != 1:
        return None
    return _Parsed(root[0], root.item_span(0), root.span)


def _shift_span(span: Span, lines: int, offset: int) -> Span:
    return (span[0] + lines, span[1], span[2] + lines, span[3], span[4] + offset, span[5] + offset)


def _shifted(value: Any, lines: int, offset: int) -> Any:
    """A copy of a loaded value with every place moved down ``lines`` lines and
    on ``offset`` characters (chunks start at column 0: columns stay)."""
    containers = (PosMap, PosList)
    if isinstance(value, PosMap):
        copy = PosMap(_shift_span(value.span, lines, offset))
        put, key_span, value_span = copy.put, value.key_span, value.value_span
        for key, item in value.items():
            k, v = key_span(key), value_span(key)
            put(key, _shifted(item, lines, offset) if isinstance(item, containers) else item,
                (k[0] + lines, k[1], k[2] + lines, k[3], k[4] + offset, k[5] + offset),
                (v[0] + lines, v[1], v[2] + lines, v[3], v[4] + offset, v[5] + offset))
        return copy
    if isinstance(value, PosList):
        copy_list = PosList(_shift_span(value.span, lines, offset))
        push, item_span = copy_list.push, value.item_span
        for index, item in enumerate(value):
            s = item_span(index)
            push(_shifted(item, lines, offset) if isinstance(item, containers) else item,
                 (s[0] + lines, s[1], s[2] + lines, s[3], s[4] + offset, s[5] + offset))
        return copy_list
    return value


def split(text: str) -> list[tuple[int, int, str]] | None:
    """(line, offset, text) of each item's chunk, or None when the text is not
    a plain top-level block sequence.  Comments and blank lines before the
    first item belong to the first chunk."""
    if any(mark in text for mark in _OTHER_BREAKS) or _OTHER_TOP_LINE.search(text):
        return None
    starts = [match.start() for match in _ITEM_START.finditer(text)]
    if not starts:
        return None
    starts[0] = 0
    chunks = []
    line = 0
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        chunk = text[start:end]
        chunks.append((line, start, chunk))
        line += chunk.count("\n")
    return chunks


class ChunkLoader:
    """Loads successive versions of one document, reusing unchanged items."""

    def __init__(self) -> None:
        self._parsed: dict[str, _Parsed] = {}
        self._placed: dict[tuple[str, int, int], _Placed] = {}
        self.parsed = 0  # items the last load had to parse (for tests and benchmarks)
        # (text, line, offset) of each top-level item of the last load, None
        # when it loaded the whole text
        self.chunks: list[tuple[str, int, int]] | None = None

    def load(self, path: str, text: str) -> Loaded:
        """What ``yamlcheck.document.loader.load`` returns for this text."""
        source, problems = decode(text.encode("utf-8", "surrogatepass"), path)
        if source is None or problems or source.bom:
            loaded = Loaded(path, source, diagnostics=list(problems))
            return load_text(path, source, loaded) if source is not None else loaded
        chunks = split(source.text)
        placed = self._place(chunks) if chunks else None
        self.chunks = [(text, line, offset) for line, offset, text in chunks] \
            if placed is not None and chunks else None
        if placed is None:
            return load_text(path, source)
        first, last = placed[0], placed[-1]
        root = PosList((first.list_span[0], first.list_span[1], last.list_span[2],
                        last.list_span[3], first.list_span[4], last.list_span[5]))
        for part in placed:
            root.push(part.value, part.item_span)
        result = Loaded(path, source, diagnostics=[])
        result.root = root
        result.loaded = True
        return result

    def _place(self, chunks: list[tuple[int, int, str]]) -> list[_Placed] | None:
        parsed: dict[str, _Parsed] = {}
        placed: dict[tuple[str, int, int], _Placed] = {}
        result: list[_Placed] = []
        self.parsed = 0
        for line, offset, text in chunks:
            key = (text, line, offset)
            part = self._placed.get(key) or placed.get(key)
            if part is None:
                alone = parsed.get(text) or self._parsed.get(text)
                if alone is None:
                    self.parsed += 1
                    alone = _parse_chunk(text)
                if alone is None:
                    self._parsed.update(parsed)  # keep what did parse for the next version
                    return None
                parsed[text] = alone
                part = _Placed(_shifted(alone.value, line, offset),
                               _shift_span(alone.item_span, line, offset),
                               _shift_span(alone.list_span, line, offset), line, offset)
            else:
                parsed[text] = self._parsed.get(text) or parsed.get(text)  # type: ignore[assignment]
            placed[key] = part
            result.append(part)
        self._parsed, self._placed = parsed, placed
        return result


class SchemaMemo:
    """The schema stage (``check_items``) for successive versions: an item
    whose text is unchanged keeps its findings, moved to where it now stands.
    An item's schema findings depend on its own text and index alone."""

    def __init__(self, loader: ChunkLoader) -> None:
        self.loader = loader
        self._known: dict[tuple[str, int, str], tuple[int, int, list[Diagnostic]]] = {}

    def __call__(self, items: list[Item], root: Any, path: str,
                 missing: Mapping[str, type[Rule]] | None = None) -> list[Diagnostic]:
        chunks = self.loader.chunks
        known, self._known = self._known, {}
        found: list[Diagnostic] = []
        for item in items:
            if chunks is None or item.index >= len(chunks):
                found += check_items([item], root, path, missing)
                continue
            text, line, offset = chunks[item.index]
            key = (text, item.index, path)
            memo = known.get(key) or (line, offset, check_items([item], root, path, missing))
            self._known[key] = memo
            found += _moved(memo[2], line - memo[0], offset - memo[1])
        return found


def _moved(found: list[Diagnostic], lines: int, offset: int) -> list[Diagnostic]:
    if not lines and not offset:
        return found
    return [d._replace(line=d.line + lines, end_line=d.end_line + lines,
                       fix=d.fix._replace(start=d.fix.start + offset, end=d.fix.end + offset)
                       if d.fix is not None else None) for d in found]

