"""Go to definition, references and document symbols over a real client."""

from __future__ import annotations

from pathlib import Path

from lsp_support import FLOW, PREPARE, Editor
from lsprotocol import types
from pytest_lsp import LanguageClient

DOC = PREPARE + """\
- step:
    name: train
    image: docker.io/library/python:3.12
    command: python train.py --lr {parameter:lr} {parameter-value:lr}
    parameters:
      - name: lr
        type: float
        default: 0.01
    inputs:
      - name: dataset
""" + FLOW + """\
      - name: fit
        type: execution
        step: "train"
        override:
          parameters:
            - name: lr
              default: 0.1
    edges:
      - [prep.output.data.csv, fit.input.dataset]
      - source: prep.output.data.csv
        target: fit.parameter.lr
- task:
    name: sweep
    step: train
    parameters:
      - name: lr
        style: multiple
        rules: {items: [0.1, 0.2]}
"""


def _text(editor: Editor, location: types.Location) -> str:
    lines = editor.text.split("\n")
    start, end = location.range.start, location.range.end
    assert start.line == end.line
    return lines[start.line][start.character:end.character]


def _lines(locations: list[types.Location]) -> list[int]:
    return sorted(location.range.start.line + 1 for location in locations)


async def _open(client: LanguageClient, workspace: Path) -> Editor:
    editor = Editor(client, workspace / "valohai.yaml", DOC)
    await editor.open()
    return editor


async def test_definition_of_a_step_node_parameter_and_input(client: LanguageClient,
                                                             workspace: Path) -> None:
    editor = await _open(client, workspace)
    cases = [
        (editor.position("step: \"train", 7), "train", 8),  # a quoted step reference
        (editor.position("step: train", 7, occurrence=0), "train", 8),  # the task's step
        (editor.position("fit.input.dataset", 1), "fit", 23),  # a node in an edge
        (editor.position("fit.input.dataset", 12), "dataset", 16),  # an input in an edge
        (editor.position("fit.parameter.lr", 15), "lr", 12),  # a parameter target
        (editor.position("{parameter:lr}", 12), "lr", 12),  # a placeholder
        (editor.position("- name: lr", 8, occurrence=1), "lr", 12),  # an override
        (editor.position("- name: lr", 8, occurrence=2), "lr", 12),  # a task variant
    ]
    for position, name, line in cases:
        found = await client.text_document_definition_async(types.DefinitionParams(
            text_document=editor.document, position=position))
        assert isinstance(found, list) and len(found) == 1, (position, found)
        assert _text(editor, found[0]) == name
        assert found[0].range.start.line + 1 == line, (name, found)


async def test_references_of_a_parameter_and_a_step(client: LanguageClient,
                                                    workspace: Path) -> None:
    editor = await _open(client, workspace)
    found = await editor.references(editor.position("- name: lr", 9))
    assert _lines(found) == [10, 10, 12, 28, 33, 38]
    assert all(_text(editor, location) == "lr" for location in found)
    without = await editor.references(editor.position("name: train", 7), declaration=False)
    assert _lines(without) == [25, 36]


async def test_references_of_a_node_and_nothing_under_plain_text(client: LanguageClient,
                                                                  workspace: Path) -> None:
    editor = await _open(client, workspace)
    found = await editor.references(editor.position("name: prep\n", 7))
    assert _lines(found) == [20, 31, 32]
    nothing = await client.text_document_definition_async(types.DefinitionParams(
        text_document=editor.document, position=editor.position("python prepare", 2)))
    assert nothing is None


async def test_document_symbols(client: LanguageClient, workspace: Path) -> None:
    editor = await _open(client, workspace)
    found = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=editor.document))
    assert [(s.name, s.detail, s.kind) for s in found] == [
        ("prepare", "step", types.SymbolKind.Function),
        ("train", "step", types.SymbolKind.Function),
        ("flow", "pipeline", types.SymbolKind.Module),
        ("sweep", "task", types.SymbolKind.Event),
    ]
    train, flow = found[1], found[2]
    assert [c.name for c in train.children] == ["lr", "dataset"]
    assert [(c.name, c.detail) for c in flow.children] == [
        ("prep", "execution node"), ("fit", "execution node")]
    assert flow.range.start.line == 16 and flow.selection_range.start.line == 17
    assert flow.range.end.line >= 33
