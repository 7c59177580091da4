"""Robustness over a real client: typing through half-typed states, large
pastes, requests during a lint, debounced and superseded versions, internal
errors, non-ASCII positions."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest_lsp
from helpers import ROOT
from lsp_support import (
    SERVER,
    Editor,
    diagnostics_for,
    make_client,
    published_versions,
    utf16_len,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from yamlcheck.engine.run import lint_text

GOOD = """\
- step:
    name: train
    image: docker.io/library/python:3.12
    command: python train.py {parameters}
    parameters:
      - name: epochs
        type: integer
        default: 3
"""


def synthetic(steps: int) -> str:
    """The benchmark's many-step document (bench/bench.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_offline", ROOT / "bench" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return module.synthetic(steps, Path(folder)).read_text(encoding="utf-8")


def _expected(path: Path, text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line - 1, d.column - 1) for d in lint_text(str(path), text).diagnostics]


def _got(found: list[types.Diagnostic]) -> list[tuple[str, int, int]]:
    return [(str(d.code), d.range.start.line, d.range.start.character) for d in found]


async def test_typing_character_by_character(client: LanguageClient, workspace: Path) -> None:
    """Every prefix of a document is a half-typed state; the server takes them
    all and ends with the findings of the whole text."""
    editor = Editor(client, workspace / "valohai.yaml", "")
    await editor.open()
    lines = [""]
    for char in GOOD + "    imgae: x\n":
        line, column = len(lines) - 1, utf16_len(lines[-1])
        editor.change((line, column), (line, column), char)
        if char == "\n":
            lines.append("")
        else:
            lines[-1] += char
    final = await diagnostics_for(client, editor.uri, editor.version)
    assert _got(final) == _expected(editor.path, editor.text)
    assert [d.code for d in final] == ["VH101"]


async def test_each_publish_replaces_the_last(client: LanguageClient, workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", GOOD.replace("image:", "imag:"))
    assert await editor.open()
    assert await editor.replace_all("- step:\n    name: [\n") != []
    assert await editor.replace_all(GOOD) == []


async def test_a_large_paste_gets_vh005_and_the_server_answers(client: LanguageClient,
                                                               workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", GOOD)
    await editor.open()
    big = GOOD * (5 * 1024 * 1024 // len(GOOD))
    started = time.monotonic()
    found = await editor.replace_all(big)
    assert time.monotonic() - started < 10
    assert [d.code for d in found] == ["VH005"]
    assert found[0].severity == types.DiagnosticSeverity.Information  # a limit of the editor
    assert "5.0 MiB" in found[0].message and "yamlcheck lint" in found[0].message
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=editor.document))
    assert symbols is None  # not linted: nothing to list, and no hang
    assert await editor.replace_all(GOOD) == []


async def test_requests_are_answered_while_a_lint_runs(client: LanguageClient,
                                                       workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", synthetic(3000))
    await editor.open()
    waiting = asyncio.ensure_future(diagnostics_for(client, editor.uri, editor.version + 1))
    editor.change((1, 10), (1, 14), "renamed")  # step-0 -> renamed-0
    started = time.monotonic()
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=editor.document, position=types.Position(line=2, character=6)))
    answered = time.monotonic() - started
    assert not waiting.done(), "the lint finished before the request was answered"
    assert hover is not None and "image" in str(hover.contents)
    await waiting
    assert answered < 5


async def test_superseded_versions_are_not_published(client: LanguageClient,
                                                     workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", synthetic(500))
    await editor.open()
    since = len(client.published)  # type: ignore[attr-defined]
    for _ in range(6):
        editor.change((1, 10), (1, 11), "x")
    versions = await published_versions(client, editor.uri, since)
    assert versions and versions[-1] == editor.version
    assert len(versions) < 6


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_client))
async def slow_client(lsp_client: LanguageClient, workspace: Path):  # type: ignore[no-untyped-def]
    """A client that leaves the server its default debounce (150 ms)."""
    params = types.InitializeParams(capabilities=types.ClientCapabilities(),
                                    root_uri=workspace.as_uri())
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def test_changes_are_debounced(slow_client: LanguageClient, workspace: Path) -> None:
    editor = Editor(slow_client, workspace / "valohai.yaml", GOOD)
    await editor.open()
    since = len(slow_client.published)  # type: ignore[attr-defined]
    for char in "abcde":  # typed faster than the debounce
        editor.change((1, 14), (1, 14), char)
        await asyncio.sleep(0.02)
    assert await published_versions(slow_client, editor.uri, since) == [editor.version]


async def test_an_internal_error_is_logged_and_clears_the_diagnostics(
        client: LanguageClient, workspace: Path) -> None:
    """A path no file system accepts (a NUL byte) makes config discovery fail
    inside the lint: the client is told, gets an empty list, and the server
    goes on serving."""
    bad_uri = workspace.as_uri() + "/bad%00dir/valohai.yaml"
    waiting = asyncio.ensure_future(diagnostics_for(client, bad_uri, 1))
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=bad_uri, language_id="yaml", version=1,
                                             text=GOOD.replace("image:", "imag:"))))
    assert await waiting == []
    assert any("internal error: linting" in m.message and "(this is a bug)" in m.message
               for m in client.log_messages)
    editor = Editor(client, workspace / "valohai.yaml", GOOD)
    assert await editor.open() == []
    found = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=bad_uri),
        position=types.Position(line=2, character=5)))
    assert found is None


async def test_positions_count_utf16_code_units(client: LanguageClient, workspace: Path) -> None:
    text = GOOD.replace("{parameters}", "🚀 é {parameter:nope} {parameters}")
    editor = Editor(client, workspace / "valohai.yaml", text)
    found = await editor.open()
    line = text.split("\n")[3]
    placeholder = [d for d in found if d.code == "VH420"]
    assert len(placeholder) == 1
    start = placeholder[0].range.start
    assert (start.line, start.character) == (3, utf16_len(line[: line.index("{parameter:")]))
    assert placeholder[0].range.end.character == start.character + len("{parameter:nope}")
    # an edit placed after the emoji, in UTF-16 units, lands where the client meant
    column = utf16_len(line[: line.index("nope")])
    after = await editor.edit((3, column), (3, column + 4), "epochs")
    assert "{parameter:epochs}" in editor.text
    assert _got(after) == _expected(editor.path, editor.text) == []


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_client))
async def utf8_client(lsp_client: LanguageClient, workspace: Path):  # type: ignore[no-untyped-def]
    """A client that counts positions in UTF-8 bytes."""
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf8])),
        root_uri=workspace.as_uri(), initialization_options={"debounceMs": 0})
    result = await lsp_client.initialize_session(params)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


async def test_positions_in_utf8_when_the_client_asks(utf8_client: LanguageClient,
                                                      workspace: Path) -> None:
    text = GOOD.replace("{parameters}", "🚀 é {parameter:nope} {parameters}")
    editor = Editor(utf8_client, workspace / "valohai.yaml", text)
    found = await editor.open()
    line = text.split("\n")[3]
    start = next(d for d in found if d.code == "VH420").range.start
    assert start.character == len(line[: line.index("{parameter:")].encode("utf-8"))
