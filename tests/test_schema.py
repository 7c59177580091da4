"""The bundled JSON Schema, its compiled fast check, and how errors are reported."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from helpers import CORPUS, corpus_dir, lint_text
from jsonschema import Draft202012Validator

from yamlcheck.document.loader import load
from yamlcheck.document.shape import KIND_ORDER, split_items
from yamlcheck.document.tree import PosMap
from yamlcheck.schema.fastcheck import UnsupportedKeyword, compile_schema
from yamlcheck.schema.resources import definition, read_text, schema

SCHEMAS = ("valohai.schema.json", "config.schema.json")
KINDS = ("step", "pipeline", "endpoint", "task", "deployment")


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    document = json.loads(read_text(name))
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_in_the_repository_is_the_packaged_one() -> None:
    top = Path(__file__).resolve().parents[1] / "schemas" / "valohai.schema.json"
    assert top.read_text() == read_text()


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_definition_compiles(name: str) -> None:
    for key in schema(name).get("$defs", {}):
        compile_schema(definition(key, name))
    compile_schema(definition("#", name))


def test_unsupported_keyword_is_refused() -> None:
    with pytest.raises(UnsupportedKeyword):
        compile_schema({"type": "string", "format": "email", "contentMediaType": "x"})


def _corpus_items() -> list[tuple[str, Any]]:
    files = sorted((CORPUS / "real-world").glob("*.y*ml")) + sorted(
        (CORPUS / "peer-examples").glob("*/*.yaml"))
    items = []
    for path in files:
        result = load(str(path), path.read_bytes())
        found, _ = split_items(result.root, str(path), result.loaded)
        items.extend((item.schema_name, item.value) for item in found)
    return items


def _agree(kind: str, value: Any) -> None:
    fast = compile_schema(definition(kind))(value)
    slow = Draft202012Validator(definition(kind)).is_valid(value)
    assert fast == slow, f"{kind}: fast={fast} jsonschema={slow} for {value!r}"[:400]


def test_fast_check_agrees_with_jsonschema_on_the_corpus() -> None:
    corpus_dir("real-world")
    items = _corpus_items()
    assert len(items) > 400
    for kind, value in items:
        _agree(kind, value)


def _mutate(value: Any, rng: random.Random) -> Any:
    """A copy of ``value`` with one random change somewhere inside."""
    replacements = [None, 0, 1.5, True, "", "x", "Upper Case", [], {}, ["a"], {"k": 1}, -3]
    if isinstance(value, dict) and value and rng.random() < 0.8:
        copy = PosMap(value.span) if isinstance(value, PosMap) else {}
        keys = list(value)
        target = rng.choice(keys)
        action = rng.random()
        for key in keys:
            if key == target and action < 0.2:
                continue  # drop it
            item = _mutate(value[key], rng) if key == target else value[key]
            copy[key] = item
        if action > 0.9:
            copy[rng.choice(["bogus", "name", "type", "image", "edges"])] = rng.choice(replacements)
        return copy
    if isinstance(value, list) and value and rng.random() < 0.8:
        copy_list = list(value)
        index = rng.randrange(len(copy_list))
        copy_list[index] = _mutate(copy_list[index], rng)
        return copy_list
    return rng.choice(replacements)


def test_fast_check_agrees_with_jsonschema_on_mutations() -> None:
    corpus_dir("real-world")
    rng = random.Random(20261127)
    items = _corpus_items()
    for _ in range(3000):
        kind, value = rng.choice(items)
        _agree(kind, _mutate(value, rng))


PEER_SCHEMA_ERRORS = {  # error_examples file -> (line of the first VH0/VH1 error, code)
    "endpoint-names-invalid.yaml": (2, "VH104"),
    "input-name-too-long.yaml": (6, "VH104"),
    "invalid-YAML-indentation.yaml": (3, "VH001"),
    "invalid-indentation-with-valid-YAML.yaml": (1, "VH103"),
    "invalid-on-error-value.yaml": (24, "VH104"),
    "invalid-shorthand-edge.yaml": (16, "VH104"),
    "invalid-upload-store-value.yaml": (4, "VH104"),
    "pipeline-with-null-autorestart-override.yaml": (16, "VH103"),
    "step-invalid-resources.yaml": (7, "VH103"),
    "step-missing-required-properties.yaml": (1, "VH102"),
    "step-with-error-tasks.yaml": (16, "VH102"),
    "wrong-edge-merge-mode.yaml": (15, "VH104"),
}


def _lint_file(path: Path) -> list[Any]:
    return lint_text(path.read_text(), path=path.name)


@pytest.mark.parametrize("folder", ["examples", "valid_examples"])
def test_valid_peer_examples_have_no_yaml_or_schema_errors(folder: str) -> None:
    for path in sorted(corpus_dir("peer-examples").joinpath(folder).glob("*.yaml")):
        bad = [d for d in _lint_file(path) if d.code[:3] in ("VH0", "VH1")]
        assert not bad, f"{path.name}: {bad}"


def test_schema_invalid_peer_examples_are_reported_at_the_right_line() -> None:
    folder = corpus_dir("peer-examples") / "error_examples"
    for name, (line, code) in PEER_SCHEMA_ERRORS.items():
        found = [d for d in _lint_file(folder / name) if d.code[:3] in ("VH0", "VH1")]
        assert found, name
        first = min(found, key=lambda d: (d.line, d.column))
        assert (first.line, first.code) == (line, code), f"{name}: {first}"


def test_no_unhelpful_anyof_messages() -> None:
    folder = corpus_dir("peer-examples")
    for path in sorted(folder.glob("*/*.yaml")):
        for finding in _lint_file(path):
            assert "valid under any of the given schemas" not in finding.message
            assert "is valid under each of" not in finding.message


def test_node_errors_are_reported_inside_the_right_variant() -> None:
    text = """
- step: {name: train, image: "docker.io/library/python:3.12", command: x}
- pipeline:
    name: p
    nodes:
      - {name: a, type: execution, step: train, on-error: boom}
      - {name: b, type: deployment, deployment: d, on-error: retry}
      - {name: c, type: task, step: train, task: t}
      - {name: d, type: exekution, step: train}
    edges: []
"""
    found = [(d.line, d.code) for d in lint_text(text) if d.code.startswith("VH1")]
    assert (6, "VH104") in found  # bad on-error on an execution node
    assert (7, "VH104") in found  # retry is not allowed on deployment nodes
    assert (8, "VH104") in found  # task node with both step and task
    assert (9, "VH104") in found  # unknown node type


def test_kinds_cover_the_format() -> None:
    assert set(KINDS) <= set(KIND_ORDER)
    for kind in KINDS:
        assert kind in schema()["$defs"]
