"""Where the cursor is in the document's structure.

Two readings: :func:`in_tree` walks the loaded document (exact, but only for
a text that parses); :func:`by_indent` reads the lines above the cursor by
their indentation, as a person does, and so works on the half-typed text an
editor holds most of the time.  Both give the path of keys and list items
from the root to the cursor.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from yamlcheck.document.tree import PosList, PosMap

Path = tuple[Any, ...]  # keys, list indexes, and "*" for a list item of unknown index

_DASH = re.compile(r"-(?: +|$)")
_KEY = re.compile(r"""(?P<key>"[^"]*"|'[^']*'|[^\s#'"{\[\]},:][^#:]*?|[^\s#'"{\[]*)\s*:(?=\s|$)""")


class TreePlace(NamedTuple):
    path: Path
    on_key: bool  # on a mapping key (else on a value or list item)
    value: Any  # the key, or the value under the cursor
    start: int  # its character offsets
    end: int
    parents: tuple[Any, ...]  # the containers from the root down


def _inside(span: Any, offset: int) -> bool:
    return span[4] <= offset <= span[5]


def _entries(node: Any) -> list[tuple[Any, Any, Any, Any]]:
    """(step, key span or None, value span, value) of a mapping's or list's entries."""
    if isinstance(node, PosMap):
        return [(key, node.key_span(key), node.value_span(key), node[key]) for key in node]
    if isinstance(node, PosList):
        return [(index, None, node.item_span(index), value) for index, value in enumerate(node)]
    return []


def in_tree(root: Any, offset: int) -> TreePlace | None:
    """The innermost key or scalar at ``offset``, or None."""
    path: list[Any] = []
    parents: list[Any] = []
    node = root
    while isinstance(node, (PosMap, PosList)):
        parents.append(node)
        for step, key_span, value_span, value in _entries(node):
            if key_span is not None and _inside(key_span, offset) and key_span != node.span:
                return TreePlace((*path, step), True, step, key_span[4], key_span[5],
                                 tuple(parents))
            if _inside(value_span, offset):
                path.append(step)
                if not isinstance(value, (PosMap, PosList)):
                    return TreePlace(tuple(path), False, value, value_span[4], value_span[5],
                                     tuple(parents))
                node = value
                break
        else:
            return None
    return None


class Line(NamedTuple):
    """One line read structurally: list dashes and a key, with their columns."""

    dashes: tuple[int, ...]
    key: str | None
    key_column: int  # where the key (or the content after the dashes) starts
    after: str  # the text after the key's colon (or all content when there is no key)


def read_line(text: str) -> Line | None:
    """None for blank and comment lines."""
    stripped = text.lstrip(" ")
    if not stripped or stripped.startswith("#"):
        return None
    column = len(text) - len(stripped)
    dashes = []
    while True:
        match = _DASH.match(text, column)
        if not match:
            break
        dashes.append(column)
        column = match.end()
    match = _KEY.match(text, column)
    if match and match.group("key"):
        key = match.group("key").strip()
        if key[:1] in "'\"" and key[-1:] == key[:1] and len(key) >= 2:
            key = key[1:-1]
        return Line(tuple(dashes), key, column, text[match.end():])
    return Line(tuple(dashes), None, column, text[column:])


class IndentPlace(NamedTuple):
    path: Path  # to the mapping or list the cursor is in, then the key it is on, if any
    key: str | None  # the key whose value the cursor is in (None on a key or list item)
    word: str  # the text typed so far at the cursor (a key, or a value)
    word_start: int  # its column
    column: int  # the column of the cursor's mapping (where its keys start)
    line: int


def _parent_chain(lines: list[str], number: int, target: int, dash_first: bool) -> list[Any]:
    """Keys and list items above line ``number`` that contain a node at
    column ``target`` (``dash_first``: the node starts with '- ')."""
    path: list[Any] = []
    for above in range(number - 1, -1, -1):
        if target <= 0 and not dash_first:
            break
        read = read_line(lines[above])
        if read is None:
            continue
        elements: list[tuple[int, Any]] = [(d, "*") for d in read.dashes]
        if read.key is not None:
            elements.append((read.key_column, read.key))
        chosen = None
        for position, (column, what) in enumerate(elements):
            if column < target or (dash_first and what != "*" and column == target
                                   and not read.after.strip()):
                chosen = position
        if chosen is None:
            if not elements and read.key_column < target:
                break  # a scalar's continuation, less indented: nothing to place it by
            continue
        path[:0] = [what for _, what in elements[: chosen + 1]]
        target, dash_first = elements[0][0], elements[0][1] == "*"
        if target == 0 and not dash_first:
            break
    return path


def by_indent(lines: list[str], number: int, column: int) -> IndentPlace:
    """The place of the cursor at ``column`` of line ``number``."""
    text = lines[number] if number < len(lines) else ""
    before = text[:column]
    read = read_line(before) or Line((), None, len(before), "")
    own: list[Any] = ["*" for _ in read.dashes]
    if read.key is not None:  # "  key: va|": in the value of key
        after = read.after
        word = after.strip()
        start = column - len(after.lstrip(" ")) if word else column
        mapping_column = read.key_column
        own.append(read.key)
        key: str | None = read.key
    else:  # "  ke|" or "  - |": typing a key (or a list item's value)
        word = read.after if read.after.strip() else ""
        start = column - len(word)
        mapping_column = read.key_column
        key = None
    first = read.dashes[0] if read.dashes else mapping_column
    dash_first = bool(read.dashes)
    parents = _parent_chain(lines, number, first, dash_first)
    return IndentPlace(tuple(parents + own), key, word, start, mapping_column, number)


def siblings(lines: list[str], number: int, column: int) -> dict[str, str]:
    """The keys (and their one-line values) of the block mapping whose keys
    start at ``column``, around line ``number``."""
    found: dict[str, str] = {}

    def take(index: int) -> bool:
        read = read_line(lines[index])
        if read is None:
            return True
        if read.key_column < column and not (read.dashes and read.key_column == column):
            return False
        if read.key_column == column and read.key is not None:
            found.setdefault(read.key, read.after.split(" #")[0].strip())
            return not (read.dashes and index != number)  # an item's first line ends it above
        return True

    current = read_line(lines[number]) if number < len(lines) else None
    for index in range(number - 1, -1, -1):
        if current is not None and current.dashes:
            break  # the cursor's line starts the item: nothing of it stands above
        read = read_line(lines[index])
        if read is not None and read.dashes and read.key_column == column:
            take(index)
            break
        if not take(index):
            break
    for index in range(number + 1, len(lines)):
        read = read_line(lines[index])
        if read is not None and read.dashes and read.key_column <= column:
            break
        if not take(index):
            break
    return found
