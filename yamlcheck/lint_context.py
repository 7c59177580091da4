"""What a rule sees of one file."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from yamlcheck.config.model import Config
from yamlcheck.document.model import Document

if TYPE_CHECKING:
    from yamlcheck.images.occurrences import ImageOccurrence


class LintContext:
    def __init__(self, path: str, text: str, root: Any, doc: Document, config: Config) -> None:
        self.path = path
        self.text = text
        self.root = root
        self.doc = doc
        self.config = config
        self.remote = False  # set when the registry checks ran

    @cached_property
    def images(self) -> list[ImageOccurrence]:
        """Every image the document names, in file order."""
        from yamlcheck.images.occurrences import collect

        return collect(self)
