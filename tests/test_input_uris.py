"""VH505: input defaults Valohai can fetch, as its documentation describes
them; and over the real-world corpus, findings only where Valohai would
fail."""

from __future__ import annotations

import pytest
import yaml
from helpers import codes, corpus_dir, lint_text

from yamlcheck.core.diagnostic import Severity
from yamlcheck.core.settings import Config
from yamlcheck.engine import lint_bytes
from yamlcheck.rules.inputs import uri_problem

FINE = [
    "s3://bucket/key.csv", "s3://bucket/images/*.jpg", "s3://bucket/sets/**.jpg",
    "gs://bucket/dir/", "azure://account/container/blob.bin", "swift://project/container/k",
    "datum://0182b0ad-0cee-a0a0-a4f8-ec01b8421bb3", "datum://model-prophet",
    "dataset://images/v3", "dataset://images/latest", "model://churn/v1",
    "https://example.com/data.zip", "http://example.com:8080/a?b=c",
    "s3://bucket/{parameter:user}/*.jpeg", "dataset://{parameter:name}_train/latest",
    "{parameter:url}", "", "   ",
]
ERRORS = [
    ("data/train.csv", "local path"), ("/data/train.csv", "local path"),
    ("./train.csv", "local path"), ("C:\\data\\train.csv", "local path"),
    ("datum://", "names no id or alias"), ("s3:/bucket/key", "two slashes"),
    ("s3:///key", "names no bucket"), ("gs:///key", "names no bucket"),
    ("azure:///container/blob", "names no account"),
    ("file:///tmp/x.csv", "a file on your machine"),
    ("https:///x.csv", "has no host"), ("http://", "has no host"),
    ("dataset:///v1", "names no name"),
]
WARNINGS = [
    ("s3://bucket", "names no key"), ("azure://account/container", "names no blob"),
    ("dataset://images", "names no version"), ("model://churn", "names no version"),
    ("https://example.com/*.csv", "wildcard"), ("datum://abc*", "wildcard"),
    ("S3://bucket/key", "not documented"), ("gcs://bucket/key", "did you mean 'gs'"),
    ("ftp://host/x", "scheme 'ftp'"), ("oci://bucket/x", "OVH and Oracle"),
]


@pytest.mark.parametrize("value", FINE)
def test_fetchable(value: str) -> None:
    assert uri_problem(value) is None


@pytest.mark.parametrize(("value", "words"), ERRORS)
def test_errors(value: str, words: str) -> None:
    problem = uri_problem(value)
    assert problem is not None and problem.severity == Severity.ERROR
    assert words in problem.message


@pytest.mark.parametrize(("value", "words"), WARNINGS)
def test_doubtful(value: str, words: str) -> None:
    problem = uri_problem(value)
    assert problem is not None and problem.severity == Severity.WARNING
    assert words in problem.message


def test_list_defaults_and_node_overrides_are_located() -> None:
    text = """\
- step:
    name: train
    image: docker.io/library/python:3.12
    command: echo hi
    inputs:
      - name: data
        default:
          - s3://bucket/a.csv
          - local.csv
- pipeline:
    name: p
    nodes:
      - name: n
        type: execution
        step: train
        override:
          inputs:
            - name: data
              default: "s3:/bucket/b.csv"
    edges: []
"""
    found = [(d.code, d.line, d.column, d.end_column) for d in lint_text(text)]
    assert found == [("VH505", 9, 13, 22), ("VH505", 19, 24, 42)]


def test_suppression_and_selection() -> None:
    text = ("- step:\n    name: t\n    image: docker.io/library/python:3.12\n    command: echo\n"
            "    inputs:\n      - name: d\n        default: d.csv  # yamlcheck: ignore[VH505] ok\n")
    assert codes(lint_text(text)) == []


# The corpus's input defaults that Valohai cannot fetch (reviewed): steps that
# leave `datum://` empty for the user to fill in, and a local script path.
CORPUS_FINDINGS = {
    "DrazenDodik__valohai-public-examples__valohai.yaml": [240, 260, 280, 283],
    "Farx1__qgeocompress__valohai.yaml": [21, 23, 44, 46, 77, 79, 81, 83, 118, 120, 122, 153,
                                          155, 157, 189, 191, 193, 195],
    "JGuillaumin__SummerIA_DL_project__valohai.yaml": [10],
    "valohai__dl4j-nlp-cuda-example__valohai.yaml": [19, 39, 59, 62],
}


def _defaults(data: object) -> int:
    count = 0
    for item in data if isinstance(data, list) else []:
        body = item.get("step") if isinstance(item, dict) else None
        for entry in (body or {}).get("inputs") or [] if isinstance(body, dict) else []:
            default = entry.get("default") if isinstance(entry, dict) else None
            count += len(default) if isinstance(default, list) else int(default is not None)
    return count


def test_the_corpus_has_no_false_alarms() -> None:
    folder = corpus_dir("real-world")
    found: dict[str, list[int]] = {}
    defaults = 0
    for path in sorted(folder.glob("*.y*ml")):
        result = lint_bytes(str(path), path.read_bytes(), Config())
        lines = [d.line for d in result.diagnostics if d.code == "VH505"]
        if lines:
            found[path.name] = lines
        try:
            defaults += _defaults(yaml.safe_load(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:
            pass
    assert found == CORPUS_FINDINGS
    assert defaults >= 350  # how many input defaults the corpus run checks
