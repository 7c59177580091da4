"""The command line through Typer's runner and as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, run_cli

GOOD = """\
- step:
    name: train
    image: docker.io/library/python:3.12
    command: python train.py
"""
BAD = """\
- step:
    name: train
    image: python:3.9
    command: python train.py
    imgae: x
"""
WARN_ONLY = """\
- step:
    name: train
    image: docker.io/library/python:latest
    command: python train.py
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def write(folder: Path, text: str, name: str = "valohai.yaml") -> Path:
    """The file, beside the script its commands run (the repository checks look)."""
    path = folder / name
    path.write_text(text)
    (folder / "train.py").write_text("print('training')\n")
    return path


def test_clean_file_exits_0(project: Path) -> None:
    status, out, _ = run_cli("lint", str(write(project, GOOD)))
    assert status == 0
    assert "No problems found in 1 file." in out


def test_findings_exit_1_with_snippet_and_caret(project: Path) -> None:
    path = write(project, BAD)
    status, out, _ = run_cli("lint", str(path))
    assert status == 1
    assert f"{path}:3:12: VH203 error: image 'python:3.9' has no registry host" in out
    assert "3 |     image: python:3.9" in out
    assert "  |            ^^^^^^^^^^" in out
    assert f"{path}:5:5: VH101 error" in out
    assert "Found 2 problems in 1 file: 2 errors. 1 fixable with --fix." in out


def test_no_path_lints_valohai_yaml_in_the_folder(project: Path) -> None:
    write(project, GOOD)
    status, out, _ = run_cli("lint", cwd=project)
    assert status == 0 and "1 file" in out


def test_missing_path_is_a_usage_error(project: Path) -> None:
    status, _, err = run_cli("lint", str(project / "nope.yaml"))
    assert status == 2
    assert "does not exist" in err


def test_folder_without_files_is_a_usage_error(project: Path) -> None:
    status, _, err = run_cli("lint", str(project))
    assert status == 2 and "no valohai YAML file" in err


def test_folder_is_searched(project: Path) -> None:
    sub = project / "a" / "b"
    sub.mkdir(parents=True)
    write(sub, GOOD)
    write(project, GOOD, "train-valohai.yml")
    write(project, "not: linted\n", "other.yaml")
    status, out, _ = run_cli("lint", str(project), "--format", "json")
    assert status == 0
    files = json.loads(out)["files"]
    assert len(files) == 2 and all("valohai" in f for f in files)


@pytest.mark.parametrize(("threshold", "status"), [
    ("error", 0), ("warning", 1), ("info", 1), ("never", 0),
])
def test_fail_on(project: Path, threshold: str, status: int) -> None:
    code, out, _ = run_cli("lint", str(write(project, WARN_ONLY)), "--fail-on", threshold)
    assert code == status
    assert "VH205" in out


def test_fail_on_never_with_errors(project: Path) -> None:
    code, _, _ = run_cli("lint", str(write(project, BAD)), "--fail-on", "never")
    assert code == 0


def test_select_and_ignore_prefixes(project: Path) -> None:
    path = str(write(project, BAD))
    _, out, _ = run_cli("lint", path, "--select", "VH2", "--format", "concise")
    assert "VH203" in out and "VH101" not in out
    _, out, _ = run_cli("lint", path, "--ignore", "VH2", "--format", "concise")
    assert "VH203" not in out and "VH101" in out
    _, out, _ = run_cli("lint", path, "--select", "VH206", "--format", "concise")
    assert out.splitlines()[0].split()[1] == "VH206"


def test_bad_option_values_exit_2(project: Path) -> None:
    path = str(write(project, GOOD))
    for args in (["--format", "xml"], ["--fail-on", "sometimes"], ["--select", "E501"],
                 ["--color", "rainbow"], ["--jobs", "0"], ["--pin-digests"],
                 ["--platform", "linux"]):
        status, _, err = run_cli("lint", path, *args)
        assert status == 2, args
        assert "Traceback" not in err


def test_json_report_matches_the_contract(project: Path) -> None:
    path = write(project, BAD)
    status, out, _ = run_cli("lint", str(path), "--format", "json")
    data = json.loads(out)
    assert status == 1
    assert data["version"] == 1 and data["tool"]["name"] == "yamlcheck"
    assert data["summary"] == {"files": 1, "errors": 2, "warnings": 0, "infos": 0}
    first = data["diagnostics"][0]
    assert first == {
        "path": str(path), "line": 3, "column": 12, "end_line": 3, "end_column": 22,
        "code": "VH203", "name": "image-not-fully-qualified", "severity": "error",
        "message": "image 'python:3.9' has no registry host; write 'docker.io/library/python:3.9'",
        "fix": {"replacement": "docker.io/library/python:3.9"},
    }
    (image,) = data["images"]
    assert image == {
        "path": str(path), "line": 3, "column": 12, "location": "step[train].image",
        "image": "python:3.9", "normalized": "docker.io/library/python:3.9",
        "registry": "docker.io", "repository": "library/python", "tag": "3.9", "digest": None,
        "registry_match": None, "remote": None,
    }


