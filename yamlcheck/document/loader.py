"""Bytes in, a position-carrying value tree and the loading findings out."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.error import YAMLError

from yamlcheck.core.diagnostic import Diagnostic
from yamlcheck.document.builder import Builder, Fatal
from yamlcheck.document.composer import parser
from yamlcheck.document.findings import YamlSyntaxError
from yamlcheck.document.reader import SourceText, decode
from yamlcheck.document.syntax import syntax_error


class Loaded:
    def __init__(self, path: str, source: SourceText | None,
                 diagnostics: list[Diagnostic] | None = None) -> None:
        self.path = path
        self.source = source
        self.root: Any = None
        self.loaded = False  # True when ``root`` is the document (None for an empty file)
        self.diagnostics: list[Diagnostic] = diagnostics if diagnostics is not None else []

    @property
    def text(self) -> str:
        return self.source.text if self.source else ""


def load(path: str, data: bytes) -> Loaded:
    source, problems = decode(data, path)
    result = Loaded(path, source, diagnostics=problems)
    if source is None:
        return result
    return load_text(path, source, result)


def load_text(path: str, source: SourceText, result: Loaded | None = None) -> Loaded:
    result = result or Loaded(path, source)
    text = source.text
    builder = Builder(path)
    try:
        found, root = builder.build(parser(text))
    except Fatal as exc:
        builder.diagnostics.append(exc.diagnostic)
    except YAMLError as exc:
        span, message = syntax_error(exc, text)
        builder.diagnostics.append(YamlSyntaxError.at(path, span, message))
    else:
        result.root = root if found else None
        result.loaded = True
    result.diagnostics.extend(builder.diagnostics)
    return result
