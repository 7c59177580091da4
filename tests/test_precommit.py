"""The pre-commit hooks: their file patterns, and the real pre-commit tool."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, SHARED

from yamlcheck.targets import CONFIG_NAMES, is_valohai_file

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
BY_ID = {hook["id"]: hook for hook in HOOKS}

# Paths and whether the hook must see them: every valohai file folder
# discovery lints, the config files, nothing else, nothing under .github.
PATHS = {
    "valohai.yaml": True, "valohai.yml": True, "sub/dir/valohai.yaml": True,
    "valohai-dev.yaml": True, "train_valohai.yml": True, "my-valohai.yaml": True,
    "Valohai.YAML": True, "ml/VALOHAI-prod.yml": True, "xvalohai.yaml": True,
    ".yamlcheck.yaml": True, "svc/.yamlcheck.yml": True, "pyproject.toml": True,
    "svc/pyproject.toml": True,
    "valohai.yaml.bak": False, "valohai.json": False, "values.yaml": False,
    "docs/valohai.md": False, "valohai_yaml": False, ".yamlcheck.yaml.orig": False,
    "yamlcheck.yaml": False, "pyproject.toml.orig": False, "setup.cfg": False,
    ".github/workflows/valohai-deploy.yml": False, "a/.github/valohai.yaml": False,
}


def hook_sees(hook: dict, path: str) -> bool:
    return bool(re.search(hook["files"], path)) and not re.search(hook.get("exclude", "^$"), path)


def discovery_lints(path: str) -> bool:
    """What folder discovery and config discovery stand for (targets.py)."""
    parts = path.split("/")
    name = parts[-1]
    return ".github" not in parts[:-1] and (
        is_valohai_file(name) or name in CONFIG_NAMES or name == "pyproject.toml")


@pytest.mark.parametrize("hook_id", ["yamlcheck", "yamlcheck-remote"])
def test_files_pattern_is_the_one_definition_of_a_valohai_file(hook_id: str) -> None:
    for path, seen in PATHS.items():
        assert hook_sees(BY_ID[hook_id], path) is seen, path
        assert discovery_lints(path) is seen, path


def test_files_pattern_sees_every_corpus_file() -> None:
    folder = SHARED / "corpus"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (the shared corpus sits beside the project in CI)")
    names = {p.name for p in folder.rglob("*.y*ml") if is_valohai_file(p.name)}
    assert names
    assert all(hook_sees(BY_ID["yamlcheck"], name) for name in names)


def test_remote_hook_is_manual_only() -> None:
    assert BY_ID["yamlcheck-remote"]["stages"] == ["manual"]
    assert "--remote" in BY_ID["yamlcheck-remote"]["entry"]
    assert "stages" not in BY_ID["yamlcheck"]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean copy of the project as a git repository pre-commit can install from."""
    target = tmp_path_factory.mktemp("hook-repo") / "yamlcheck"
    ignore = shutil.ignore_patterns(".venv*", ".git", "__pycache__", "*.egg-info", "build",
                                    "dist", ".pytest_cache", ".hypothesis", "results")
    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "snapshot")
    return target


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", *args], cwd=cwd, check=True, env=env, capture_output=True)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache, shared by the tests: the hook is installed once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _pre_commit(hook_repo: Path, project: Path, home: Path,
                *files: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit run`` of the yamlcheck hook, installed from ``hook_repo``
    (once: the environment is kept in ``home``)."""
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, capture_output=True,
                         text=True, check=True).stdout.strip()
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: yamlcheck\n")
    _git(project, "add", ".pre-commit-config.yaml")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    which = ["--files", *files] if files else ["--all-files"]
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "yamlcheck", *which, "--color", "never",
         "--verbose"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False,
    )


BROKEN = "- step:\n    name: train\n    image: python:3.9\n    command: python train.py\n"
FINE = ("- step:\n    name: train\n    image: docker.io/library/python:3.9\n"
        "    command: python train.py\n")


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A git project with ``files`` and the script their steps run."""
    project = tmp_path / "project"
    files = {"train.py": "print('training')\n", **files}
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    return project


@pytest.mark.slow
def test_pre_commit_fails_on_bad_and_passes_on_good(hook_repo: Path, home: Path,
                                                             tmp_path: Path) -> None:
    project = _project(tmp_path, {"valohai.yaml": BROKEN, "README.md": "not linted\n"})
    bad = _pre_commit(hook_repo, project, home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "VH203" in bad.stdout and "valohai.yaml:3:12" in bad.stdout

    (project / "valohai.yaml").write_text(FINE)
    _git(project, "add", "-A")
    good = _pre_commit(hook_repo, project, home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout


@pytest.mark.slow
def test_hook_sees_every_valohai_file_but_not_github_workflows(hook_repo: Path, home: Path,
                                                               tmp_path: Path) -> None:
    workflow = "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
    project = _project(tmp_path, {"valohai.yaml": FINE, "ml/Valohai-dev.YML": BROKEN,
                                  ".github/workflows/valohai-deploy.yml": workflow})
    result = _pre_commit(hook_repo, project, home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ml/Valohai-dev.YML:3:12: VH203" in result.stdout
    assert ".github" not in result.stdout and "VH003" not in result.stdout


TOOL_TABLE = '[project]\nname = "demo"\n\n[tool.yamlcheck.rules]\nignore = ["VH205"]\n'


@pytest.mark.slow
def test_a_changed_pyproject_relints_what_it_governs(hook_repo: Path, home: Path,
                                                     tmp_path: Path) -> None:
    project = _project(tmp_path, {"pyproject.toml": TOOL_TABLE, "valohai.yaml": BROKEN,
                                  "svc/valohai.yaml": BROKEN,
                                  "svc/.yamlcheck.yaml": "rules: {ignore: [VH2]}\n"})
    result = _pre_commit(hook_repo, project, home, "pyproject.toml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "valohai.yaml:3:12: VH203" in result.stdout
    assert "svc/valohai.yaml" not in result.stdout  # svc/.yamlcheck.yaml governs that one

    # An error in the table is reported where it stands, and fails the hook.
    (project / "pyproject.toml").write_text(TOOL_TABLE.replace("VH205", "VH999"))
    result = _pre_commit(hook_repo, project, home, "pyproject.toml")
    assert result.returncode == 1 and "exit code: 2" in result.stdout, result.stdout
    assert "pyproject.toml:5:11: rules.ignore[0]: 'VH999' matches no rule" in result.stdout


@pytest.mark.slow
def test_a_pyproject_without_the_table_passes_quietly(hook_repo: Path, home: Path,
                                                      tmp_path: Path) -> None:
    project = _project(tmp_path, {"pyproject.toml": '[project]\nname = "demo"\n',
                                  "valohai.yaml": BROKEN})
    result = _pre_commit(hook_repo, project, home, "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout and "VH203" not in result.stdout
