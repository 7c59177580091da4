"""Configuration for open documents: discovered as ``yamlcheck lint`` does
(yamlcheck.config.loader), remembered per folder, and read again when a
.yamlcheck.yaml or pyproject.toml changes (a watched-file event, a save, or a
changed modification time of the file in use)."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import NamedTuple

from yamlcheck.config.loader import CONFIG_NAMES, ConfigError, discover, load_config
from yamlcheck.core.settings import Config

WATCHED_NAMES = (*CONFIG_NAMES, "pyproject.toml")
WATCH_GLOBS = ("**/.yamlcheck.yaml", "**/.yamlcheck.yml", "**/pyproject.toml")
_LOCATED = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$")


class ConfigProblem(NamedTuple):
    """A config file that cannot be used: its path and located messages."""

    path: str
    lines: tuple[str, ...]

    def located(self) -> list[tuple[int, int, str]]:
        """(0-based line, 0-based column, message) for each message."""
        found = []
        for line in self.lines:
            match = _LOCATED.match(line)
            if match:
                found.append((int(match["line"]) - 1, int(match["column"]) - 1, match["message"]))
            else:
                message = line.split(": ", 1)[1] if ": " in line else line
                found.append((0, 0, message))
        return found


class _Entry(NamedTuple):
    path: Path | None  # the config file found for the folder
    stamp: float  # its modification time when read
    config: Config
    problem: ConfigProblem | None


def is_config_file(path: str) -> bool:
    return os.path.basename(path) in WATCHED_NAMES


class Configs:
    """The config of each folder holding an open document (thread-safe)."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def for_file(self, path: str) -> tuple[Config, ConfigProblem | None]:
        """The config governing ``path``; on a config error the defaults, with
        the problem to show."""
        folder = os.path.dirname(os.path.abspath(path))
        with self._lock:
            entry = self._entries.get(folder)
            if entry is not None and entry.path is not None and _stamp(entry.path) != entry.stamp:
                entry = None
            if entry is None:
                entry = self._read(folder)
                self._entries[folder] = entry
        return entry.config, entry.problem

    def forget(self) -> None:
        """Discover and read every config again on next use."""
        with self._lock:
            self._entries.clear()

    @staticmethod
    def _read(folder: str) -> _Entry:
        try:
            found = discover(Path(folder))
        except OSError:
            found = None
        if found is None:
            return _Entry(None, 0.0, Config(), None)
        stamp = _stamp(found)
        try:
            return _Entry(found, stamp, load_config(found), None)
        except ConfigError as exc:
            return _Entry(found, stamp, Config(), ConfigProblem(str(found), tuple(exc.lines)))


def _stamp(path: Path) -> float:
    try:
        return path.stat().st_mtime_ns / 1e9
    except OSError:
        return -1.0
