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
from helpers import ROOT

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
BY_ID = {hook["id"]: hook for hook in HOOKS}

MATCH = ["valohai.yaml", "valohai.yml", "sub/dir/valohai.yaml", ".yamlcheck.yaml",
         "svc/.yamlcheck.yml"]
NO_MATCH = ["valohai.yaml.bak", "my-valohai.yaml", "valohai.json", "values.yaml",
            "docs/valohai.md", "valohai_yaml", "xvalohai.yaml", ".yamlcheck.yaml.orig",
            "yamlcheck.yaml"]


@pytest.mark.parametrize("hook_id", ["yamlcheck", "yamlcheck-remote"])
def test_files_pattern(hook_id: str) -> None:
    pattern = re.compile(BY_ID[hook_id]["files"])
    for path in MATCH:
        assert pattern.search(path), path
    for path in NO_MATCH:
        assert not pattern.search(path), path


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


def _try_repo(hook_repo: Path, project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "yamlcheck",
         "--all-files", "--color", "never"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False,
    )


@pytest.mark.slow
def test_pre_commit_try_repo_fails_on_bad_and_passes_on_good(hook_repo: Path,
                                                             tmp_path: Path) -> None:
    home = tmp_path / "pre-commit-home"
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / "valohai.yaml").write_text(
        "- step:\n    name: train\n    image: python:3.9\n    command: python train.py\n")
    (project / "README.md").write_text("not linted\n")
    (project / "train.py").write_text("print('training')\n")
    _git(project, "add", "-A")
    bad = _try_repo(hook_repo, project, home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "VH203" in bad.stdout and "valohai.yaml:3:12" in bad.stdout

    (project / "valohai.yaml").write_text(
        "- step:\n    name: train\n    image: docker.io/library/python:3.9\n"
        "    command: python train.py\n")
    _git(project, "add", "-A")
    good = _try_repo(hook_repo, project, home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