def test_stdin_with_filename(project: Path) -> None:
    status, out, _ = run_cli("lint", "-", "--stdin-filename", "ci/valohai.yaml",
                             "--format", "concise", stdin=BAD.encode())
    assert status == 1
    assert out.startswith("ci/valohai.yaml:3:12: VH203")


def test_stdin_finds_its_config_from_the_filename(tmp_path: Path) -> None:
    """Wherever the command runs, as a file of that path would (editors pipe
    the buffer with its absolute path)."""
    project = tmp_path / "sub"
    (project / "deeper").mkdir(parents=True)
    (project / ".git").mkdir()
    (project / ".yamlcheck.yaml").write_text("rules: {ignore: [VH2]}\n")
    for name in ("sub/deeper/valohai.yaml", str(project / "deeper" / "valohai.yaml")):
        for args in (["-", "--stdin-filename", name], ["--stdin-filename", name]):
            status, out, err = run_cli("lint", "--no-repo", *args, stdin=BAD.encode(),
                                       cwd=tmp_path, env={"NO_COLOR": "1"})
            assert "VH203" not in out, (args, out)
            assert status == 1 and "VH101" in out and err == ""
    status, out, _ = run_cli("lint", "--no-repo", "-", stdin=BAD.encode(), cwd=tmp_path)
    assert "VH203" in out  # unnamed: the current folder's config (none here)


def test_stdin_filename_with_paths_but_no_dash_is_a_usage_error(project: Path) -> None:
    path = write(project, GOOD)
    status, _, err = run_cli("lint", str(path), "--stdin-filename", "x.yaml")
    assert status == 2 and "give '-' among the paths" in " ".join(err.replace("│", " ").split())


@pytest.mark.parametrize("value", ["inf", "nan", "1e12", "-inf"])
def test_a_timeout_that_is_no_deadline_is_a_usage_error(project: Path, value: str) -> None:
    status, out, err = run_cli("lint", str(write(project, GOOD)), "--timeout", value)
    assert status == 2 and out == "" and "--timeout" in err and "Traceback" not in err


def test_a_broken_link_is_named(tmp_path: Path) -> None:
    (tmp_path / "valohai.yaml").symlink_to(tmp_path / "nowhere.yaml")
    for args in ([], ["."], ["valohai.yaml"]):
        status, _, err = run_cli("lint", *args, cwd=tmp_path)
        assert status == 2 and "broken symbolic link" in err, (args, err)


def test_a_file_named_twice_through_a_link_is_fixed_once(project: Path) -> None:
    path = write(project, BAD.replace("    imgae: x\n", ""))
    (project / "link-valohai.yaml").symlink_to(path)
    status, out, _ = run_cli("lint", "--fix", str(path), str(project / "link-valohai.yaml"))
    assert status == 0 and "Fixed 1 image reference." in out
    assert "image: docker.io/library/python:3.9" in path.read_text()


def test_output_file_is_written_even_when_clean(project: Path) -> None:
    target = project / "out" / "report.json"
    target.parent.mkdir()
    status, out, _ = run_cli("lint", str(write(project, GOOD)), "--format", "json",
                             "--output", str(target))
    assert status == 0 and out == ""
    assert json.loads(target.read_text())["diagnostics"] == []


def test_github_format_is_chosen_on_actions(project: Path) -> None:
    status, out, _ = run_cli("lint", str(write(project, BAD)), env={"GITHUB_ACTIONS": "true"})
    assert status == 1
    assert out.startswith("::error file=")


@pytest.mark.parametrize(("args", "env", "colored"), [
    (["--color", "always"], {}, True),
    (["--color", "never"], {}, False),
    (["--color", "auto"], {}, False),  # not a TTY
    (["--color", "always"], {"NO_COLOR": "1"}, True),  # an explicit request wins
])
def test_colour(project: Path, args: list[str], env: dict[str, str], colored: bool) -> None:
    _, out, _ = run_cli("lint", str(write(project, BAD)), *args, env=env)
    assert ("\033[" in out) == colored


