"""Diagnostics: the same findings as ``yamlcheck lint``, as the editor types."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lsp_support import SERVER, Editor
from lsprotocol import types
from pytest_lsp import LanguageClient

BROKEN = """\
- step:
    name: train
    image: python:3.12
    command: python train.py {parameter:lerning_rate}
    parameters:
      - name: learning_rate
        type: float
    imgae: x
- pipeline:
    name: flow
    nodes:
      - name: train
        type: execution
        step: trian
    edges: []
"""


def lint_json(path: Path) -> list[dict]:
    result = subprocess.run([sys.executable, "-m", "yamlcheck", "lint", "--format", "json",
                             str(path)], capture_output=True, text=True, cwd=path.parent,
                            check=False)
    return json.loads(result.stdout)["diagnostics"]


async def test_open_publishes_what_lint_reports(client: LanguageClient, workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", BROKEN)
    found = await editor.open()
    expected = lint_json(editor.path)
    assert expected
    assert [(d.code, d.range.start.line + 1, d.range.start.character + 1,
             d.range.end.line + 1, d.range.end.character + 1, d.message) for d in found] == [
        (e["code"], e["line"], e["column"], e["end_line"], e["end_column"], e["message"])
        for e in expected]
    first = found[0]
    assert first.source == "yamlcheck"
    assert first.code_description is not None
    assert first.code_description.href.endswith(f"docs/rules.md#{first.code.lower()}")
    assert {d.severity for d in found} <= {types.DiagnosticSeverity.Error,
                                           types.DiagnosticSeverity.Warning,
                                           types.DiagnosticSeverity.Information}


def test_an_unsaved_buffer_is_not_checked_against_the_servers_folder(tmp_path: Path) -> None:
    """An ``untitled:`` buffer has no folder: like unnamed stdin, it gets the
    checks of its text (VH505) and none of the disk (VH501), even where the
    server runs beside a valohai.yaml whose script is missing."""
    from lsp_client import LspClient

    text = ("- step:\n    name: a\n    image: docker.io/library/python:3.12\n"
            "    command: python missing.py\n    inputs:\n      - name: d\n"
            "        default: data/local.csv\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / "valohai.yaml").write_text(text)
    with LspClient(SERVER, cwd=tmp_path) as client:
        client.initialize(tmp_path)
        saved = client.open(tmp_path / "valohai.yaml")
        assert {d["code"] for d in client.diagnostics(saved)} == {"VH501", "VH505"}
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": "untitled:valohai.yaml", "languageId": "yaml", "version": 1, "text": text}})
        assert {d["code"] for d in client.diagnostics("untitled:valohai.yaml")} == {"VH505"}
