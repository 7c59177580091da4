"""Diagnostics: the same findings as ``yamlcheck lint``, as the editor types."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lsp_support import Editor
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
