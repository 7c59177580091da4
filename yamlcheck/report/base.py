"""The run's outcome, and the small registry of output formats."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from yamlcheck.core.diagnostic import Diagnostic, Severity

if TYPE_CHECKING:
    from yamlcheck.engine import FileResult


class Report:
    """Everything a reporter may show."""

    def __init__(self, results: list[FileResult], fail_on: Severity | None = Severity.ERROR,
                 fixed: int = 0, remote: bool = False) -> None:
        self.results = results
        self.fail_on = fail_on
        self.fixed = fixed  # fixes applied with --fix
        self.remote = remote
        self._lines: dict[str, list[str]] = {}

    @property
    def files(self) -> list[str]:
        return [result.path for result in self.results]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = [d for result in self.results for d in result.diagnostics]
        return sorted(found, key=lambda d: d.sort_key)

    @property
    def images(self) -> list[Any]:
        return [image for result in self.results for image in result.images]

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    @property
    def failed(self) -> bool:
        threshold = self.fail_on
        return threshold is not None and any(d.severity >= threshold for d in self.diagnostics)

    def source_line(self, path: str, line: int) -> str | None:
        lines = self._lines.get(path)
        if lines is None:
            lines = next((r.source.text.split("\n") for r in self.results
                          if r.path == path and r.source is not None), [])
            self._lines[path] = lines
        return lines[line - 1].rstrip("\r") if 1 <= line <= len(lines) else None


class Reporter:
    """One output format.  Subclasses set ``name`` and implement ``render``."""

    name: ClassVar[str] = ""

    def __init__(self, color: bool = False, verbose: bool = False) -> None:
        self.color = color
        self.verbose = verbose

    def render(self, report: Report) -> str:
        raise NotImplementedError


REPORTERS: dict[str, type[Reporter]] = {}


def register(cls: type[Reporter]) -> type[Reporter]:
    REPORTERS[cls.name] = cls
    return cls


# Each format lives in its own module, imported only when it is used.
_MODULES = {"text": "text", "concise": "concise", "json": "json_format", "sarif": "sarif",
            "github": "github", "gitlab": "gitlab"}
FORMATS = tuple(_MODULES)


def get_reporter(name: str) -> type[Reporter]:
    import importlib

    importlib.import_module(f"yamlcheck.report.{_MODULES[name]}")
    return REPORTERS[name]
