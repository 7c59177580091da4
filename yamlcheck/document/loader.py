"""Bytes in, a position-carrying value tree and the loading findings out.

Valohai loads valohai.yaml with ``yaml.safe_load`` (PyYAML's pure-Python
scanner) on the text decoded as UTF-8, and yamlcheck's verdict must be that
one.  libyaml, the fast parser, agrees with PyYAML except on:
- tabs: PyYAML allows them only inside quoted values, block scalars and
  comments; libyaml also between tokens in flow collections and after a
  value (``key:<TAB>value``, ``python<TAB>train.py``, ``x<TAB># note``);
- ``:`` inside a plain value in ``[...]`` or ``{...}`` (``[s3://a]``), which
  PyYAML accepts and libyaml 0.1.7 refuses;
- U+FEFF at the start of a line, which libyaml skips and PyYAML reads;
- a comment right after a block scalar indicator (``|#``), which PyYAML
  refuses;
- directives: libyaml reads ``%YAML 1.1#x`` and refuses ``%YAML 1.2`` and
  ``%FOO``, PyYAML the other way round;
- escaped surrogates (``"\\ud800"``), which libyaml refuses.
So the fast parser reads every text without those characters, and PyYAML's
parser reads the rest and every text libyaml refuses.  Either way the value
tree is built from the events of a parser that accepts the text, with its
positions.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.error import YAMLError as LibyamlError

from yamlcheck.core.diagnostic import Diagnostic
from yamlcheck.document.builder import Builder, Fatal
from yamlcheck.document.composer import fast_parser, pyyaml_parser
from yamlcheck.document.findings import YamlSyntaxError
from yamlcheck.document.reader import SourceText, decode
from yamlcheck.document.syntax import syntax_error

# Characters libyaml and PyYAML read differently (see the module docstring).
_DIFFERENT_CHARACTERS = ("\t", "\ufeff")


def needs_pyyaml(text: str) -> bool:
    """Whether libyaml could read ``text`` otherwise than PyYAML.  Plain
    substring searches: a regular expression would cost more than the parse
    on a large file."""
    if any(char in text for char in _DIFFERENT_CHARACTERS):
        return True
    if text.startswith("%") or "\n%" in text or "\r%" in text:  # a directive
        return True
    return _comment_after_block_indicator(text)


def _comment_after_block_indicator(text: str) -> bool:
    """``|#`` or ``>-#``: libyaml reads a comment there, PyYAML refuses it."""
    for indicator in "|>":
        index = text.find(indicator)
        while index >= 0:
            after = index + 1
            while after < len(text) and after - index <= 3 and text[after] in "-+0123456789":
                after += 1
            if text.startswith("#", after):
                return True
            index = text.find(indicator, index + 1)
    return False


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
    if not needs_pyyaml(text):
        builder = Builder(path, text)
        try:
            return _built(result, builder, builder.build(fast_parser(text)))
        except Fatal as exc:
            return _stopped(result, builder, exc)
        except LibyamlError:
            pass  # libyaml refuses more than PyYAML: ask PyYAML
    return _load_with_pyyaml(path, source, result)


def _load_with_pyyaml(path: str, source: SourceText, result: Loaded) -> Loaded:
    from yaml import YAMLError

    text = source.text
    builder = Builder(path, text)
    try:
        return _built(result, builder, builder.build(pyyaml_parser(text, bool(source.bom))))
    except Fatal as exc:
        return _stopped(result, builder, exc)
    except (YAMLError, ValueError) as exc:
        # What made loading fail before the syntax error stays reported:
        # PyYAML stops at whichever comes first.
        result.diagnostics.extend(d for d in builder.diagnostics if d.code == YamlSyntaxError.code)
        span, message = syntax_error(exc, text)
        result.diagnostics.append(YamlSyntaxError.at(path, span, message))
        return result


def _built(result: Loaded, builder: Builder, built: tuple[bool, Any]) -> Loaded:
    found, root = built
    result.root = root if found else None
    result.loaded = True
    result.diagnostics.extend(builder.diagnostics)
    return result


def _stopped(result: Loaded, builder: Builder, exc: Fatal) -> Loaded:
    result.diagnostics.extend(builder.diagnostics)
    result.diagnostics.append(exc.diagnostic)
    return result
