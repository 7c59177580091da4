"""Compose YAML text into a node tree with ruamel.yaml's C composer.

The C composer recurses once per nesting level, so a hostile file with tens
of thousands of nested brackets would overflow the C stack.  A cheap upper
bound on the depth is computed first; only when it is high is the event
stream walked to measure the real depth before composing.
"""

from __future__ import annotations

from typing import Any

from yamlcheck.document import scalars

MAX_DEPTH = 100
# The C composer recursed 20,000 levels deep without trouble on an 8 MiB stack
# and crashed at 30,000; below this bound no scan is needed.
_SAFE_BOUND = 5000

try:  # the C composer (ruamel.yaml.clib); a pure-Python fallback below
    from _ruamel_yaml import CParser as _CParser
except ImportError:  # pragma: no cover - exercised only without the C extension
    _CParser = None

_SCALAR = "ScalarNode"


def _tags() -> dict[str, Any]:
    """One shared Tag object per resolved tag: ruamel.yaml's nodes wrap a plain
    string in a new Tag each time, and decoding those again is costly."""
    from ruamel.yaml.tag import Tag

    names = (scalars.STR, scalars.INT, scalars.FLOAT, scalars.BOOL, scalars.NULL,
             scalars.TIMESTAMP, scalars.MERGE, scalars.VALUE, scalars.SEQ, scalars.MAP)
    return {name: Tag(suffix=name) for name in names}


_TAGS = _tags()
_STR, _SEQ, _MAP = _TAGS[scalars.STR], _TAGS[scalars.SEQ], _TAGS[scalars.MAP]


def _resolve(kind: type, value: str | None, implicit: Any) -> Any:
    name = kind.__name__
    if name == _SCALAR:
        if implicit and implicit[0]:
            return _TAGS[scalars.resolve_plain(value or "")]
        return _STR
    return _SEQ if name == "SequenceNode" else _MAP


def tag_of(node: Any) -> str:
    """A node's tag as a string, without ruamel.yaml's per-access decoding."""
    ctag = node.ctag
    if ctag is None:
        return ""
    suffix = ctag.suffix
    if ctag.handle is None and isinstance(suffix, str) and "%" not in suffix:
        return suffix
    return str(node.tag)


if _CParser is not None:

    class _Parser(_CParser):  # type: ignore[misc, valid-type]
        """The C parser with YAML 1.1 resolution, as PyYAML's safe loader does it."""

        def resolve(self, kind: type, value: str | None, implicit: Any) -> Any:
            return _resolve(kind, value, implicit)

        def descend_resolver(self, *args: object) -> None:
            return None

        def ascend_resolver(self, *args: object) -> None:
            return None


class TooDeep(Exception):
    """Nesting deeper than MAX_DEPTH, with the 0-based position where it happened."""

    def __init__(self, line: int, column: int, index: int) -> None:
        super().__init__(line, column)
        self.line, self.column, self.index = line, column, index


def depth_bound(text: str) -> int:
    """An upper bound on the nesting depth: block nesting needs a deeper
    column (or two characters of a compact ``- -``) per level, flow nesting a
    bracket per level."""
    longest = max(map(len, text.split("\n"))) if text else 0
    return 2 * longest + 2 + text.count("[") + text.count("{")


def _measure_depth(text: str) -> None:
    parser = _Parser(text)
    depth = 0
    while True:
        event = parser.get_event()
        kind = type(event).__name__
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise TooDeep(mark.line, mark.column, mark.index)
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            depth -= 1
        elif kind == "StreamEndEvent":
            return


def compose(text: str) -> Any:
    """The root node of the single document in ``text`` (None when empty).

    Raises ruamel.yaml's YAMLError subclasses on syntax errors and TooDeep.
    """
    if _CParser is None:  # pragma: no cover
        return _compose_pure(text)
    if depth_bound(text) > _SAFE_BOUND:
        _measure_depth(text)
    return _Parser(text).get_single_node()


def _compose_pure(text: str) -> Any:  # pragma: no cover - no C extension here
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.resolver import BaseResolver

    class _Resolver(BaseResolver):
        def resolve(self, kind: type, value: str | None, implicit: Any) -> Any:
            return _resolve(kind, value, implicit)

    yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = _Resolver
    return yaml.compose(io.StringIO(text))
