"""Inputs on which valohai-yaml 0.61 crashes become located findings here."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import lint_text

HEAD = "- step:\n    name: train\n    image: \"docker.io/library/python:3.12\"\n    command: x\n"
CRASHES = {
    "duration-without-unit": (HEAD + "    time-limit: \"300\"\n", 5, "VH405"),
    "negative-duration": (HEAD + "    no-output-timeout: \"-5\"\n", 5, "VH405"),
    "bad-duration-suffix": (HEAD + "    time-limit: 1x\n", 5, "VH405"),
    "flag-multiple": (HEAD + "    parameters:\n      - {name: f, type: flag, multiple: repeat}\n",
                      6, "VH415"),
    "task-type": (HEAD + "- task: {name: t, step: train, type: grid, parameters: []}\n", 5,
                  "VH454"),
    "task-on-child-error": (HEAD + "- task: {name: t, step: train, on-child-error: x, "
                            "parameters: []}\n", 5, "VH454"),
    "pipeline-param-without-name": (
        HEAD + "- pipeline:\n    name: p\n    nodes: [{name: a, type: execution, step: train}]\n"
        "    edges: []\n    parameters:\n      - {target: a.parameter.x}\n", 10, "VH102"),
    "pipeline-param-target-and-targets": (
        HEAD + "- pipeline:\n    name: p\n    nodes: [{name: a, type: execution, step: train}]\n"
        "    edges: []\n    parameters:\n      - {name: x, target: a.parameter.x, "
        "targets: [a.parameter.x]}\n", 10, "VH104"),
    "pipeline-param-short-target": (
        HEAD + "- pipeline:\n    name: p\n    nodes: [{name: a, type: execution, step: train}]\n"
        "    edges: []\n    parameters:\n      - {name: x, target: a.x}\n", 10, "VH433"),
    "pipeline-param-node-without-step": (
        HEAD + "- pipeline:\n    name: p\n    nodes: [{name: a, type: execution, step: nope}]\n"
        "    edges: []\n    parameters:\n      - {name: x, target: a.parameter.x}\n", 7, "VH450"),
    "deployment-not-a-mapping": (HEAD + "- deployment: prod\n", 5, "VH103"),
    "deployment-unknown-key": (HEAD + "- deployment: {name: prod, bogus: 1}\n", 5, "VH101"),
}


@pytest.mark.parametrize("name", sorted(CRASHES))
def test_peer_crash_inputs_are_located_findings(tmp_path: Path, name: str) -> None:
    from valohai_yaml.lint import lint_file

    text, line, code = CRASHES[name]
    path = tmp_path / "valohai.yaml"
    path.write_text(text)
    messages = lint_file(str(path)).messages
    assert any(m["type"] == "error" for m in messages)  # valohai-yaml fails on it
    found = [(d.line, d.code) for d in lint_text(text)]
    assert (line, code) in found, found
