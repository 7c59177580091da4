"""The GitHub action (action.yml) and the README's CI recipes: their shape, and
the action's lint step run for real with bash against a real repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
README = (ROOT / "README.md").read_text()
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}
BROKEN = "- step:\n    name: train\n    image: python:3.9\n    command: python train.py\n"


def readme_section(title: str) -> str:
    start = README.index(f"\n### {title}\n")
    end = README.find("\n## ", start + 1)
    following = README.find("\n### ", start + 1)
    return README[start:min(i for i in (end, following) if i > 0)]


def yaml_blocks(section: str) -> list[dict]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, re.S)]


def test_every_action_input_is_documented_with_its_default() -> None:
    section = readme_section("GitHub Actions")
    for name, spec in ACTION["inputs"].items():
        row = next((line for line in section.splitlines() if line.startswith(f"| `{name}` |")),
                   None)
        assert row is not None, f"input {name!r} is not in the README's table"
        default = spec.get("default", "")
        assert (f"`{default}`" in row) if default else "(empty)" in row, row


def test_the_action_is_composite_and_uploads_sarif_even_after_findings() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert STEPS["Set up Python"]["uses"].startswith("actions/setup-python@")
    assert "pip install" in STEPS["Install yamlcheck"]["run"]
    assert "--format github" in STEPS["Lint"]["run"] and "exit 0" in STEPS["Lint"]["run"]
    upload = STEPS["Upload SARIF"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["if"].startswith("always()")
    assert STEPS["Result"]["if"] == "always()"
    names = [step["name"] for step in ACTION["runs"]["steps"]]
    assert names.index("Lint") < names.index("Upload SARIF") < names.index("Result")


@pytest.mark.parametrize("case", ["findings", "config-error"])
def test_the_action_lint_step_runs(tmp_path: Path, case: str) -> None:
    """The step's script as GitHub would run it: its env with the inputs'
    values, GITHUB_OUTPUT, bash, and yamlcheck on PATH."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    repo = tmp_path / "repo"
    (repo / "ml").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "ml" / "valohai.yaml").write_text(BROKEN)
    (repo / "ml" / "train.py").write_text("print('training')\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", "commit",
                    "-qm", "project"], cwd=repo, check=True)
    if case == "config-error":
        (repo / ".yamlcheck.yaml").write_text("rules: {ignore: [VH999]}\n")
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs["args"] = "--fail-on warning --jobs 2"
    step = STEPS["Lint"]
    env = {key: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: inputs[m.group(1)], value)
           for key, value in step["env"].items()}
    output = tmp_path / "github_output"
    env.update(GITHUB_OUTPUT=str(output), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
               HOME=str(tmp_path), NO_COLOR="1")
    result = subprocess.run([bash, "-e", "-c", step["run"]], cwd=repo, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr  # the upload step must still run
    sarif = json.loads((repo / inputs["sarif-file"]).read_text())
    (run,) = sarif["runs"]
    if case == "findings":
        assert output.read_text() == "exit-code=1\n"
        assert result.stdout.startswith("::error file=ml/valohai.yaml,line=3,")
        assert {r["ruleId"] for r in run["results"]} == {"VH203"}
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in run["results"]}
        assert uris == {"ml/valohai.yaml"}
    else:
        assert output.read_text() == "exit-code=2\n"
        assert "'VH999' matches no rule" in result.stderr
        assert run["invocations"][0]["executionSuccessful"] is False


def test_the_readme_github_recipe_uploads_sarif_when_there_are_findings() -> None:
    workflows = yaml_blocks(readme_section("GitHub Actions"))
    assert len(workflows) == 2
    for workflow in workflows:
        assert workflow["permissions"]["security-events"] == "write"
        steps = workflow["jobs"]["yamlcheck"]["steps"]
        assert steps[0]["uses"].startswith("actions/checkout@")
    by_hand = workflows[1]["jobs"]["yamlcheck"]["steps"]
    lint = next(step for step in by_hand if step.get("id") == "lint")
    assert lint["continue-on-error"] is True
    sarif = next(step for step in by_hand if "--format sarif" in step.get("run", ""))
    upload = next(step for step in by_hand if "upload-sarif" in step.get("uses", ""))
    assert sarif["if"] == "always()" and upload["if"] == "always()"
    assert upload["with"]["sarif_file"] in sarif["run"]
    assert by_hand[-1] == {"if": "steps.lint.outcome == 'failure'", "run": "exit 1"}


def test_the_readme_gitlab_recipe_reports_code_quality() -> None:
    (job,) = yaml_blocks(readme_section("GitLab CI"))
    report = job["yamlcheck"]["artifacts"]["reports"]["codequality"]
    command = job["yamlcheck"]["script"][-1]
    assert "--format gitlab" in command and f"--output {report}" in command
    assert job["yamlcheck"]["artifacts"]["when"] == "always"
