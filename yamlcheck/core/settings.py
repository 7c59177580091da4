"""The settings a run works with, from the config file and the command line."""

from __future__ import annotations

import fnmatch
import os
from functools import lru_cache
from typing import NamedTuple

from yamlcheck.core.diagnostic import Severity


def _matches(code: str, prefixes: tuple[str, ...]) -> int:
    """Length of the longest prefix that matches ``code`` (0 for none)."""
    return max((len(p) for p in prefixes if code.startswith(p)), default=0)


@lru_cache(maxsize=256)
def _relative(path: str, anchor: str) -> tuple[str | None, str]:
    """``path`` relative to the folder ``anchor`` ('/'-separated; None when it
    lies outside), and its file name.  Without an anchor, the path as given."""
    name = os.path.basename(path)
    if not anchor:
        relative = path.replace("\\", "/")
        return (relative[2:] if relative.startswith("./") else relative), name
    try:
        relative = os.path.relpath(os.path.realpath(path), anchor).replace(os.sep, "/")
    except ValueError:  # another drive
        return None, name
    return (None if relative == ".." or relative.startswith("../") else relative), name


def glob_matches(pattern: str, path: str, anchor: str = "") -> bool:
    """ruff's per-file-ignores matching: a pattern with a '/' is anchored at
    ``anchor`` (the config file's folder), one without matches the file name.
    ``*`` also matches '/'; a leading ``**/`` also matches no folder."""
    relative, name = _relative(os.path.abspath(path) if anchor else path, anchor)
    pattern = pattern[2:] if pattern.startswith("./") else pattern
    if "/" not in pattern:
        return fnmatch.fnmatch(name, pattern)
    if relative is None:
        return False
    return fnmatch.fnmatch(relative, pattern) or (
        pattern.startswith("**/") and fnmatch.fnmatch(relative, pattern[3:]))


class RuleSelection(NamedTuple):
    """select/ignore by code prefix; the more specific prefix wins, ignore on a tie.

    Rules that are off by default (``VH206``) need a selector more specific
    than the catch-all ``VH``."""

    select: tuple[str, ...] = ("VH",)
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = {}  # noqa: RUF012  (never mutated)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    anchor: str = ""  # the folder per-file-ignores globs start from: the config file's

    def enabled(self, code: str, default_enabled: bool = True, path: str = "") -> bool:
        selected = _matches(code, self.select)
        if not selected or (not default_enabled and selected <= 2):
            return False
        if selected <= _matches(code, self.ignore):
            return False
        return not (path and self.ignored_for_file(code, path))

    def ignored_for_file(self, code: str, path: str) -> bool:
        return any(_matches(code, codes) and glob_matches(pattern, path, self.anchor)
                   for pattern, codes in self.per_file_ignores)

    def severity_of(self, code: str, default: Severity) -> Severity:
        return self.severity.get(code, default)


class Options(dict):  # type: ignore[type-arg]
    """A registry entry's options; hashable so that entries can key a cache."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted((str(k), repr(v)) for k, v in self.items())))


class RegistryEntry(NamedTuple):
    """One entry of ``registries``: a match pattern and how to get credentials."""

    match: str
    type: str
    options: dict[str, object]
    line: int = 0


class HostSettings(NamedTuple):
    ca_bundle: str | None = None
    endpoint: str | None = None
    insecure_http: bool = False


class Config(NamedTuple):
    path: str | None = None  # the file it came from, if any
    registries: tuple[RegistryEntry, ...] = ()
    registry_hosts: dict[str, HostSettings] = {}  # noqa: RUF012  (never mutated)
    platform: str = "linux/amd64"
    rules: RuleSelection = RuleSelection()
