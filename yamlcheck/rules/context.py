"""What a rule sees of one file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from yamlcheck.core.settings import Config
from yamlcheck.document.model import Document

T = TypeVar("T")


class LintContext:
    def __init__(self, path: str, text: str, root: Any, doc: Document, config: Config) -> None:
        self.path = path
        self.text = text
        self.root = root
        self.doc = doc
        self.config = config
        self.remote = False  # set when the registry checks ran
        self.repository = False  # set when the repository checks ran
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[LintContext], T]) -> T:
        """``compute(self)``, once per file: what several rules derive from the
        document (the image occurrences, for example) is computed only once."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        return self._memo[key]  # type: ignore[no-any-return]
