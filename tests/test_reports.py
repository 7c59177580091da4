"""Output formats: SARIF against the official schema, GitHub annotations, docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import ROOT, SHARED, run_cli
from jsonschema import Draft7Validator

from yamlcheck.commands import rules_markdown
from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.engine.catalog import all_rules
from yamlcheck.report.github import annotation, escape_data, escape_property

SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
BAD = """\
- step:
    name: train
    image: python:3.9
    command: python train.py
- step:
    name: train
    image: docker.io/acme/app:latest
    command: python train.py {paramters}
"""


def sarif_of(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "valohai.yaml"
    path.write_text(text)
    out_file = tmp_path / "out.sarif"
    status, _, _ = run_cli("lint", str(path), "--format", "sarif", "--output", str(out_file))
    assert status in (0, 1)
    return json.loads(out_file.read_text())


@pytest.mark.parametrize("text", [BAD, "- step: {name: a, image: 'docker.io/a/b:1', command: x}\n"])
def test_sarif_validates_against_the_official_schema(tmp_path: Path, text: str) -> None:
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"{SARIF_SCHEMA} is absent (it sits beside the project in CI)")
    schema = json.loads(SARIF_SCHEMA.read_text())
    log = sarif_of(tmp_path, text)
    errors = sorted(Draft7Validator(schema).iter_errors(log), key=lambda e: e.path)
    assert not errors, [e.message for e in errors[:5]]


def test_sarif_content(tmp_path: Path) -> None:
    log = sarif_of(tmp_path, BAD)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["helpUri"].endswith(rule["id"].lower())
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"VH203", "VH205", "VH401", "VH421"}
    for result in results:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"]["primaryLocationLineHash"]
    fixed = next(r for r in results if r["ruleId"] == "VH203")
    assert fixed["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"][
        "text"] == "docker.io/library/python:3.9"


def test_sarif_fingerprints_survive_moving_lines(tmp_path: Path) -> None:
    first = sarif_of(tmp_path, BAD)
    second = sarif_of(tmp_path, "# a new comment on top\n\n" + BAD)

    def prints(log: dict) -> list[str]:
        return sorted(r["partialFingerprints"]["primaryLocationLineHash"]
                      for r in log["runs"][0]["results"])

    assert prints(first) == prints(second)


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_github_columns_only_on_single_line_ranges() -> None:
    one = Diagnostic("dir/v,1.yaml", 3, 5, 3, 9, "VH203", "image-not-fully-qualified",
                     Severity.ERROR, "bad: 100%")
    line = annotation(one)
    assert line.startswith("::error file=dir/v%2C1.yaml,line=3,endLine=3,col=5,endColumn=9,")
    assert line.endswith("::dir/v,1.yaml:3:5: VH203 bad: 100%25")
    many = one._replace(end_line=5, severity=Severity.INFO)
    assert annotation(many).startswith("::notice ") and "col=" not in annotation(many)


def test_github_format_output(tmp_path: Path) -> None:
    path = tmp_path / "valohai.yaml"
    path.write_text(BAD)
    _, out, _ = run_cli("lint", str(path), "--format", "github")
    lines = out.splitlines()
    assert any(line.startswith("::error ") and "VH203" in line for line in lines)
    assert any(line.startswith("::warning ") and "VH205" in line for line in lines)


def test_rules_doc_is_up_to_date() -> None:
    doc = ROOT / "docs" / "rules.md"
    assert doc.read_text() == rules_markdown(), \
        "docs/rules.md is stale: run python scripts/generate_rules_doc.py"


def test_every_rule_documents_an_example() -> None:
    for rule in all_rules():
        for section in ("What it does", "Why", "Example", "Use instead"):
            assert rule.section(section), f"{rule.code} lacks '## {section}'"


def test_sarif_paths(tmp_path: Path) -> None:
    from yamlcheck.report.sarif import artifact

    assert artifact("ci/valohai.yaml") == {"uri": "ci/valohai.yaml", "uriBaseId": "%SRCROOT%"}
    assert artifact(str(tmp_path / "v.yaml"))["uri"].startswith("file:///")
