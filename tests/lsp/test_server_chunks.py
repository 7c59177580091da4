"""Reloading an edited document item by item gives what loading the whole
text gives: the same tree, the same places, the same findings."""

from __future__ import annotations

import random
from typing import Any

import pytest
from helpers import ROOT, corpus_dir
from lsprotocol import types

from yamlcheck.core.settings import Config, RuleSelection
from yamlcheck.document.loader import load
from yamlcheck.document.tree import PosList, PosMap
from yamlcheck.engine.run import lint_text
from yamlcheck.server.chunks import ChunkLoader, SchemaMemo, split
from yamlcheck.server.documents import TextDocument
from yamlcheck.server.linting import lint_again

EDITS = ["x", "\n", " ", "- ", ":", '"', "'", "#", "&a ", "*a", "\n- step:\n    name: a\n", "",
         "\t", "[", "{", "é", "🚀", "\r\n", "---\n", "  - name: b\n"]


def same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, PosMap):
        return a.span == b.span and list(a) == list(b) and all(
            a.key_span(k) == b.key_span(k) and a.value_span(k) == b.value_span(k)
            and same(a[k], b[k]) for k in a)
    if isinstance(a, PosList):
        return a.span == b.span and len(a) == len(b) and all(
            a.item_span(i) == b.item_span(i) and same(x, b[i]) for i, x in enumerate(a))
    return a == b or (a != a and b != b)  # NaN


def check(loader: ChunkLoader, text: str) -> None:
    reused = loader.load("valohai.yaml", text)
    whole = load("valohai.yaml", text.encode("utf-8", "surrogatepass"))
    assert reused.loaded == whole.loaded
    assert reused.diagnostics == whole.diagnostics
    assert same(reused.root, whole.root)


def corpus_texts() -> list[str]:
    texts = []
    for folder in ("real-world", "peer-examples"):
        for path in sorted(corpus_dir(folder).rglob("*.y*ml")):
            try:
                texts.append(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                continue
    return texts


def test_the_corpus_and_random_edits_load_as_a_whole() -> None:
    texts = [*corpus_texts(), (ROOT / "examples" / "valohai.yaml").read_text(encoding="utf-8")]
    rng = random.Random(20240601)
    split_ok = parsed = edits = 0
    for text in texts:
        loader = ChunkLoader()
        check(loader, text)
        split_ok += split(text) is not None
        for _ in range(8):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(EDITS) + text[at + rng.randrange(4):]
            check(loader, text)
            parsed += loader.parsed
            edits += 1
    assert split_ok > len(texts) // 2  # most real files take the item-by-item path
    assert parsed <= 2 * edits, (parsed, edits)  # an edit parses one or two items again


def test_the_findings_of_successive_versions_are_those_of_lint() -> None:
    """Items and schema findings reused across versions: every version's
    findings equal a fresh lint's, fixes included."""
    config = Config(rules=RuleSelection(select=("VH0", "VH1", "VH2", "VH3", "VH4", "VH5")))
    rng = random.Random(99)
    texts = corpus_texts()[::3]
    for text in texts:
        memo = SchemaMemo(ChunkLoader())
        for _ in range(5):
            again = lint_again(memo, "valohai.yaml", text, config).diagnostics
            assert again == lint_text("valohai.yaml", text, config).diagnostics
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(EDITS) + text[at + rng.randrange(3):]


def test_an_edit_parses_only_the_edited_item() -> None:
    text = "".join(f"- step:\n    name: s{i}\n    image: x\n    command: y\n" for i in range(50))
    loader = ChunkLoader()
    loader.load("valohai.yaml", text)
    edited = text.replace("name: s20\n", "name: s20x\n")
    check(loader, edited)
    assert loader.parsed == 1


@pytest.mark.parametrize("text", [
    "- step: &a\n    name: a\n- step: *a\n",  # an alias across items
    "%YAML 1.1\n---\n- step: {}\n",  # a directive
    "- a\nb: c\n",  # something at column 0 that is no item
    "- step:\n    name: \"a\n- b\"\n",  # a quoted value across an item line
])
def test_texts_that_must_load_as_a_whole(text: str) -> None:
    check(ChunkLoader(), text)


def test_incremental_changes_keep_text_and_lines_in_step() -> None:
    rng = random.Random(7)
    text = "a\nbé🚀c\n\nd\n"
    document = TextDocument("file:///x", text)
    for _ in range(300):
        lines = document.text.split("\n")
        start_line = rng.randrange(len(lines))
        end_line = rng.randrange(start_line, len(lines))
        start = rng.randrange(len(lines[start_line].encode("utf-16-le")) // 2 + 1)
        end = rng.randrange(len(lines[end_line].encode("utf-16-le")) // 2 + 1)
        if end_line == start_line and end < start:
            start, end = end, start
        new = rng.choice(["", "x", "\n", "é\n🚀", "\n\n", "yz"])
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=start_line, character=start),
                              end=types.Position(line=end_line, character=end)), text=new)
        before = document.offset_at(change.range.start), document.offset_at(change.range.end)
        expected = document.text[:before[0]] + new + document.text[before[1]:]
        document.apply([change], None)
        assert document.text == expected
        assert document.line_starts == TextDocument("file:///x", expected).line_starts


def test_a_lone_carriage_return_breaks_lines_for_the_editor() -> None:
    """LSP counts lines at '\\r\\n', '\\n' and a lone '\\r' (as PyYAML does); the
    engine's places, counted at '\\n', are converted through their offsets."""
    text = "a: 1\rb: é[\r\nc\nd"
    document = TextDocument("file:///x", text)
    assert document.lsp_line_starts == [0, 5, 12, 14]
    assert document.line_starts == [0, 12, 14]  # the engine's lines
    assert document.position(0, 5) == types.Position(line=1, character=0)  # 'b'
    assert document.position(0, 9) == types.Position(line=1, character=4)  # '['
    assert document.position(1, 0) == types.Position(line=2, character=0)  # 'c'
    assert document.position_at(8) == types.Position(line=1, character=3)
    assert document.offset_at(types.Position(line=1, character=4)) == 9
    assert document.offset_at(types.Position(line=3, character=1)) == 15
    change = types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=1, character=0),
                          end=types.Position(line=1, character=1)), text="x\r")
    document.apply([change], 2)
    assert document.text == "a: 1\rx\r: é[\r\nc\nd"
    assert document.lsp_line_starts == [0, 5, 7, 13, 15]
    plain = TextDocument("file:///y", "a\r\nb\nc")
    assert plain.lsp_line_starts is plain.line_starts  # no lone '\r': one list


def test_a_finding_after_a_lone_carriage_return_is_placed_where_the_editor_shows_it() -> None:
    from yamlcheck.server.diagnostics import diagnostic_range

    text = '- step:\r{parameter:#\né\n"&ax:\n    : x\n'
    (found,) = [d for d in lint_text("valohai.yaml", text).diagnostics if d.code == "VH001"]
    assert (found.line, found.column) == (3, 5)  # the report's place: lines at '\n'
    place = diagnostic_range(found, TextDocument("file:///v", text)).start
    assert (place.line, place.character) == (3, 4)  # LSP: the lone '\r' is a line break too
