"""Real git projects for the repository checks (imported as ``repository_support``).

A project is described by the state of each file in git:

    committed  train.py        written, added and committed
    staged     new.py          written and added, not committed
    untracked  prepare.py      written, not added
    ignored    secrets.py      written; its path appended to .gitignore
    vhignored  big.py          written and committed; its path appended to .vhignore

The golden fixtures of the repository rules keep such a list in a ``.repo``
file beside the ``.yaml``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

STATES = ("committed", "staged", "untracked", "ignored", "vhignored")
IDENTITY = ("-c", "user.name=yamlcheck tests", "-c", "user.email=tests@example.invalid",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main",
            "-c", "protocol.file.allow=always")


def git(cwd: Path, *args: str) -> str:
    """Run real git in ``cwd`` (no hooks' variables leak in); its stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    result = subprocess.run(["git", *IDENTITY, *args], cwd=cwd, env=env, capture_output=True,
                            text=True, check=False, timeout=60)
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout


def read_manifest(path: Path) -> list[tuple[str, str]]:
    """(state, path) pairs of a .repo file."""
    entries = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            state, name = line.split()
            assert state in STATES, f"{path}: unknown state {state!r}"
            entries.append((state, name))
    return entries


def make_project(folder: Path, yaml_text: str, entries: list[tuple[str, str]],
                 commit: bool = True) -> Path:
    """A git repository in ``folder`` with valohai.yaml (committed) and the
    files of ``entries`` in their states; returns the valohai.yaml path."""
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "-q")
    (folder / "valohai.yaml").write_text(yaml_text)
    for state, name in entries:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {name}\n")
        ignore_file = {"ignored": ".gitignore", "vhignored": ".vhignore"}.get(state)
        if ignore_file:
            with (folder / ignore_file).open("a") as handle:
                handle.write(f"/{name}\n")
    first = ["valohai.yaml"] + [n for n in (".gitignore", ".vhignore") if (folder / n).exists()]
    first += [name for state, name in entries if state in ("committed", "vhignored")]
    git(folder, "add", "--", *first)
    if commit:
        git(folder, "commit", "-q", "-m", "project")
    staged = [name for state, name in entries if state == "staged"]
    if staged:
        git(folder, "add", "--", *staged)
    return folder / "valohai.yaml"
