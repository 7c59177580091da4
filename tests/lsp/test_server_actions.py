"""Code actions over a real client: --fix edits, "did you mean", ignore
comments and every fix at once; the extraction of suggestions is checked
against real findings of every rule that suggests."""

from __future__ import annotations

import inspect
from pathlib import Path

from helpers import ROOT
from lsp_support import Editor, apply_text_edits
from lsprotocol import types
from pytest_lsp import LanguageClient

from yamlcheck.core.settings import Config, RuleSelection
from yamlcheck.engine.catalog import all_rules
from yamlcheck.engine.run import lint_text
from yamlcheck.server.actions import suggestion_edit
from yamlcheck.server.documents import TextDocument

GOLDEN = ROOT / "tests" / "golden"
EVERY_RULE = Config(rules=RuleSelection(select=("VH0", "VH1", "VH2", "VH3", "VH4", "VH5")))

DOC = """\
- step:
    name: train
    image: python:3.12  # the trainer
    command: python train.py {parameter:lerning_rate}
    time_limit: 1h
    parameters:
      - name: learning_rate
        type: float
- step:
    name: evaluate
    image: "pytorch/pytorch:2.2.0"
    command: python eval.py
- pipeline:
    name: flow
    nodes:
      - name: fit
        type: execution
        step: trian
    edges: []
"""


async def _actions(client: LanguageClient, editor: Editor, line: int,
                   only: list[str] | None = None) -> list[types.CodeAction]:
    whole_line = types.Range(start=types.Position(line=line, character=0),
                             end=types.Position(line=line, character=200))
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=editor.document, range=whole_line,
        context=types.CodeActionContext(diagnostics=[], only=only)))
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def _applied(editor: Editor, action: types.CodeAction) -> str:
    assert action.edit is not None and action.edit.changes is not None
    return apply_text_edits(editor.text, action.edit.changes[editor.uri])


