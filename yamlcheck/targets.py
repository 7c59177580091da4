"""Which files a run lints."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

STDIN = "-"
# Directories are searched for YAML files with "valohai" in their name
# (valohai.yaml, valohai.yml, valohai-dev.yaml, train_valohai.yml, ...).
_NAME = re.compile(r"[^/]*valohai[^/]*\.ya?ml", re.IGNORECASE)
_SKIP_DIRS = frozenset((".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                        ".tox", ".mypy_cache", ".ruff_cache", ".pytest_cache"))


CONFIG_NAMES = (".yamlcheck.yaml", ".yamlcheck.yml")


class TargetError(Exception):
    """A path that cannot be linted (exit 2)."""


class Target(NamedTuple):
    path: str  # as reported
    stdin: bool = False


def is_valohai_file(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def _walk(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        found.extend(Path(root, name) for name in sorted(files) if is_valohai_file(name))
    return found


def _display(path: Path) -> str:
    text = str(path)
    return text[2:] if text.startswith("./") else text


def resolve(paths: list[str], stdin_filename: str | None = None,
            configs: list[Path] | None = None) -> list[Target]:
    """The files to lint.  Config files among ``paths`` are appended to
    ``configs`` (to be validated) and stand for the valohai files below them."""
    configs = configs if configs is not None else []
    if not paths:
        for name in ("valohai.yaml", "valohai.yml"):
            if Path(name).is_file():
                return [Target(name)]
        raise TargetError("no valohai.yaml in the current folder; give a file or folder to lint")
    targets: list[Target] = []
    seen: set[str] = set()
    for raw in paths:
        if raw == STDIN:
            targets.append(Target(stdin_filename or "<stdin>", stdin=True))
            continue
        path = Path(raw)
        if path.name in CONFIG_NAMES and path.is_file():
            # A changed config file (pre-commit passes it): lint what it governs.
            configs.append(path)
            files = _walk(path.parent)
        elif path.is_dir():
            files = _walk(path)
            if not files:
                raise TargetError(f"no valohai YAML file (such as valohai.yaml) under {raw!r}")
        elif path.exists():
            files = [path]
        else:
            raise TargetError(f"{raw!r} does not exist")
        for file in files:
            key = os.path.normcase(os.path.abspath(file))
            if key not in seen:
                seen.add(key)
                targets.append(Target(_display(file)))
    return targets
