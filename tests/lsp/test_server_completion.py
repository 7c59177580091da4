"""Completion over a real client, on half-typed documents as an editor holds
them: keys, enum values, step names, edge sockets, placeholders, targets."""

from __future__ import annotations

from pathlib import Path

from lsp_support import FLOW, PREPARE, Editor
from lsprotocol import types
from pytest_lsp import LanguageClient

BASE = PREPARE + """\
- step:
    name: train
    image: docker.io/library/python:3.12
    command: python train.py {parameter:
    parameters:
      - name: learning_rate
        type: float
      - name: epochs
        type: integer
    inputs:
      - name: dataset
""" + FLOW + """\
      - name: fit
        type: execution
        step: train
      - name: check
        type: execution
        step: tr
    edges:
      - [prep.output.data.csv, fit.input.]
      - [prep.output.data.csv, fi
    parameters:
      - name: lr
        targets: [fit.parameter.]
"""


async def _labels(client: LanguageClient, editor: Editor, needle: str, offset: int,
                  occurrence: int = 0) -> list[str]:
    found = await client.text_document_completion_async(types.CompletionParams(
        text_document=editor.document, position=editor.position(needle, offset, occurrence)))
    if found is None:
        return []
    items = found.items if isinstance(found, types.CompletionList) else found
    return [item.label for item in items]


async def _open(client: LanguageClient, workspace: Path, text: str = BASE) -> Editor:
    editor = Editor(client, workspace / "valohai.yaml", text)
    found = await editor.open()
    assert found  # the half-typed text has findings, and completion still works
    return editor


async def test_names_in_a_half_typed_document(client: LanguageClient, workspace: Path) -> None:
    editor = await _open(client, workspace)
    assert await _labels(client, editor, "{parameter:", 11) == ["learning_rate", "epochs"]
    assert await _labels(client, editor, "step: tr", 8) == ["prepare", "train"]
    assert await _labels(client, editor, "fit.input.]", 10) == ["dataset"]
    assert await _labels(client, editor, "fit.parameter.]", 14) == ["learning_rate", "epochs"]
    assert await _labels(client, editor, "data.csv, fi\n", 12) == ["prep", "fit", "check"]
    assert await _labels(client, editor, "[prep.output.data.csv, fit.", 1) == [
        "prep", "fit", "check"]
    sockets = await _labels(client, editor, "fit.input.]", 4)
    assert sockets == ["output", "input", "parameter"]
    outputs = await _labels(client, editor, "prep.output.data.csv, fit.input", 12)
    assert outputs == ["data.csv"]


async def test_parameters_in_a_node_override_command(client: LanguageClient,
                                                     workspace: Path) -> None:
    text = BASE.replace("        step: train\n", "        step: train\n        override:\n"
                        "          command: python tune.py {parameter:ep\n")
    editor = await _open(client, workspace, text)
    assert await _labels(client, editor, "tune.py {parameter:ep", 21) == [
        "learning_rate", "epochs"]


async def test_keys_allowed_at_the_cursor(client: LanguageClient, workspace: Path) -> None:
    text = BASE.replace("    inputs:\n", "    ti\n    inputs:\n").replace(
        "        type: float\n", "        type: float\n        \n")
    editor = await _open(client, workspace, text)
    step_keys = await _labels(client, editor, "    ti\n", 6)
    assert "time-limit" in step_keys and "image" not in step_keys and "name" not in step_keys
    assert "parameters" not in step_keys and "inputs" not in step_keys
    parameter_keys = await _labels(client, editor, "type: float\n        \n", 20)
    assert "default" in parameter_keys and "pass-as" in parameter_keys
    assert "type" not in parameter_keys and "name" not in parameter_keys


async def test_keys_of_a_node_follow_its_type(client: LanguageClient, workspace: Path) -> None:
    text = BASE.replace("        step: prepare\n", "        step: prepare\n        \n")
    editor = await _open(client, workspace, text)
    keys = await _labels(client, editor, "step: prepare\n        \n", 22)
    assert "override" in keys and "on-error" in keys
    assert "task" not in keys and "step" not in keys  # an execution node runs a step


async def test_enum_values_and_top_level_kinds(client: LanguageClient, workspace: Path) -> None:
    text = BASE.replace("        type: integer\n", "        type: \n") + "- \n"
    editor = await _open(client, workspace, text)
    assert await _labels(client, editor, "type: \n", 6) == ["string", "integer", "float",
                                                            "flag"]
    kinds = await _labels(client, editor, "\n- \n", 3)
    assert kinds[:3] == ["step", "pipeline", "blueprint"] and "task" in kinds


async def test_completion_replaces_the_typed_word(client: LanguageClient,
                                                  workspace: Path) -> None:
    editor = await _open(client, workspace)
    found = await client.text_document_completion_async(types.CompletionParams(
        text_document=editor.document, position=editor.position("step: tr", 8)))
    assert isinstance(found, types.CompletionList)
    edit = found.items[1].text_edit
    assert isinstance(edit, types.TextEdit) and edit.new_text == "train"
    start = editor.position("step: tr", 6)
    assert (edit.range.start.line, edit.range.start.character) == (start.line, start.character)
    assert edit.range.end.character == start.character + 2
