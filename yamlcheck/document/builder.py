"""Build PosMap / PosList / plain values straight from the parser's events.

Works as PyYAML's safe loader does (merge keys, last duplicate wins, aliases
share one object, a bare `=` key is the string "=") and reports what makes
``yaml.safe_load`` fail (undefined or duplicate anchors, unhashable keys,
unsafe tags, values a tag cannot convert, impossible dates) as VH001, and
what it silently accepts (duplicate keys) as VH002.  No node tree is kept
and nothing recurses.  A collection whose tag PyYAML cannot construct is
only reported where PyYAML constructs it: not as the value of a merge key
`<<` (nor as an item of a merge list), which PyYAML reads pair by pair.

Limits:
- Nesting depth: PyYAML composes nodes recursively, two Python frames per
  level, so with Python's default limit of 1000 frames no caller can load
  more than about 495 levels (less from deep inside a web server).  Deeper
  than MAX_DEPTH levels is VH001: Valohai cannot load the file.  Anything
  shallower is built; nothing downstream recurses per level.
- Alias expansion: PyYAML builds one object per anchor and shares it, so
  aliases cost it nothing; the cost is downstream.  yamlcheck's schema check
  and rules, and valohai-yaml's parser after PyYAML, walk the loaded value
  as a tree and visit a shared subtree once per alias that reaches it.  The
  measure is therefore the number of nodes such a walk visits beyond the
  document's own: every alias adds the expanded size of its target (nested
  aliases included).  The walk costs about 2 microseconds per node, so the
  budget of MAX_ALIAS_NODES keeps the worst case near the time of linting
  the largest file accepted (10 MiB), while real sharing is far below it:
  500 steps sharing one 60-parameter list (68 KB) expand to 210,000 nodes.
  A "billion laughs" document (nine levels of nine aliases, 387 million
  nodes) is stopped after the budget, in milliseconds, with VH005.  An alias
  inside the node it refers to would make every walk endless: VH005 too.
"""

from __future__ import annotations

from typing import Any

from yamlcheck.core.diagnostic import Diagnostic, Span
from yamlcheck.document import scalars, tags
from yamlcheck.document.findings import DocumentTooComplex, DuplicateKey, YamlSyntaxError
from yamlcheck.document.reader import EditorLines, irregular_line_breaks
from yamlcheck.document.tree import PosList, PosMap

MAX_DEPTH = 500
MAX_ALIAS_NODES = 5_000_000

_NO_KEY = object()
_COLLECTIONS = (PosMap, PosList)


