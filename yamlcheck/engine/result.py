"""What linting one file produces."""

from __future__ import annotations

from typing import Any

from yamlcheck.core.diagnostic import Diagnostic, Fix
from yamlcheck.document.reader import SourceText
from yamlcheck.rules.context import LintContext


class FileResult:
    """One file's findings and images."""

    __slots__ = ("context", "diagnostics", "fixes", "images", "path", "source")

    def __init__(self, path: str, source: SourceText | None,
                 diagnostics: list[Diagnostic] | None = None,
                 context: LintContext | None = None) -> None:
        self.path = path
        self.source = source
        self.diagnostics: list[Diagnostic] = diagnostics if diagnostics is not None else []
        self.images: list[Any] = []
        self.context = context
        self.fixes: list[Fix] = []  # fixes not tied to a finding (pinned digests)
