"""Build PosMap / PosList / plain values straight from the parser's events.

Works as PyYAML's safe loader does (merge keys, last duplicate wins, aliases
share one object) and reports what it would silently accept or crash on:
duplicate keys, unhashable keys, unsafe tags, duplicate or undefined anchors.
No node tree is kept and nothing recurses, so nesting depth costs nothing
but a limit check, and aliases are expanded at most MAX_ALIAS_NODES nodes
beyond the document itself: a "billion laughs" file costs its own size.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from yamlcheck.core.diagnostic import Diagnostic, Span
from yamlcheck.document import scalars
from yamlcheck.document.findings import DocumentTooComplex, DuplicateKey, YamlSyntaxError
from yamlcheck.document.tree import PosList, PosMap

MAX_DEPTH = 100
MAX_ALIAS_NODES = 200_000

_SCALAR_TAGS = frozenset(
    (scalars.STR, scalars.INT, scalars.FLOAT, scalars.BOOL, scalars.NULL, scalars.TIMESTAMP)
)
_MAP_TAGS = frozenset((scalars.MAP, "tag:yaml.org,2002:set", "!"))
_SEQ_TAGS = frozenset((scalars.SEQ, "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs", "!"))
_NO_KEY = object()


class Fatal(Exception):
    """Loading must stop; carries the finding that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def event_span(start: Any, end: Any) -> Span:
    return (start.line, start.column, end.line, end.column, start.index, end.index)


def _describe_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


class _Frame:
    """A mapping or sequence being filled."""

    __slots__ = ("anchor", "container", "key", "key_span", "merges", "size", "start", "valid")

    def __init__(self, container: Any, start: Any, anchor: str | None, valid: bool) -> None:
        self.container = container
        self.start = start
        self.anchor = anchor
        self.size = 1
        self.key: Any = _NO_KEY
        self.key_span: Span | None = None
        self.merges: list[tuple[Any, Span]] = []
        self.valid = valid


class Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self._anchors: dict[str, tuple[Any, int] | None] = {}  # None while being built
        self._expanded = 0

    def _report(self, rule: Any, span: Span, message: str) -> None:
        self.diagnostics.append(rule.at(self.path, span, message))

    # -- the event loop ----------------------------------------------------
    def build(self, parser: Any) -> tuple[bool, Any]:
        """(found a document, its value).  Raises Fatal, or the parser's errors."""
        get = parser.get_event
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        while True:
            event = get()
            name = type(event).__name__
            if name == "ScalarEvent":
                value = self._scalar(event)
                span = event_span(event.start_mark, event.end_mark)
                if event.anchor is not None:
                    self._define(event.anchor, (value, 1), span)
                if stack:
                    self._attach(stack[-1], value, span, 1, is_scalar=True)
                else:
                    root = "<<" if value is _MergeKey else value
            elif name in ("MappingStartEvent", "SequenceStartEvent"):
                if len(stack) >= MAX_DEPTH:
                    raise Fatal(DocumentTooComplex.at(
                        self.path, event_span(event.start_mark, event.end_mark),
                        f"nesting is deeper than {MAX_DEPTH} levels; linting stopped"))
                stack.append(self._open(event, name == "MappingStartEvent"))
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                frame = stack.pop()
                value = self._close(frame)
                span = event_span(frame.start, event.end_mark)
                if isinstance(value, (PosMap, PosList)):
                    value.span = span
                if frame.anchor is not None:
                    self._anchors[frame.anchor] = (value, frame.size)
                if stack:
                    self._attach(stack[-1], value, span, frame.size)
                else:
                    root = value
            elif name == "AliasEvent":
                span = event_span(event.start_mark, event.end_mark)
                value, size = self._alias(event.anchor, span)
                if stack:
                    self._attach(stack[-1], value, span, size)
                else:
                    root = value
            elif name == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    span = event_span(event.start_mark, event.end_mark)
                    self._report(YamlSyntaxError, span, "the file holds more than one YAML "
                                 "document ('---'); valohai.yaml must have one")
                    return True, root
            elif name == "StreamEndEvent":
                return documents > 0, root

    # -- collections -------------------------------------------------------
    def _open(self, event: Any, mapping: bool) -> _Frame:
        tag = event.tag
        allowed = _MAP_TAGS if mapping else _SEQ_TAGS
        valid = tag is None or tag in allowed
        span = event_span(event.start_mark, event.end_mark)
        if not valid:
            self._unsafe_tag(tag, span)
        container = PosMap(span) if mapping else PosList(span)
        if event.anchor is not None:
            self._define(event.anchor, None, span)
        return _Frame(container, event.start_mark, event.anchor, valid)

    def _attach(self, frame: _Frame, value: Any, span: Span, size: int,
                is_scalar: bool = False) -> None:
        frame.size += size
        container = frame.container
        if value is _MergeKey and (type(container) is PosList or frame.key is not _NO_KEY):
            self._report(YamlSyntaxError, span,
                         "a bare '<<' can only be a merge key; quote it ('<<')")
            value = "<<"
        if type(container) is PosList:
            container.push(value, span)
            return
        if frame.key is _NO_KEY:  # this value is a key
            if not is_scalar and not _hashable(value):
                self._report(YamlSyntaxError, span, "a mapping key must be a plain value, not a "
                             "list or mapping (Valohai's loader rejects unhashable keys)")
                value = _Unusable
            frame.key, frame.key_span = value, span
            return
        key, key_span = frame.key, frame.key_span
        frame.key = _NO_KEY
        assert key_span is not None
        if key is _Unusable:
            return
        if key is _MergeKey:
            frame.merges.append((value, key_span))
            return
        if key in container:
            first = container.key_span(key)[0] + 1
            self._report(DuplicateKey, key_span, f"duplicate key {key!r} (first at line {first}); "
                         "YAML keeps only this last value")
        container.put(key, value, key_span, span)

    def _close(self, frame: _Frame) -> Any:
        if not frame.valid:
            return None
        container = frame.container
        for value, key_span in frame.merges:
            sources = value if isinstance(value, PosList) else [value]
            if not all(isinstance(source, PosMap) for source in sources):
                self._report(YamlSyntaxError, key_span,
                             "the merge key '<<' needs a mapping or a list of mappings")
                continue
            for source in sources:
                for key, item in source.items():
                    if key not in container:
                        container.put(key, item, source.key_span(key), source.value_span(key))
        return container

    # -- anchors and aliases -----------------------------------------------
    def _define(self, anchor: str, value: tuple[Any, int] | None, span: Span) -> None:
        if anchor in self._anchors:
            self._report(YamlSyntaxError, span, f"the anchor &{anchor} is already defined above")
        self._anchors[anchor] = value

    def _alias(self, anchor: str, span: Span) -> tuple[Any, int]:
        if anchor not in self._anchors:
            self._report(YamlSyntaxError, span,
                         f"the alias *{anchor} refers to an anchor that is not defined before it")
            return None, 1
        target = self._anchors[anchor]
        if target is None:
            raise Fatal(DocumentTooComplex.at(
                self.path, span, f"the alias *{anchor} refers to a node that contains it"))
        value, size = target
        self._expanded += size
        if self._expanded > MAX_ALIAS_NODES:
            raise Fatal(DocumentTooComplex.at(
                self.path, span,
                f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes (a 'billion laughs' "
                "document?); linting stopped"))
        return value, size

    # -- scalars -----------------------------------------------------------
    def _scalar(self, event: Any) -> Any:
        tag, text = event.tag, event.value
        if tag is None:
            tag = scalars.resolve_plain(text) if event.implicit[0] else scalars.STR
        elif tag == "!":
            return text
        if tag in _SCALAR_TAGS:
            try:
                return scalars.construct(tag, text)
            except scalars.ScalarTooLarge as exc:
                self._report(DocumentTooComplex, event_span(event.start_mark, event.end_mark),
                             f"{exc}: too long to convert (limit {scalars.MAX_INT_DIGITS})")
            except ValueError:
                self._report(YamlSyntaxError, event_span(event.start_mark, event.end_mark),
                             f"{text!r} cannot be converted to {_describe_tag(tag)}")
            return None
        if tag == scalars.MERGE:
            return _MergeKey
        if tag == scalars.BINARY:
            try:
                return base64.b64decode(text.encode("ascii"), validate=False)
            except (binascii.Error, UnicodeEncodeError):
                self._report(YamlSyntaxError, event_span(event.start_mark, event.end_mark),
                             "invalid !!binary (base64) value")
                return None
        if tag == scalars.VALUE:
            self._report(YamlSyntaxError, event_span(event.start_mark, event.end_mark),
                         f"a bare {text!r} cannot be loaded as a value; quote it ('{text}')")
            return text
        self._unsafe_tag(tag, event_span(event.start_mark, event.end_mark))
        return None

    def _unsafe_tag(self, tag: str, span: Span) -> None:
        self._report(YamlSyntaxError, span,
                     f"tag {_describe_tag(tag)!r} is not loaded by a safe YAML loader "
                     "(Valohai rejects the file); remove the tag")


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_MergeKey = _Marker("'<<'")
_Unusable = _Marker("<unusable key>")


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