async def test_quick_fixes_on_a_line(client: LanguageClient, workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", DOC)
    await editor.open()
    actions = await _actions(client, editor, 2)  # image: python:3.12  # the trainer
    titles = [a.title for a in actions]
    assert "Replace with 'docker.io/library/python:3.12'" in titles
    fix = next(a for a in actions if a.title.startswith("Replace with"))
    assert fix.is_preferred and fix.kind == types.CodeActionKind.QuickFix
    assert fix.diagnostics and fix.diagnostics[0].code == "VH203"
    assert "    image: docker.io/library/python:3.12  # the trainer\n" in _applied(editor, fix)
    ignore = next(a for a in actions if a.title == "Ignore VH203 on this line")
    fixed = _applied(editor, ignore)
    assert "image: python:3.12  # the trainer  # yamlcheck: ignore[VH203]\n" in fixed
    after = await editor.replace_all(fixed)
    assert "VH203" not in [d.code for d in after if d.range.start.line == 2]
    assert "VH090" not in [d.code for d in after]


async def test_ignore_adds_to_an_existing_suppression(client: LanguageClient,
                                                      workspace: Path) -> None:
    text = DOC.replace("python:3.12  # the trainer",
                       "python:3.12  # yamlcheck: ignore[VH205] pinned later")
    editor = Editor(client, workspace / "valohai.yaml", text)
    await editor.open()
    ignore = next(a for a in await _actions(client, editor, 2)
                  if a.title == "Ignore VH203 on this line")
    assert "# yamlcheck: ignore[VH205, VH203] pinned later\n" in _applied(editor, ignore)


async def test_ignore_inside_a_block_scalar_goes_above_its_key(client: LanguageClient,
                                                                 workspace: Path) -> None:
    """A comment inside a block scalar would become part of the command: the
    suppression goes on a line of its own above the key, covering the value."""
    text = DOC.replace("command: python train.py {parameter:lerning_rate}",
                       "command: |\n      python train.py {parameter:lerning_rate}")
    editor = Editor(client, workspace / "valohai.yaml", text)
    found = await editor.open()
    assert any(d.code == "VH420" and d.range.start.line == 4 for d in found)
    actions = await _actions(client, editor, 4)
    titles = [a.title for a in actions]
    assert "Ignore VH420 on this line" not in titles
    assert "Change to 'learning_rate'" in titles
    ignore = next(a for a in actions if a.title == "Ignore VH420 in this value")
    fixed = apply_text_edits(editor.text, ignore.edit.changes[editor.uri])  # type: ignore[union-attr]
    assert "    # yamlcheck: ignore[VH420]\n    command: |\n" in fixed
    assert "VH420" not in {d.code for d in await editor.replace_all(fixed)}


async def test_did_you_mean_for_a_key_a_step_and_a_placeholder(client: LanguageClient,
                                                               workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", DOC)
    await editor.open()
    text = editor.text
    for line in (3, 4, 17):
        change = next(a for a in await _actions(client, editor, line)
                      if a.title.startswith("Change to"))
        assert change.is_preferred
        text = apply_text_edits(text, change.edit.changes[editor.uri])  # type: ignore[union-attr]
    assert "{parameter:learning_rate}" in text and "time-limit: 1h" in text
    assert "step: train\n" in text
    after = await editor.replace_all(text)
    assert not {"VH101", "VH420", "VH450"} & {d.code for d in after}


async def test_fix_all_qualifies_every_image(client: LanguageClient, workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", DOC)
    await editor.open()
    actions = await _actions(client, editor, 0, only=[types.CodeActionKind.SourceFixAll])
    assert [a.kind for a in actions] == [types.CodeActionKind.SourceFixAll]
    fixed = _applied(editor, actions[0])
    assert "image: docker.io/library/python:3.12  # the trainer" in fixed
    assert 'image: "docker.io/pytorch/pytorch:2.2.0"' in fixed
    after = await editor.replace_all(fixed)
    assert "VH203" not in {d.code for d in after}
    quick_only = await _actions(client, editor, 2, only=[types.CodeActionKind.QuickFix])
    assert all(a.kind == types.CodeActionKind.QuickFix for a in quick_only)


def _suggesting_codes() -> set[str]:
    """Every rule that can suggest: those whose check builds a "did you mean"
    (directly or with the shared helper), and the loading and schema stages'
    rules, whose messages are built outside the rule classes."""
    found = {"VH004", "VH101", "VH104"}
    for rule in all_rules():
        own = inspect.getsource(rule)
        if "did you mean" in own or "did_you_mean(" in own or "closest(" in own:
            found.add(rule.code)
    return found


STEP = "- step:\n    name: train\n    image: docker.io/library/python:3.12\n    command: x\n"
EXTRA_FIXTURES = {
    # findings that suggest where no golden file makes them suggest
    "VH104": STEP + "    parameters:\n      - name: p\n        type: flaot\n",
    "VH453": STEP + "    parameters:\n      - name: learning-rate\n"
             "- task:\n    name: sweep\n    step: train\n    parameters:\n"
             "      - name: learning_rate\n        style: multiple\n"
             "        rules: {items: [1, 2]}\n",
    "VH454": STEP + "- task:\n    name: sweep\n    step: train\n    type: grid_serach\n"
             "    on-child-error: stop-all-and-eror\n    parameter-sets: [{}]\n",
    "VH442": STEP + "    parameters:\n      - name: learning_rate\n        type: float\n"
             "- pipeline:\n    name: flow\n    nodes:\n"
             "      - {name: fit, type: execution, step: train}\n    edges: []\n"
             "    parameters:\n      - {name: lr, target: fit.parameter.lerning_rate}\n",
}


def _suggesting_findings() -> list[tuple[str, str, str]]:
    """(code, text, message) for every finding that suggests something, in
    the golden files and the extra fixtures."""
    texts = []
    for path in sorted(GOLDEN.glob("*/*.yaml")):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            continue  # a fixture for a file that is not UTF-8: nothing to suggest there
    texts += list(EXTRA_FIXTURES.values())
    found = []
    for text in texts:
        for diagnostic in lint_text("valohai.yaml", text, EVERY_RULE).diagnostics:
            if "did you mean" in diagnostic.message:
                found.append((diagnostic.code, text, diagnostic))
    return found


def test_every_suggestion_of_every_rule_becomes_an_edit_that_clears_the_finding() -> None:
    findings = _suggesting_findings()
    covered = {code for code, _, _ in findings}
    assert covered >= _suggesting_codes(), sorted(_suggesting_codes() - covered)
    for code, text, diagnostic in findings:
        document = TextDocument("file:///valohai.yaml", text)
        edit = suggestion_edit(document, diagnostic)
        assert edit is not None, (code, diagnostic.message)
        start, end, new = edit
        fixed = text[:start] + new + text[end:]
        after = lint_text("valohai.yaml", fixed, EVERY_RULE).diagnostics
        same = [d for d in after if d.code == code and d.line == diagnostic.line
                and d.message == diagnostic.message]
        assert not same, (code, diagnostic.message, fixed[start - 20:end + 20])
