"""The settings a run works with, from the config file and the command line."""

from __future__ import annotations

import fnmatch
from pathlib import PurePosixPath
from typing import NamedTuple

from yamlcheck.core.diagnostic import Severity


def _matches(code: str, prefixes: tuple[str, ...]) -> int:
    """Length of the longest prefix that matches ``code`` (0 for none)."""
    return max((len(p) for p in prefixes if code.startswith(p)), default=0)


class RuleSelection(NamedTuple):
    """select/ignore by code prefix; the more specific prefix wins, ignore on a tie.

    Rules that are off by default (``VH206``) need a selector more specific
    than the catch-all ``VH``."""

    select: tuple[str, ...] = ("VH",)
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = {}  # noqa: RUF012  (never mutated)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def enabled(self, code: str, default_enabled: bool = True, path: str = "") -> bool:
        selected = _matches(code, self.select)
        if not selected or (not default_enabled and selected <= 2):
            return False
        if selected <= _matches(code, self.ignore):
            return False
        return not (path and self.ignored_for_file(code, path))

    def ignored_for_file(self, code: str, path: str) -> bool:
        posix = PurePosixPath(path.replace("\\", "/"))
        for pattern, codes in self.per_file_ignores:
            if (fnmatch.fnmatch(str(posix), pattern) or posix.match(pattern)
                    or fnmatch.fnmatch(posix.name, pattern)) and _matches(code, codes):
                return True
        return False

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
