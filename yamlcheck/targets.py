"""Which files a run lints."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from yamlcheck.core.diagnostic import STDIN_PATH

STDIN = "-"
# "A valohai file": a YAML file with "valohai" in its name, in any case
# (valohai.yaml, valohai.yml, valohai-dev.yaml, train_valohai.yml, Valohai.YAML).
# Folder discovery, the language server and the pre-commit hooks'
# `files` pattern (.pre-commit-hooks.yaml; a test keeps them in step) use it.
VALOHAI_FILE = r"[^/]*valohai[^/]*\.ya?ml"
_NAME = re.compile(VALOHAI_FILE, re.IGNORECASE)
# Folders never searched: version control, environments, caches, and .github
# (its workflows are GitHub's YAML, not Valohai's, whatever their name says).
_SKIP_DIRS = frozenset((".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                        ".tox", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".github"))


CONFIG_NAMES = (".yamlcheck.yaml", ".yamlcheck.yml")
PYPROJECT = "pyproject.toml"  # a config file only when it holds [tool.yamlcheck]


class TargetError(Exception):
    """A path that cannot be linted (exit 2)."""


class Target(NamedTuple):
    path: str  # as reported
    stdin: bool = False
    config: str | None = None  # the config file whose change brought it in, if any


def is_valohai_file(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def _walk(folder: Path, broken: list[str] | None = None) -> list[Path]:
    """The valohai files below ``folder`` (regular files, links to them);
    valohai-named links to nothing are added to ``broken``."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS
                         and not os.path.isfile(os.path.join(root, d, "pyvenv.cfg")))
        for name in sorted(files):
            path = os.path.join(root, name)
            if not is_valohai_file(name):
                continue
            if os.path.isfile(path):
                found.append(Path(path))
            elif broken is not None and os.path.islink(path) and not os.path.exists(path):
                broken.append(_display(Path(path)))
    return found


def _broken_link(path: str) -> str | None:
    """Why ``path`` cannot be read if it is a link to nothing."""
    if os.path.islink(path) and not os.path.exists(path):
        return f"{path!r} is a broken symbolic link (to {os.readlink(path)!r})"
    return None


def _display(path: Path) -> str:
    text = str(path)
    return text[2:] if text.startswith("./") else text


def is_config_file(path: Path) -> bool:
    """A file that may configure yamlcheck (pyproject.toml: if it holds the table)."""
    return (path.name in CONFIG_NAMES or path.name == PYPROJECT) and path.is_file()


def resolve(paths: list[str], stdin_filename: str | None = None,
            configs: list[Path] | None = None) -> list[Target]:
    """The files to lint.  Config files among ``paths`` (pre-commit passes
    those that changed) are appended to ``configs`` and stand for the valohai
    files below them, marked with the config, which the caller keeps only if
    that config governs them.  A file also named on its own is kept anyway."""
    configs = configs if configs is not None else []
    if not paths:
        for name in ("valohai.yaml", "valohai.yml"):
            if Path(name).is_file():
                return [Target(name)]
        for name in ("valohai.yaml", "valohai.yml"):
            if (problem := _broken_link(name)) is not None:
                raise TargetError(problem)
        raise TargetError("no valohai.yaml in the current folder; give a file or folder to lint")
    named: list[Target] = []
    governed: list[Target] = []
    for raw in paths:
        if raw == STDIN:
            named.append(Target(stdin_filename or STDIN_PATH, stdin=True))
            continue
        path = Path(raw)
        if is_config_file(path):
            configs.append(path)
            governed += [Target(_display(file), config=str(path)) for file in _walk(path.parent)]
        elif path.is_dir():
            broken: list[str] = []
            files = _walk(path, broken)
            if not files:
                links = f" ({', '.join(broken)}: broken symbolic link)" if broken else ""
                raise TargetError(
                    f"no valohai YAML file (such as valohai.yaml) under {raw!r}{links}")
            named += [Target(_display(file)) for file in files]
        elif path.exists():
            named.append(Target(_display(path)))
        else:
            raise TargetError(_broken_link(raw) or f"{raw!r} does not exist")
    targets: list[Target] = []
    seen: set[str] = set()
    for target in named + governed:
        key = target.path if target.stdin else os.path.normcase(os.path.abspath(target.path))
        if key not in seen:
            seen.add(key)
            targets.append(target)
    return targets
