"""Code actions: the fixes ``--fix`` applies, the "did you mean" of a finding,
"ignore this finding on this line", and every fix of the file at once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lsprotocol import types

from yamlcheck.core.diagnostic import Diagnostic, Fix
from yamlcheck.document.tree import PosMap
from yamlcheck.engine.suppressions import parse as parse_suppressions
from yamlcheck.server.documents import TextDocument
from yamlcheck.server.linting import Snapshot
from yamlcheck.server.locate import in_tree
from yamlcheck.server.suggestions import replacement

QUICKFIX = types.CodeActionKind.QuickFix
FIX_ALL = types.CodeActionKind.SourceFixAll
_IGNORE_LIST = re.compile(r"ignore\[([^\]]*)\]")


def _edit(document: TextDocument, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={document.uri: edits})


def _text_edit(document: TextDocument, start: int, end: int, new: str) -> types.TextEdit:
    return types.TextEdit(range=document.offset_range(start, end), new_text=new)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and \
        (b.start.line, b.start.character) <= (a.end.line, a.end.character)


def _wanted(kind: str, only: Iterable[str] | None) -> bool:
    return only is None or any(kind == o or kind.startswith(f"{o}.") for o in only)


def code_actions(snapshot: Snapshot, params: types.CodeActionParams) -> list[types.CodeAction]:
    result = snapshot.result
    document = snapshot.document
    if result is None or document.text is None:
        return []
    only = params.context.only
    found: list[types.CodeAction] = []
    pairs = [(d, lsp) for d, lsp in zip(result.diagnostics, snapshot.diagnostics, strict=False)
             if _overlaps(lsp.range, params.range)]
    if _wanted(QUICKFIX, only):
        for diagnostic, lsp in pairs:
            found += _quick_fixes(snapshot, diagnostic, lsp)
    if _wanted(FIX_ALL, only):
        fixes = [d.fix for d in result.diagnostics if d.fix is not None] + list(result.fixes)
        if fixes:
            found.append(types.CodeAction(
                title="Qualify every image (yamlcheck lint --fix)", kind=FIX_ALL,
                edit=_edit(document, _fix_edits(document, fixes))))
    return found


def _fix_edits(document: TextDocument, fixes: list[Fix]) -> list[types.TextEdit]:
    """Non-overlapping edits, the first of several for one place winning (as --fix does)."""
    chosen: list[Fix] = []
    last_end = -1
    for fix in sorted(fixes, key=lambda f: (f.start, f.end)):
        if fix.start >= last_end:
            chosen.append(fix)
            last_end = fix.end
    return [_text_edit(document, f.start, f.end, f.replacement) for f in chosen]


def _quick_fixes(snapshot: Snapshot, diagnostic: Diagnostic,
                 lsp: types.Diagnostic) -> list[types.CodeAction]:
    document = snapshot.document
    actions = []
    if diagnostic.fix is not None:
        fix = diagnostic.fix
        actions.append(types.CodeAction(
            title=f"Replace with '{fix.value}'", kind=QUICKFIX, diagnostics=[lsp],
            is_preferred=True,
            edit=_edit(document, [_text_edit(document, fix.start, fix.end, fix.replacement)])))
    suggested = suggestion_edit(document, diagnostic)
    if suggested is not None:
        start, end, new = suggested
        actions.append(types.CodeAction(
            title=f"Change to '{new}'", kind=QUICKFIX, diagnostics=[lsp],
            is_preferred=diagnostic.fix is None,
            edit=_edit(document, [_text_edit(document, start, end, new)])))
    ignore = _ignore_edit(snapshot, diagnostic)
    if ignore is not None:
        where = "in this value" if ignore.new_text.endswith("\n") else "on this line"
        actions.append(types.CodeAction(
            title=f"Ignore {diagnostic.code} {where}", kind=QUICKFIX, diagnostics=[lsp],
            edit=_edit(document, [ignore])))
    return actions


def suggestion_edit(document: TextDocument, diagnostic: Diagnostic) -> tuple[int, int, str] | None:
    """(start, end, new text) of the finding's "did you mean", or None."""
    if "did you mean" not in diagnostic.message:
        return None
    starts = document.line_starts
    if diagnostic.line - 1 >= len(starts) or diagnostic.end_line - 1 >= len(starts):
        return None
    start = starts[diagnostic.line - 1] + diagnostic.column - 1
    end = starts[diagnostic.end_line - 1] + diagnostic.end_column - 1
    found = replacement(diagnostic.message, document.text[start:end])
    if found is None:
        return None
    return start + found.start, start + found.end, found.text


def _ignore_edit(snapshot: Snapshot, diagnostic: Diagnostic) -> types.TextEdit | None:
    """Insert ``# yamlcheck: ignore[CODE]`` at the end of the finding's line,
    or add the code to the suppression already there; None where a comment
    would become part of a value (inside a block or multi-line scalar)."""
    document = snapshot.document
    number = diagnostic.line - 1
    if number >= document.line_count:
        return None
    line = document.line(number)
    if line.lstrip().startswith("#"):
        return None
    line_start = document.line_starts[number]
    for suppression in parse_suppressions(line):
        listed = _IGNORE_LIST.search(line, suppression.column - 1)
        if listed is None:
            return None
        if diagnostic.code in suppression.codes:
            return None
        at = line_start + listed.end(1)
        separator = ", " if listed.group(1).strip() else ""
        return _text_edit(document, at, at, f"{separator}{diagnostic.code}")
    end = line_start + len(line.rstrip())
    context = snapshot.result.context if snapshot.result is not None else None
    if context is not None and context.root is not None:
        place = in_tree(context.root, end)
        if place is not None and not place.on_key and place.start < end < place.end:
            return _ignore_above_value(snapshot, place, diagnostic.code)
    return _text_edit(document, end, end, f"  # yamlcheck: ignore[{diagnostic.code}]")


def _ignore_above_value(snapshot: Snapshot, place: Any, code: str) -> types.TextEdit | None:
    """Inside a multi-line value a comment would become part of the value:
    put it on a line of its own above the value's key (or list item), which
    covers the whole value."""
    parent, step = place.parents[-1], place.path[-1]
    span = parent.key_span(step) if isinstance(parent, PosMap) else parent.item_span(step)
    document = snapshot.document
    first = document.line(span[0])
    indent = first[: len(first) - len(first.lstrip(" "))]
    at = document.line_starts[span[0]]
    return _text_edit(document, at, at, f"{indent}# yamlcheck: ignore[{code}]\n")
