"""Completion at the cursor, on the text as typed so far.

The cursor's place comes from the indentation of the lines above it (the text
need not parse); the names it offers (steps, nodes, parameters, inputs) come
from the document loaded without the cursor's line, or from the last lint.
"""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types

from yamlcheck.core.settings import Config
from yamlcheck.document.loader import load
from yamlcheck.document.model import Document, Obj, Pipeline
from yamlcheck.document.shape import split_items
from yamlcheck.rules.context import LintContext
from yamlcheck.server import schema_paths
from yamlcheck.server.documents import TextDocument
from yamlcheck.server.index import NameIndex
from yamlcheck.server.linting import Snapshot
from yamlcheck.server.locate import by_indent, read_line, siblings

_PLACEHOLDER = re.compile(r"\{(parameter|parameter-value):([^{}:\s]*)$")
_SOCKET_TEXT = re.compile(r"[^\s\[\],'\"{}]*$")
_SOCKET_TYPES = ("output", "input", "parameter")
_NAME_KEYS = {"step": "step", "task": "task", "endpoint": "endpoint"}
_MAX_RELOAD = 512 * 1024  # larger texts take their names from the last lint
_REPAIRS = 6  # loads tried, each blanking the lines a syntax error stops at


def _context(document: TextDocument, snapshot: Snapshot | None, line: int) -> LintContext | None:
    """The document's typed view, from the current text where it loads: as
    it is, or with the cursor's line and the lines the parser stops at blanked
    (a half-typed line rarely holds the names asked for)."""
    if snapshot is not None and snapshot.result is not None and \
            snapshot.document.text == document.text and snapshot.result.context is not None \
            and snapshot.result.context.root is not None:
        return snapshot.result.context
    if len(document.text) <= _MAX_RELOAD:
        lines = document.text.split("\n")
        blank = {line}
        for _ in range(_REPAIRS):
            text = "\n".join("" if number in blank else text
                             for number, text in enumerate(lines))
            loaded = load("valohai.yaml", text.encode("utf-8", "surrogatepass"))
            if loaded.loaded:
                items, _ = split_items(loaded.root, loaded.path, True)
                return LintContext(loaded.path, text, loaded.root, Document(items), Config())
            stops = [d.line - 1 for d in loaded.diagnostics if d.code == "VH001"]
            if not stops or (stops[0] in blank and stops[0] - 1 in blank):
                break
            blank.update((stops[0], stops[0] - 1))
    if snapshot is not None and snapshot.result is not None:
        return snapshot.result.context
    return None


def _item_index(lines: list[str], line: int) -> int:
    """Which top-level item (0-based) holds ``line``, by its '- ' at column 0."""
    count = sum(1 for text in lines[: line + 1] if text.startswith("-"))
    return max(0, count - 1)


def _override_step(lines: list[str], number: int) -> str | None:
    """The step of the pipeline node whose ``override`` holds line ``number``."""
    below = read_line(lines[number])
    column = below.key_column if below is not None else len(lines[number])
    for above in range(number - 1, -1, -1):
        read = read_line(lines[above])
        if read is None or read.key_column >= column:
            continue
        if read.key != "override":
            return None
        step = siblings(lines, above, read.key_column).get("step", "").strip("'\"")
        return step or None
    return None


def _item(ctx: LintContext, index: int) -> tuple[str, Obj] | None:
    for item, obj in ctx.doc.objects:
        if item.index == index:
            return item.kind, obj
    return None


def _items(labels: list[str], kind: types.CompletionItemKind, edit_range: types.Range,
           detail: str, suffix: str = "") -> list[types.CompletionItem]:
    return [types.CompletionItem(label=label, kind=kind, detail=detail,
                                 text_edit=types.TextEdit(range=edit_range,
                                                          new_text=label + suffix),
                                 sort_text=f"{position:04d}")
            for position, label in enumerate(labels)]