def test_rules_explain_schema() -> None:
    status, out, _ = run_cli("rules")
    assert status == 0 and "VH203" in out and "image-not-fully-qualified" in out
    status, out, _ = run_cli("rules", "--format", "json")
    assert any(r["code"] == "VH206" and not r["default_enabled"] for r in json.loads(out))
    status, out, _ = run_cli("explain", "vh203")
    assert status == 0 and "## Example" in out and "## Use instead" in out
    status, _, err = run_cli("explain", "VH999")
    assert status == 2 and "unknown rule" in err
    status, out, _ = run_cli("schema")
    assert json.loads(out)["$defs"]["step"]
    status, out, _ = run_cli("schema", "config")
    assert "registries" in json.loads(out)["properties"]


def test_help_shows_examples() -> None:
    for command in ("lint", "rules", "explain", "schema"):
        status, out, _ = run_cli(command, "--help")
        assert status == 0 and "Examples" in out, command
    status, out, _ = run_cli("--help")
    assert status == 0 and "Examples" in out and "--install-completion" in out


def _subprocess(*args: str, cwd: Path, stdin: bytes | None = None,
                extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "yamlcheck", *args], cwd=cwd, input=stdin,
                          capture_output=True, env=env, timeout=60, check=False)


def test_real_subprocess(project: Path) -> None:
    write(project, BAD)
    result = _subprocess("lint", "--format", "concise", cwd=project)
    assert result.returncode == 1
    assert result.stdout.decode().startswith("valohai.yaml:3:12: VH203")
    version = _subprocess("--version", cwd=project)
    assert version.returncode == 0 and version.stdout.decode().startswith("yamlcheck 0.")


def test_internal_error_is_one_line_with_exit_3(project: Path) -> None:
    write(project, GOOD)
    crash = ("import sys, yamlcheck.engine.run as e\n"
             "def boom(*a, **k): raise RuntimeError('simulated bug')\n"
             "e.analyse = boom\n"
             "sys.argv = ['yamlcheck', 'lint']\nfrom yamlcheck.cli import main\nmain()\n")
    result = subprocess.run([sys.executable, "-c", crash], cwd=project, capture_output=True,
                            timeout=60, check=False)
    assert result.returncode == 3
    err = result.stderr.decode()
    assert "internal error" in err and "simulated bug" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_package_runs_from_a_source_checkout() -> None:
    assert (ROOT / "yamlcheck" / "__main__.py").exists()


def test_unwritable_output_is_a_usage_error(project: Path) -> None:
    status, _, err = run_cli("lint", str(write(project, GOOD)), "--output",
                             str(project / "missing-dir" / "report.json"))
    assert status == 2 and "cannot write the report" in err


def test_fix_on_stdin_without_fixes_prints_the_document(project: Path) -> None:
    status, out, err = run_cli("lint", "--fix", "-", stdin=GOOD.encode())
    assert status == 0 and out == GOOD and "No problems" in err


def test_empty_stdin() -> None:
    status, out, _ = run_cli("lint", "-", "--format", "concise", stdin=b"")
    assert status == 1 and "VH003" in out and out.startswith("<stdin>:1:1:")


@pytest.mark.parametrize(("args", "words"), [
    (["--select", "VH999"], "'VH999' matches no rule"),
    (["--select", "VH2,VH9"], "'VH9' matches no rule"),
    (["--ignore", "VH7"], "'VH7' matches no rule"),
    (["--ignore", "E501"], "'E501' is not a rule code or prefix"),
])
def test_unknown_codes_on_the_command_line_exit_2(project: Path, args: list[str],
                                                  words: str) -> None:
    status, out, err = run_cli("lint", str(write(project, BAD)), *args)
    assert status == 2 and out == ""
    assert words in err and "No problems" not in err


@pytest.mark.parametrize(("args", "words"), [
    (["--format", "xml"], "'xml' is not one of 'text', 'concise', 'json', 'sarif', 'github', 'gitlab'"),
    (["--color", "rainbow"], "'rainbow' is not one of 'auto', 'always', 'never'"),
    (["--jobs", "0"], "0 is not in the range 1<=x<=64"),
    (["--jobs", "many"], "'many' is not a valid int"),
    (["--timeout", "0.5"], "0.5 is not in the range 1.0<=x<=86400.0"),
])
def test_bad_values_name_what_is_allowed(project: Path, args: list[str], words: str) -> None:
    status, _, err = run_cli("lint", str(write(project, GOOD)), *args)
    assert status == 2
    assert words in " ".join(err.replace("│", " ").split()), err


def test_choices_ignore_case(project: Path) -> None:
    status, out, _ = run_cli("lint", str(write(project, GOOD)), "--format", "JSON",
                             "--fail-on", "Warning", "--color", "NEVER")
    assert status == 0 and json.loads(out)["summary"]["errors"] == 0


def _help_rows(text: str) -> dict[str, str]:
    """Each option's help row, keyed by its long name (joined across wrapped lines)."""
    rows: dict[str, str] = {}
    current = ""
    for line in text.splitlines():
        cells = line.strip("│ ").split()
        if cells and cells[0].startswith("--"):
            current = cells[0]
            rows[current] = ""
        if current:
            rows[current] += " " + " ".join(line.strip("│ ").split())
    return rows


