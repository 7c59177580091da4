"""Output formats: SARIF against the official schema, GitHub annotations, docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import ROOT, SHARED, run_cli
from jsonschema import Draft7Validator, FormatChecker

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


def sarif_of(tmp_path: Path, text: str, name: str = "valohai.yaml") -> dict:
    path = tmp_path / name
    path.write_text(text)
    out_file = tmp_path / "out.sarif"
    status, _, _ = run_cli("lint", str(path), "--format", "sarif", "--output", str(out_file))
    assert status in (0, 1)
    return json.loads(out_file.read_text())


def assert_valid_sarif(log: dict) -> None:
    """Against the official schema, with its formats (uri, uri-reference) checked."""
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"{SARIF_SCHEMA} is absent (it sits beside the project in CI)")
    checker = FormatChecker()
    # The check is real only with a URI validator installed (the test extra has one).
    assert not checker.conforms("a b", "uri-reference") and not checker.conforms("x", "uri")
    validator = Draft7Validator(json.loads(SARIF_SCHEMA.read_text()), format_checker=checker)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize("text", [BAD, "- step: {name: a, image: 'docker.io/a/b:1', command: x}\n"])
def test_sarif_validates_against_the_official_schema(tmp_path: Path, text: str) -> None:
    assert_valid_sarif(sarif_of(tmp_path, text))


def _locations(log: dict) -> list[str]:
    run = log["runs"][0]
    found = [a["location"]["uri"] for a in run["artifacts"]]
    for result in run["results"]:
        found += [loc["physicalLocation"]["artifactLocation"]["uri"]
                  for loc in result["locations"]]
    return found


def test_sarif_uris_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "ml").mkdir()
    (root / "valohai.yml").write_text(BAD)
    out = root / "ml" / "report.sarif"
    status, _, _ = run_cli("lint", "../valohai.yml", "--format", "sarif", "--output", str(out),
                           cwd=root / "ml")
    assert status == 1
    log = json.loads(out.read_text())
    assert_valid_sarif(log)
    run = log["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": root.as_uri() + "/"}}
    assert set(_locations(log)) == {"valohai.yml"}
    assert all(loc["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
               for result in run["results"] for loc in result["locations"])


@pytest.mark.parametrize(("folder", "name", "uri"), [
    ("with space", "valohai.yaml", "with%20space/valohai.yaml"),
    ("ünïcode", "valohai-é.yaml", "%C3%BCn%C3%AFcode/valohai-%C3%A9.yaml"),
])
def test_sarif_uris_are_percent_encoded(tmp_path: Path, folder: str, name: str, uri: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / folder).mkdir()
    log = sarif_of(tmp_path / folder, BAD, name)
    assert_valid_sarif(log)
    assert set(_locations(log)) == {uri}


@pytest.mark.parametrize("cwd", [".", "ml"])
def test_sarif_of_stdin_is_a_valid_uri_in_no_folder(tmp_path: Path, cwd: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ml").mkdir()
    status, out, _ = run_cli("lint", "-", "--format", "sarif", stdin=BAD.encode(),
                             cwd=tmp_path / cwd)
    assert status == 1
    log = json.loads(out)
    assert_valid_sarif(log)
    assert set(_locations(log)) == {"%3Cstdin%3E"}
    assert all("uriBaseId" not in loc["physicalLocation"]["artifactLocation"]
               for result in log["runs"][0]["results"] for loc in result["locations"])


def test_a_configuration_error_still_writes_a_sarif_log(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".yamlcheck.yaml").write_text("rules:\n  ignore: [VH999]\n")
    (tmp_path / "valohai.yaml").write_text(BAD)
    out = tmp_path / "yamlcheck.sarif"
    status, stdout, err = run_cli("lint", "--format", "sarif", "--output", str(out),
                                  cwd=tmp_path)
    assert status == 2 and stdout == ""
    assert ".yamlcheck.yaml:2:12: rules.ignore[0]: 'VH999' matches no rule" in err
    log = json.loads(out.read_text())
    assert_valid_sarif(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "'VH999' matches no rule" in note["message"]["text"]
    location = note["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": ".yamlcheck.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 2, "startColumn": 12}
    assert log["runs"][0]["results"] == []


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

    root = str(tmp_path / "repo")
    assert artifact(f"{root}/ci/valohai.yaml", root) == {"uri": "ci/valohai.yaml",
                                                         "uriBaseId": "%SRCROOT%"}
    outside = artifact(str(tmp_path / "other repo" / "v.yaml"), root)
    assert outside == {"uri": (tmp_path / "other repo" / "v.yaml").as_uri()}
    assert "%20" in outside["uri"]


# GitLab's documented Code Quality fields (docs.gitlab.com, "Code Quality report
# format"), each required, with the severities GitLab knows.
CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/]"},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


def gitlab_of(root: Path, *args: str, cwd: Path) -> list[dict]:
    status, out, _ = run_cli("lint", *args, "--format", "gitlab", cwd=cwd)
    assert status in (0, 1)
    issues = json.loads(out)
    errors = list(Draft7Validator(CODE_QUALITY).iter_errors(issues))
    assert not errors, [e.message for e in errors[:5]]
    return issues


def test_gitlab_code_quality(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ml").mkdir()
    (tmp_path / "valohai.yaml").write_text(BAD)
    issues = gitlab_of(tmp_path, "../valohai.yaml", cwd=tmp_path / "ml")
    by_code = {issue["check_name"]: issue for issue in issues}
    assert {"VH203", "VH205", "VH401", "VH421"} <= set(by_code)
    image = by_code["VH203"]
    assert image["location"] == {"path": "valohai.yaml", "lines": {"begin": 3, "end": 3}}
    assert image["severity"] == "critical"
    assert image["description"].startswith("VH203 image-not-fully-qualified: image 'python:3.9'")
    assert by_code["VH205"]["severity"] == "minor"
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_gitlab_fingerprints_survive_moving_lines_and_changing_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ml").mkdir()
    path = tmp_path / "valohai.yaml"
    path.write_text(BAD)
    first = gitlab_of(tmp_path, "valohai.yaml", cwd=tmp_path)
    path.write_text("# a comment on top\n\n" + BAD)
    second = gitlab_of(tmp_path, "../valohai.yaml", cwd=tmp_path / "ml")
    assert sorted(i["fingerprint"] for i in first) == sorted(i["fingerprint"] for i in second)
    assert [i["location"]["lines"]["begin"] + 2 for i in first] == \
        [i["location"]["lines"]["begin"] for i in second]


def test_gitlab_clean_report_is_an_empty_list(tmp_path: Path) -> None:
    (tmp_path / "valohai.yaml").write_text(
        "- step: {name: a, image: 'docker.io/a/b:1', command: x}\n")
    assert gitlab_of(tmp_path, "valohai.yaml", cwd=tmp_path) == []


def test_gitlab_severities_follow_the_configuration(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".yamlcheck.yaml").write_text("rules:\n  severity: {VH205: info}\n")
    (tmp_path / "valohai.yaml").write_text(BAD)
    issues = gitlab_of(tmp_path, "valohai.yaml", cwd=tmp_path)
    assert {i["severity"] for i in issues if i["check_name"] == "VH205"} == {"info"}