class Fatal(Exception):
    """Loading must stop; carries the finding that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def event_span(start: Any, end: Any) -> Span:
    return (start.line, start.column, end.line, end.column, start.index, end.index)


class _Frame:
    """A mapping or sequence being filled."""

    __slots__ = ("anchor", "container", "items_failing", "key", "key_span", "merges", "opened",
                 "scalar", "size", "start", "tag", "value_key")

    def __init__(self, container: Any, start: Any, opened: Span, anchor: str | None,
                 tag: str | None) -> None:
        self.container = container
        self.start = start
        self.opened = opened  # the span of the opening (tag, anchor and bracket)
        self.anchor = anchor
        self.tag = tag  # a tag to check when the collection closes
        self.size = 1
        self.key: Any = _NO_KEY
        self.key_span: Span | None = None
        self.merges: list[tuple[Any, Span]] = []  # (value, its span)
        self.value_key = False  # the key just read is a bare `=`
        self.scalar: str | None = None  # the text under the first `=` key
        self.items_failing: list[tuple[Span, str]] = []  # problems of items, in a list


class Builder:
    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self._text = text
        self._end = len(text) if text else float("inf")  # where the text ends
        self._span = EditorLines(text).span if irregular_line_breaks(text) else event_span
        self.diagnostics: list[Diagnostic] = []
        self._anchors: dict[str, tuple[Any, int] | None] = {}  # None while being built
        self._expanded = 0
        self.stopped: Diagnostic | None = None  # the limit that stopped the build
        # id(collection) -> (collection, what PyYAML constructs of it, the
        # problems that make constructing it fail); see _use().
        self._constructed: dict[int, tuple[Any, Any, list[tuple[Span, str]]]] = {}

    def _report(self, rule: Any, span: Span, message: str) -> None:
        self.diagnostics.append(rule.at(self.path, span, message))

    # -- the event loop ----------------------------------------------------
    def build(self, parser: Any) -> tuple[bool, Any]:
        """(found a document, its value).  Raises the parser's errors, or
        Fatal: at once for nesting PyYAML cannot load, at the end for a limit
        that makes the tree unusable (so that the errors after it are found)."""
        built = self._build(parser.get_event)
        if self.stopped is not None:
            raise Fatal(self.stopped)
        return built

    def _build(self, get: Any) -> tuple[bool, Any]:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        while True:
            event = get()
            name = type(event).__name__
            if name == "ScalarEvent":
                value = self._scalar(event)
                span = self._span(event.start_mark, event.end_mark)
                if span[4] >= self._end:
                    span = self._end_span(span)
                if event.anchor is not None:
                    self._define(event.anchor, (value, 1), span)
                if stack:
                    self._attach(stack[-1], value, span, 1, event.value)
                else:
                    root = self._root_scalar(value, span)
            elif name in ("MappingStartEvent", "SequenceStartEvent"):
                if len(stack) >= MAX_DEPTH:
                    raise Fatal(YamlSyntaxError.at(
                        self.path, self._span(event.start_mark, event.end_mark),
                        f"nesting is deeper than {MAX_DEPTH} levels; Valohai's YAML loader "
                        "(PyYAML) fails on it with a recursion error"))
                stack.append(self._open(event, name == "MappingStartEvent"))
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                frame = stack.pop()
                value = frame.container
                value.span = span = self._span(frame.start, event.end_mark)
                self._close(frame)
                if frame.anchor is not None:
                    self._anchors[frame.anchor] = (value, frame.size)
                if stack:
                    self._attach(stack[-1], value, span, frame.size)
                else:
                    root = self._use(value)
            elif name == "AliasEvent":
                span = self._span(event.start_mark, event.end_mark)
                value, size = self._alias(event.anchor, span)
                if stack:
                    self._attach(stack[-1], value, span, size)
                else:
                    root = self._use(value)
            elif name == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    span = self._span(event.start_mark, event.end_mark)
                    self._report(YamlSyntaxError, span, "the file holds more than one YAML "
                                 "document ('---'); valohai.yaml must have one")
                    return True, root
            elif name == "StreamEndEvent":
                return documents > 0, root

    def _end_span(self, span: Span) -> Span:
        """An empty value at the end of the text: libyaml puts it on a line
        after the last one when the text does not end with a line break;
        PyYAML and editors at the end of the last line."""
        text = self._text
        line = text.count("\n")
        column = len(text) - (text.rfind("\n") + 1)
        return (line, column, line, column, span[4], span[5])

    def _root_scalar(self, value: Any, span: Span) -> Any:
        if value is _MergeKey or type(value) is _ValueScalar:
            text = "<<" if value is _MergeKey else value.text
            self._report(YamlSyntaxError, span,
                         f"a bare {text!r} cannot be loaded as a value; quote it ('{text}')")
            return text
        return value

    # -- collections -------------------------------------------------------
    def _open(self, event: Any, mapping: bool) -> _Frame:
        tag = event.tag
        span = self._span(event.start_mark, event.end_mark)
        container = PosMap(span) if mapping else PosList(span)
        if event.anchor is not None:
            self._define(event.anchor, None, span)
        allowed = tags.MAPPING_TAGS if mapping else tags.SEQUENCE_TAGS
        checked = tag if tag in tags.CHECKED_TAGS or (tag is not None and tag not in allowed) \
            else None
        return _Frame(container, event.start_mark, span, event.anchor, checked)

    def _attach(self, frame: _Frame, value: Any, span: Span, size: int,
                raw: str | None = None) -> None:
        """Put a value (a scalar's text in ``raw``) into the open collection."""
        frame.size += size
        container = frame.container
        if value is _MergeKey and (type(container) is PosList or frame.key is not _NO_KEY):
            self._report(YamlSyntaxError, span,
                         "a bare '<<' can only be a merge key; quote it ('<<')")
            value = "<<"
        if type(value) is _ValueScalar:
            if type(container) is PosList or frame.key is not _NO_KEY:
                self._report(YamlSyntaxError, span, f"a bare {value.text!r} cannot be loaded "
                             f"as a value; quote it ('{value.text}')")
            else:
                frame.value_key = True
            value = value.text
        elif frame.value_key and frame.key is not _NO_KEY:  # the value of a `=` key
            frame.value_key = False
            if frame.scalar is None:
                frame.scalar = raw if raw is not None else ""
        if type(container) is PosList:
            if self._constructed and type(value) in _COLLECTIONS:
                self._defer(frame, value)
            container.push(value, span)
            return
        if frame.key is _NO_KEY:  # this value is a key
            if raw is None and not _hashable(value):
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
            frame.merges.append((value, span))
            return
        if self._constructed and type(value) in _COLLECTIONS:
            value = self._use(value)
        if key in container:
            first = container.key_span(key)[0] + 1
            self._report(DuplicateKey, key_span, f"duplicate key {key!r} (first at line {first}); "
                         "YAML keeps only this last value")
        container.put(key, value, key_span, span)

    def _close(self, frame: _Frame) -> None:
        container = frame.container
        for value, value_span in frame.merges:
            sources = value if type(value) is PosList else [value]
            wrong = [i for i, source in enumerate(sources) if type(source) is not PosMap]
            if wrong:
                if type(value) is PosList:
                    value_span = value.item_span(wrong[0])
                self._report(YamlSyntaxError, value_span,
                             "the merge key '<<' needs a mapping or a list of mappings")
                continue
            for source in sources:
                for key, item in source.items():
                    if key not in container:
                        container.put(key, item, source.key_span(key), source.value_span(key))
        failing = frame.items_failing
        value: Any = container
        if frame.tag is not None:
            if frame.tag in (tags.LIST_TAGS if type(container) is PosList else tags.MAP_TAGS):
                value, problems = tags.constructed(container, frame.tag, frame.scalar,
                                                   frame.opened)
            else:
                value, problems = None, [(frame.opened, tags.unsafe(frame.tag))]
            failing = failing + problems
        if failing or value is not container:
            self._constructed[id(container)] = (container, value, failing)

    def _use(self, value: Any) -> Any:
        """What PyYAML constructs of a collection placed in the document
        (anywhere but under a merge key), reporting what makes that fail."""
        entry = self._constructed.get(id(value)) if self._constructed else None
        if entry is None or entry[0] is not value:
            return value
        _, constructed, failing = entry
        for span, message in failing:
            self._report(YamlSyntaxError, span, message)
        self._constructed[id(value)] = (value, constructed, [])
        return constructed

    def _defer(self, frame: _Frame, item: Any) -> None:
        """A list item is constructed only if the list is (not when the list
        is merged): its problems wait for the list's."""
        entry = self._constructed.get(id(item))
        if entry is not None and entry[0] is item:
            frame.items_failing.extend(entry[2])

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
            self._stop(span, f"the alias *{anchor} refers to a node that contains it")
            return None, 1
        value, size = target
        if self.stopped is not None:
            return None, 1
        self._expanded += size
        if self._expanded > MAX_ALIAS_NODES:
            self._stop(span, f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes (a 'billion "
                       "laughs' document?); linting stopped")
            return None, 1
        return value, size

    def _stop(self, span: Span, message: str) -> None:
        """Record the limit that makes the tree unusable; the build goes on
        without expanding aliases, so that later loading errors are found."""
        if self.stopped is None:
            self.stopped = DocumentTooComplex.at(self.path, span, message)

    # -- scalars -----------------------------------------------------------
    def _scalar(self, event: Any) -> Any:
        tag, text = event.tag, event.value
        if tag is None:
            tag = scalars.resolve_plain(text) if event.implicit[0] else scalars.STR
        elif tag == "!":  # PyYAML resolves it as if plain, quoted or not
            tag = scalars.resolve_plain(text)
        if tag in tags.SCALAR_TAGS:
            try:
                return tags.construct(tag, text)
            except scalars.ScalarTooLarge as exc:
                self._report(DocumentTooComplex, self._span(event.start_mark, event.end_mark),
                             f"{exc}: too long to print or compare (limit "
                             f"{scalars.MAX_INT_DIGITS} digits)")
            except ValueError as exc:
                self._report(YamlSyntaxError, self._span(event.start_mark, event.end_mark),
                             str(exc))
                if tag == scalars.TIMESTAMP:  # read on as the text it was meant to be
                    return text
            return None
        if tag == scalars.MERGE:
            return _MergeKey
        if tag == scalars.VALUE:
            return _ValueScalar(text)
        self._report(YamlSyntaxError, self._span(event.start_mark, event.end_mark),
                     tags.unsafe(tag))
        return None


class _ValueScalar:
    """A scalar tagged !!value (a bare `=`): PyYAML reads it as a string when
    it is a mapping key and fails on it anywhere else."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


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
