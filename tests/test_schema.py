"""The bundled JSON Schema, its compiled fast check, and how errors are reported."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from helpers import corpus_dir, lint_text
from jsonschema import Draft202012Validator
from schema_corpus import corpus_items, mutate

from yamlcheck.document.shape import KIND_ORDER
from yamlcheck.schema.fastcheck import UnsupportedKeyword, compile_schema
from yamlcheck.schema.resources import definition, read_text, schema
from yamlcheck.schema.validate import fast_check, validator

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


def _agree(kind: str, value: Any) -> None:
    fast = fast_check(kind)(value)
    slow = validator(kind).is_valid(value)
    assert fast == slow, f"{kind}: fast={fast} jsonschema={slow} for {value!r}"[:400]


def test_fast_check_agrees_with_jsonschema_on_the_corpus() -> None:
    items = corpus_items()
    assert len(items) > 400
    for kind, value in items:
        _agree(kind, value)


def test_fast_check_agrees_with_jsonschema_on_mutations() -> None:
    rng = random.Random(20261127)
    items = corpus_items()
    for _ in range(3000):
        kind, value = rng.choice(items)
        _agree(kind, mutate(value, rng))


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


def _undescribed(node: Any, where: str) -> list[str]:
    """Places in a schema where a property, or a definition, has no description."""
    found: list[str] = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            found += _undescribed(item, f"{where}[{index}]")
        return found
    if not isinstance(node, dict):
        return found
    for keyword in ("properties", "patternProperties", "$defs"):
        for key, sub in node.get(keyword, {}).items():
            place = f"{where}/{keyword}/{key}"
            if sub is False and keyword == "properties" and where.endswith("/then"):
                continue  # a key excluded by the condition beside it: nothing to describe
            if not (isinstance(sub, dict) and isinstance(sub.get("description"), str)
                    and sub["description"].strip()):
                found.append(place)
    for key, sub in node.items():
        if isinstance(sub, (dict, list)):
            found += _undescribed(sub, f"{where}/{key}")
    return found


def test_every_property_and_definition_has_a_description() -> None:
    document = json.loads(read_text())
    assert _undescribed(document, "#") == []
    assert document["description"] and document["title"] == "valohai.yaml"


def test_the_description_check_finds_a_missing_description() -> None:
    document = json.loads(read_text())
    del document["$defs"]["variant-parameter"]["properties"]["rules"]["properties"]["seed"]["description"]
    del document["$defs"]["edge"]["items"]["description"]  # items are walked, but need none
    assert _undescribed(document, "#") == [
        "#/$defs/variant-parameter/properties/rules/properties/seed"]


def test_schema_has_a_stable_id() -> None:
    assert schema()["$id"] == "https://json.schemastore.org/valohai.json"


def test_editor_keywords_do_not_change_verdicts() -> None:
    compiled = compile_schema({"type": "string", "errorMessage": "x", "patternErrorMessage": "y",
                               "enumDescriptions": ["z"], "markdownDescription": "w"})
    assert compiled("text") and not compiled(5)


EXCLUSIVE_KEYS = """
- step: {name: train, image: "docker.io/library/python:3.12", command: x}
- endpoint:
    name: predict
    image: docker.io/library/python:3.12
    server-command: python serve.py
    wsgi: serve:app
- pipeline:
    name: p
    nodes:
      - name: sweep
        type: task
        step: train
        task: sweep
    edges:
      - [sweep.output.a, sweep.input.b, sweep.input.c]
"""


def test_exclusive_keys_and_long_edges_are_reported_at_the_key() -> None:
    found = {(d.line, d.column, d.code, d.message) for d in lint_text(EXCLUSIVE_KEYS)
             if d.code.startswith("VH1")}
    assert found == {
        (7, 5, "VH104", "endpoint 'predict' takes only one of 'server-command' or 'wsgi', not both"),
        (14, 9, "VH104", "pipeline 'p': nodes[0] takes only one of 'step' or 'task', not both"),
        (16, 9, "VH104", "pipeline 'p': edges[0] has 3 items; it takes exactly 2"),
    }


def test_pattern_errors_use_the_editor_message() -> None:
    text = """
- step:
    name: train
    image: docker.io/library/python:3.12
    command: x
    mounts:
      - relative:/data
      - {source: /a, destination: data}
"""
    messages = [d.message for d in lint_text(text) if d.code == "VH104"]
    assert messages == [
        "step 'train': mounts[0] 'relative:/data' does not fit: "
        "\"/source:/destination\", or a mapping with source and destination.",
        "step 'train': mounts[1].destination 'data' does not fit: an absolute path, such as /data",
    ]
