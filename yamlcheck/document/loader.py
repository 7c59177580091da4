"""Bytes in, a position-carrying value tree and the loading findings out."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.error import YAMLError

from yamlcheck.diagnostic import Diagnostic
from yamlcheck.document.builder import Builder, Fatal
from yamlcheck.document.composer import MAX_DEPTH, TooDeep, compose
from yamlcheck.document.findings import DocumentTooComplex, YamlSyntaxError
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
    try:
        node = compose(text)
    except TooDeep as exc:
        span = (exc.line, exc.column, exc.line, exc.column + 1, exc.index, exc.index + 1)
        result.diagnostics.append(DocumentTooComplex.at(
            path, span, f"nesting is deeper than {MAX_DEPTH} levels; linting stopped"
        ))
        return result
    except YAMLError as exc:
        span, message = syntax_error(exc, text)
        result.diagnostics.append(YamlSyntaxError.at(path, span, message))
        return result
    except RecursionError:  # only the pure-Python composer recurses in Python
        result.diagnostics.append(DocumentTooComplex.at(
            path, (0, 0, 0, 1, 0, 1), "nesting is too deep to load"
        ))
        return result
    if node is None:
        result.loaded = True
        return result
    builder = Builder(path)
    try:
        result.root = builder.build(node)
        result.loaded = True
    except Fatal as exc:
        builder.diagnostics.append(exc.diagnostic)
    result.diagnostics.extend(builder.diagnostics)
    return result
