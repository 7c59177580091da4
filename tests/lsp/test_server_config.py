"""Configuration in the editor: discovered as ``yamlcheck lint`` does, read
again when it changes (watched files, saves), and a broken one reported once
without stopping the server."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsp_support import Editor, diagnostics_for
from lsprotocol import types
from pytest_lsp import LanguageClient

DOC = """\
- step:
    name: train
    image: python:3.12
    command: python train.py
"""


def _codes(found: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in found]


async def _relinted(client: LanguageClient, editor: Editor, notify) -> list[types.Diagnostic]:  # type: ignore[no-untyped-def]
    waiting = asyncio.ensure_future(diagnostics_for(client, editor.uri, editor.version))
    notify()
    return await waiting


async def test_the_server_asks_to_watch_config_files(client: LanguageClient,
                                                      workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", DOC)
    await editor.open()
    registered = client.registrations  # type: ignore[attr-defined]
    assert [r.method for r in registered] == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    globs = [w["globPattern"] for w in registered[0].register_options["watchers"]]
    assert globs == ["**/.yamlcheck.yaml", "**/.yamlcheck.yml", "**/pyproject.toml"]


async def test_a_changed_config_file_is_read_again(client: LanguageClient,
                                                   workspace: Path) -> None:
    config = workspace / ".yamlcheck.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("rules:\n  ignore: [VH203]\n", encoding="utf-8")
    (workspace / "sub").mkdir()
    (workspace / "sub" / "train.py").write_text("print('training')\n")  # what DOC runs
    editor = Editor(client, workspace / "sub" / "valohai.yaml", DOC)
    assert _codes(await editor.open()) == []  # the config one folder up applies
    config.write_text("rules:\n  ignore: [VH205]\n", encoding="utf-8")
    found = await _relinted(client, editor, lambda: client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(
            uri=config.as_uri(), type=types.FileChangeType.Changed)])))
    assert _codes(found) == ["VH203"]
    pyproject = workspace / "sub" / "pyproject.toml"
    pyproject.write_text("[tool.yamlcheck.rules]\nignore = ['VH2']\n", encoding="utf-8")
    found = await _relinted(client, editor, lambda: client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(
            uri=pyproject.as_uri()))))
    assert _codes(found) == []  # the nearer pyproject.toml wins, read on save


async def test_a_broken_config_is_reported_once(client: LanguageClient, workspace: Path) -> None:
    config = workspace / ".yamlcheck.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("rules:\n  ignore: 3\n", encoding="utf-8")
    waiting = asyncio.ensure_future(diagnostics_for(client, config.as_uri(), None))
    first = Editor(client, workspace / "valohai.yaml", DOC)
    assert _codes(await first.open()) == ["VH203"]  # linted with the defaults meanwhile
    on_config = await waiting
    assert len(on_config) == 1 and on_config[0].range.start.line == 1
    assert on_config[0].source == "yamlcheck"
    second = Editor(client, workspace / "other" / "valohai.yaml", DOC)
    await second.open()
    shown = [m for m in client.messages if "invalid configuration" in m.message]
    assert len(shown) == 1 and shown[0].type == types.MessageType.Error
    config.write_text("rules:\n  ignore: [VH203]\n", encoding="utf-8")
    cleared = asyncio.ensure_future(diagnostics_for(client, config.as_uri(), None))
    found = await _relinted(client, first, lambda: client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(
            uri=config.as_uri(), type=types.FileChangeType.Changed)])))
    assert _codes(found) == [] and await cleared == []


async def test_other_yaml_files_are_not_linted(client: LanguageClient, workspace: Path) -> None:
    other = Editor(client, workspace / "docker-compose.yaml", "services: [\n")
    other.path.parent.mkdir(parents=True, exist_ok=True)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=other.uri, language_id="yaml", version=1,
                                             text=other.text)))
    editor = Editor(client, workspace / "valohai.yaml", DOC)
    await editor.open()  # published after the other file would have been
    assert other.uri not in client.diagnostics


async def test_a_save_asks_the_repository_again(client: LanguageClient, workspace: Path) -> None:
    """The repository checks run as in `yamlcheck lint`; what git and the disk
    said is reused while typing and asked again after a save."""
    text = DOC.replace("python train.py", "python run.py").replace("python:3.12",
                                                                  "docker.io/library/python:3.12")
    editor = Editor(client, workspace / "valohai.yaml", text)
    assert _codes(await editor.open()) == ["VH501"]
    (workspace / "run.py").write_text("print('run')\n")
    found = await _relinted(client, editor, lambda: client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=editor.document)))
    assert _codes(found) == []