def complete(document: TextDocument, snapshot: Snapshot | None, position: types.Position,
             markdown: bool = True) -> types.CompletionList | None:
    lines = document.text.split("\n")
    number = position.line
    if number >= len(lines):
        return None
    line = lines[number].rstrip("\r")
    column = min(len(line), document.offset_at(position) - document.line_starts[number])
    before = line[:column]

    def span(length: int) -> types.Range:
        return document.range(number, column - length, number, column)

    def result(found: list[types.CompletionItem]) -> types.CompletionList:
        return types.CompletionList(is_incomplete=False, items=found)

    ctx = None
    index = _item_index(lines, number)
    placeholder = _PLACEHOLDER.search(before)
    if placeholder:
        ctx = _context(document, snapshot, number)
        found = _item(ctx, index) if ctx else None
        if ctx is None or found is None:
            return None
        step = found[1].name if found[0] == "step" else _override_step(lines, number)
        if step is None:
            return None
        names = NameIndex(ctx).names("parameter", step)
        return result(_items(names, types.CompletionItemKind.Variable,
                             span(len(placeholder.group(2))), "parameter", "}"))
    place = by_indent(lines, number, column)
    path = place.path
    if "edges" in path or (place.key in ("target", "targets", "source") and "nodes" not in path):
        ctx = _context(document, snapshot, number)
        return result(_sockets(ctx, index, before, span)) if ctx else None
    if place.key is not None:
        if place.key in _NAME_KEYS and len(path) >= 2:
            ctx = _context(document, snapshot, number)
            if ctx is None:
                return None
            names = NameIndex(ctx).names(_NAME_KEYS[place.key])
            return result(_items(names, types.CompletionItemKind.Reference,
                                 span(len(place.word)), place.key))
        values = schema_paths.values(path)
        labels = [_yaml_scalar(value) for value in values]
        return result(_items(labels, types.CompletionItemKind.EnumMember,
                             span(len(place.word)), "value"))
    if place.word and not re.fullmatch(r"[\w.-]+", place.word):
        return None  # inside a flow collection or a scalar: no keys here
    present = siblings(lines, number, place.column)
    allowed = schema_paths.allowed_keys(path, present or None)
    labels = [key for key in allowed if key not in present or key == place.word]
    found = _items(labels, types.CompletionItemKind.Property, span(len(place.word)), "key",
                   ": ")
    for item in found:
        item.documentation = _doc(schema_paths.description((*path, item.label)), markdown)
    return result(found)


def _doc(text: str | None, markdown: bool) -> types.MarkupContent | str | None:
    if not text:
        return None
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text) if markdown else text


def _yaml_scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _sockets(ctx: LintContext, index: int, before: str, span: Any) -> list[types.CompletionItem]:
    """Completion of ``node.type.name`` in an edge or a parameter target."""
    found = _item(ctx, index)
    if found is None or not isinstance(found[1], Pipeline):
        return []
    pipeline: Pipeline = found[1]  # type: ignore[assignment]
    typed = _SOCKET_TEXT.search(before)
    text = typed.group(0) if typed else ""
    parts = text.split(".", 2)
    if len(parts) == 1:
        return _items(list(pipeline.node_map), types.CompletionItemKind.Reference,
                      span(len(text)), "node", ".")
    node = pipeline.node_map.get(parts[0])
    if len(parts) == 2:
        return _items(list(_SOCKET_TYPES), types.CompletionItemKind.Keyword,
                      span(len(parts[1])), "socket type", ".")
    step = ctx.doc.step_map.get(node.str("step") or "") if node is not None else None
    if step is None:
        return []
    kind = parts[1]
    sources = {"output": step.outputs, "input": step.inputs, "parameter": step.parameters}
    names = [obj.name for obj in sources.get(kind, []) if obj.name is not None]
    return _items(list(dict.fromkeys(names)), types.CompletionItemKind.Field,
                  span(len(parts[2])), kind)