@pytest.mark.parametrize("rich", [True, False])
def test_lint_help_shows_flags_choices_and_files(rich: bool) -> None:
    env = {**os.environ, "TYPER_USE_RICH": "1" if rich else "0", "COLUMNS": "100"}
    result = subprocess.run([sys.executable, "-m", "yamlcheck", "lint", "--help"],
                            capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0
    rows = _help_rows(result.stdout)
    verbose = rows["--verbose"] if rich else next(
        line for line in result.stdout.splitlines() if "--verbose" in line)
    assert not re.search(r"<int>|INTEGER|default", verbose), verbose  # -v is a flag
    assert "text, concise, json, sarif, github or gitlab" in rows["--format"]
    assert "auto, always or never" in rows["--color"]
    assert "error, warning, info or never" in rows["--fail-on"]
    assert "pyproject.toml" in rows["--config"] and "[tool.yamlcheck]" in rows["--config"]
    assert "'any'" in rows["--platform"]


@pytest.mark.parametrize("rich", [True, False])
def test_root_help_lists_one_example_per_line(rich: bool) -> None:
    env = {**os.environ, "TYPER_USE_RICH": "1" if rich else "0"}
    result = subprocess.run([sys.executable, "-m", "yamlcheck", "--help"], capture_output=True,
                            text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0
    examples = [line for line in result.stdout.splitlines() if "yamlcheck " in line
                and ("lint" in line or "explain" in line) and "Usage" not in line]
    assert len(examples) == 3, result.stdout
    assert sum("yamlcheck" in line for line in examples) == 3  # never two on one line
    assert "**" not in result.stdout and "* `" not in result.stdout


def test_folder_discovery_skips_github_workflows(project: Path) -> None:
    workflows = project / ".github" / "workflows"
    workflows.mkdir(parents=True)
    write(workflows, "on: push\njobs: {}\n", "valohai-deploy.yml")
    write(project, BAD, "Valohai-Dev.YAML")
    status, out, _ = run_cli("lint", str(project), "--format", "json")
    assert status == 1
    assert json.loads(out)["files"] == [str(project / "Valohai-Dev.YAML")]
    # Named on its own, a file is linted wherever it is.
    status, out, _ = run_cli("lint", str(workflows / "valohai-deploy.yml"), "--format", "concise")
    assert status == 1 and "VH003" in out


@pytest.mark.parametrize(("config", "text", "linted"), [
    ("pyproject.toml", '[tool.yamlcheck]\nplatform = "linux/amd64"\n', ["valohai.yaml"]),
    ("pyproject.toml", '[project]\nname = "x"\n', []),  # no table: not a config file
    (".yamlcheck.yaml", "platform: linux/amd64\n", ["valohai.yaml"]),
])
def test_a_config_file_stands_for_the_files_it_governs(project: Path, config: str, text: str,
                                                      linted: list[str]) -> None:
    write(project, text, config)
    write(project, BAD)
    sub = project / "svc"
    sub.mkdir()
    write(sub, "rules: {ignore: [VH1]}\n", ".yamlcheck.yaml")  # governs svc/ itself
    write(sub, BAD)
    status, out, _ = run_cli("lint", config, "--format", "json", cwd=project)
    assert json.loads(out)["files"] == linted
    assert status == (1 if linted else 0)


def test_server_without_its_extra_names_the_extra_and_exits_2() -> None:
    """Where pygls cannot be imported, ``yamlcheck server`` says which extra to install."""
    code = ("import sys; sys.modules['pygls'] = None; sys.argv = ['yamlcheck', 'server']; "
            "from yamlcheck.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "yamlcheck: the language server needs its extra: pip install 'yamlcheck[lsp]'"]
    assert result.stdout == ""


def test_messages_never_show_a_missing_name_as_none(tmp_path: Path) -> None:
    """Items, parameters and nodes without a usable name are named by their line."""
    path = tmp_path / "valohai.yaml"
    path.write_text(
        "- step:\n    image: docker.io/library/python:3.10\n"
        "    command: python train.py {parameter:x} ${parameters}\n"
        "    parameters:\n      - type: flag\n        optional: true\n"
        "- pipeline:\n    name: flow\n    nodes:\n"
        "      - {type: execution, step: nope}\n    edges: []\n")
    status, out, _ = run_cli("lint", "--no-repo", "--format", "json", str(path))
    messages = [d["message"] for d in json.loads(out)["diagnostics"]]
    assert status == 1 and len(messages) >= 5
    assert not [m for m in messages if "None" in m]
    assert any("step at line 1" in m for m in messages)
