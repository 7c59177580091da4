"""Turn composed YAML nodes into PosMap / PosList / plain values.

Works as PyYAML's safe constructor does (merge keys, last duplicate wins,
aliases share one object) and reports what it would silently accept or crash
on: duplicate keys, unhashable keys, unsafe tags.  Aliases are expanded at
most MAX_ALIAS_NODES nodes beyond the document itself, so a "billion laughs"
file costs no more than its own size.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from yamlcheck.diagnostic import Diagnostic, Span
from yamlcheck.document import scalars
from yamlcheck.document.composer import MAX_DEPTH, tag_of
from yamlcheck.document.findings import DocumentTooComplex, DuplicateKey, YamlSyntaxError
from yamlcheck.document.tree import PosList, PosMap

MAX_ALIAS_NODES = 200_000

_SCALAR_TAGS = frozenset(
    (scalars.STR, scalars.INT, scalars.FLOAT, scalars.BOOL, scalars.NULL, scalars.TIMESTAMP)
)
_MAP_TAGS = frozenset((scalars.MAP, "tag:yaml.org,2002:set"))
_SEQ_TAGS = frozenset((scalars.SEQ, "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs"))


class Fatal(Exception):
    """Loading must stop; carries the finding that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def node_span(node: Any) -> Span:
    start, end = node.start_mark, node.end_mark
    return (start.line, start.column, end.line, end.column, start.index, end.index)


def _describe_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


class Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self._memo: dict[int, Any] = {}
        self._size: dict[int, int] = {}
        self._building: set[int] = set()
        self._expanded = 0

    # -- entry point -------------------------------------------------------
    def build(self, node: Any, depth: int = 0, use: Span | None = None) -> Any:
        key = id(node)
        if key in self._memo:
            return self._reuse(node, use)
        if key in self._building:
            raise Fatal(DocumentTooComplex.at(
                self.path, use or node_span(node), "an alias refers to a node that contains it"
            ))
        if depth > MAX_DEPTH:
            raise Fatal(DocumentTooComplex.at(
                self.path, node_span(node), f"nesting is deeper than {MAX_DEPTH} levels"
            ))
        kind = type(node).__name__
        self._building.add(key)
        try:
            if kind == "MappingNode":
                value, size = self._mapping(node, depth)
            elif kind == "SequenceNode":
                value, size = self._sequence(node, depth)
            else:
                value, size = self._scalar(node), 1
        finally:
            self._building.discard(key)
        self._memo[key] = value
        self._size[key] = size
        return value

    def _reuse(self, node: Any, use: Span | None) -> Any:
        self._expanded += self._size[id(node)]
        if self._expanded > MAX_ALIAS_NODES:
            raise Fatal(DocumentTooComplex.at(
                self.path,
                use or node_span(node),
                f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes (a 'billion laughs' "
                "document?); linting stopped",
            ))
        return self._memo[id(node)]

    # -- collections -------------------------------------------------------
    def _check_tag(self, node: Any, allowed: frozenset[str]) -> bool:
        if tag_of(node) in allowed:
            return True
        self._unsafe_tag(node)
        return False

    def _mapping(self, node: Any, depth: int) -> tuple[Any, int]:
        if not self._check_tag(node, _MAP_TAGS):
            return None, 1
        result = PosMap(node_span(node))
        size = 1
        merges: list[tuple[Any, Span]] = []
        for key_node, value_node in node.value:
            key_span = node_span(key_node)
            if type(key_node).__name__ == "ScalarNode" and tag_of(key_node) == scalars.MERGE:
                merges.append((value_node, key_span))
                continue
            if type(key_node).__name__ != "ScalarNode":
                self._report(YamlSyntaxError, key_span, "a mapping key must be a plain value, "
                             "not a list or mapping (Valohai's loader rejects unhashable keys)")
                continue
            key = self._scalar(key_node)
            value = self.build(value_node, depth + 1, key_span)
            size += 1 + self._size.get(id(value_node), 1)
            if key in result:
                first = result.key_span(key)[0] + 1
                self._report(DuplicateKey, key_span,
                             f"duplicate key {key!r} (first at line {first}); YAML keeps only "
                             "this last value")
            result.put(key, value, key_span, node_span(value_node))
        for value_node, key_span in merges:
            size += self._merge(result, value_node, key_span, depth)
        return result, size

    def _merge(self, result: PosMap, value_node: Any, key_span: Span, depth: int) -> int:
        merged = self.build(value_node, depth + 1, key_span)
        sources = merged if isinstance(merged, PosList) else [merged]
        if not all(isinstance(source, PosMap) for source in sources):
            self._report(YamlSyntaxError, key_span,
                         "the merge key '<<' needs a mapping or a list of mappings")
            return 1
        for source in sources:
            for key, value in source.items():
                if key not in result:
                    result.put(key, value, source.key_span(key), source.value_span(key))
        return self._size.get(id(value_node), 1)

    def _sequence(self, node: Any, depth: int) -> tuple[Any, int]:
        if not self._check_tag(node, _SEQ_TAGS):
            return None, 1
        result = PosList(node_span(node))
        size = 1
        for item in node.value:
            span = node_span(item)
            result.push(self.build(item, depth + 1, span), span)
            size += self._size.get(id(item), 1)
        return result, size

    # -- scalars -----------------------------------------------------------
    def _scalar(self, node: Any) -> Any:
        tag, text = tag_of(node), node.value
        if tag in _SCALAR_TAGS:
            try:
                return scalars.construct(tag, text)
            except scalars.ScalarTooLarge as exc:
                self._report(DocumentTooComplex, node_span(node),
                             f"{exc}: too long to convert (limit {scalars.MAX_INT_DIGITS})")
            except ValueError:
                self._report(YamlSyntaxError, node_span(node),
                             f"{text!r} cannot be converted to {_describe_tag(tag)}")
            return None
        if tag == "!":
            return text
        if tag == scalars.BINARY:
            try:
                return base64.b64decode(text.encode("ascii"), validate=False)
            except (binascii.Error, UnicodeEncodeError):
                self._report(YamlSyntaxError, node_span(node), "invalid !!binary (base64) value")
                return None
        if tag in (scalars.MERGE, scalars.VALUE):
            self._report(YamlSyntaxError, node_span(node),
                         f"a bare {text!r} cannot be loaded as a value; quote it ('{text}')")
            return text
        self._unsafe_tag(node)
        return None

    def _unsafe_tag(self, node: Any) -> None:
        self._report(
            YamlSyntaxError,
            node_span(node),
            f"tag {_describe_tag(tag_of(node))!r} is not loaded by a safe YAML loader "
            "(Valohai rejects the file); remove the tag",
        )

    def _report(self, rule: Any, span: Span, message: str) -> None:
        self.diagnostics.append(rule.at(self.path, span, message))
