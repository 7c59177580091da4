"""Driving ``yamlcheck server`` with a real LSP client (pytest-lsp) over stdio."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "yamlcheck", "server"]
# A step whose output the documents of several tests feed into a pipeline.
PREPARE = """\
- step:
    name: prepare
    image: docker.io/library/python:3.12
    command: python prepare.py
    outputs:
      - name: data.csv
"""
FLOW = """\
- pipeline:
    name: flow
    nodes:
      - name: prep
        type: execution
        step: prepare
"""
WAIT = 30.0


def capabilities(**extra: Any) -> types.ClientCapabilities:
    """A client that takes UTF-16 positions, markdown hovers and snippets, and
    registers file watchers dynamically."""
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
        text_document=types.TextDocumentClientCapabilities(
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(
                    documentation_format=[types.MarkupKind.Markdown])),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(value_set=[
                        types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]))),
        ),
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True)),
        **extra,
    )


def make_client() -> LanguageClient:
    """pytest-lsp's test client, which also keeps every publishDiagnostics in
    arrival order (``client.published``) and answers client/registerCapability
    as an editor does, recording the registrations (``client.registrations``)."""
    client = LanguageClient(converter_factory=default_converter)
    published: list[types.PublishDiagnosticsParams] = []
    registrations: list[types.Registration] = []
    features = dict(DEFAULT_CLIENT_FEATURES)
    keep_latest = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        published.append(params)
        keep_latest(client, params)

    def register(client: LanguageClient, params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register
    register_lsp_features(client, features)
    client.published = published  # type: ignore[attr-defined]
    client.registrations = registrations  # type: ignore[attr-defined]
    return client


async def start(client: LanguageClient, root: Path, **options: Any) -> types.InitializeResult:
    params = types.InitializeParams(
        capabilities=capabilities(), root_uri=root.as_uri(),
        initialization_options={"debounceMs": 0, **options})
    return await client.initialize_session(params)


def diagnostics_for(client: LanguageClient, uri: str, version: int | None,
                    timeout: float = WAIT) -> Coroutine[Any, Any, list[types.Diagnostic]]:
    """Wait for the first publish for ``uri`` (at ``version`` unless None) that
    arrives after this call."""
    published: list[types.PublishDiagnosticsParams] = client.published  # type: ignore[attr-defined]
    start = len(published)

    async def wait() -> list[types.Diagnostic]:
        seen = start
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for params in published[seen:]:
                if params.uri == uri and (version is None or params.version == version):
                    return list(params.diagnostics)
            seen = len(published)
            await asyncio.sleep(0.005)
        raise TimeoutError(f"no diagnostics for {uri} at version {version}")

    return wait()


async def published_versions(client: LanguageClient, uri: str, since: int,
                             quiet: float = 1.0) -> list[int | None]:
    """The versions published for ``uri`` after the ``since``-th publish, once
    nothing more has come for ``quiet`` seconds."""
    published: list[types.PublishDiagnosticsParams] = client.published  # type: ignore[attr-defined]
    start, count = since, len(published)
    last = time.monotonic()
    while time.monotonic() - last < quiet:
        await asyncio.sleep(0.02)
        if len(published) != count:
            count, last = len(published), time.monotonic()
    return [p.version for p in published[start:] if p.uri == uri]


class Editor:
    """One open document, as an editor holds it."""

    def __init__(self, client: LanguageClient, path: Path, text: str) -> None:
        self.client = client
        self.path = path
        self.uri = path.as_uri()
        self.text = text
        self.version = 1

    async def open(self) -> list[types.Diagnostic]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.text, encoding="utf-8")
        waiting = asyncio.ensure_future(diagnostics_for(self.client, self.uri, self.version))
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=self.uri, language_id="yaml",
                                                 version=self.version, text=self.text)))
        return await waiting

    def change(self, start: tuple[int, int], end: tuple[int, int], new: str) -> None:
        """An incremental change (lines and UTF-16 columns), without waiting."""
        self.version += 1
        self.text = apply_edit(self.text, start, end, new)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=start[0], character=start[1]),
                                  end=types.Position(line=end[0], character=end[1])),
                text=new)]))

    async def edit(self, start: tuple[int, int], end: tuple[int, int],
                   new: str) -> list[types.Diagnostic]:
        waiting = asyncio.ensure_future(diagnostics_for(self.client, self.uri, self.version + 1))
        self.change(start, end, new)
        return await waiting

    async def replace_all(self, text: str) -> list[types.Diagnostic]:
        lines = self.text.split("\n")
        return await self.edit((0, 0), (len(lines) - 1, utf16_len(lines[-1])), text)

    def position(self, needle: str, offset: int = 0, occurrence: int = 0) -> types.Position:
        """The position ``offset`` characters into the ``occurrence``-th ``needle``."""
        index = -1
        for _ in range(occurrence + 1):
            index = self.text.index(needle, index + 1)
        index += offset
        line = self.text.count("\n", 0, index)
        start = self.text.rfind("\n", 0, index) + 1
        return types.Position(line=line, character=utf16_len(self.text[start:index]))

    async def references(self, position: types.Position,
                         declaration: bool = True) -> list[types.Location]:
        found = await self.client.text_document_references_async(types.ReferenceParams(
            text_document=self.document, position=position,
            context=types.ReferenceContext(include_declaration=declaration)))
        return list(found or [])

    @property
    def document(self) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def offset_of(text: str, line: int, character: int) -> int:
    lines = text.split("\n")
    start = sum(len(lines[i]) + 1 for i in range(line))
    units = 0
    for index, char in enumerate(lines[line] if line < len(lines) else ""):
        if units >= character:
            return start + index
        units += 2 if ord(char) > 0xFFFF else 1
    return start + len(lines[line]) if line < len(lines) else len(text)


def apply_edit(text: str, start: tuple[int, int], end: tuple[int, int], new: str) -> str:
    return text[: offset_of(text, *start)] + new + text[offset_of(text, *end):]


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (non-overlapping) as a client does."""
    ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                     reverse=True)
    for edit in ordered:
        text = apply_edit(text, (edit.range.start.line, edit.range.start.character),
                          (edit.range.end.line, edit.range.end.character), edit.new_text)
    return text
