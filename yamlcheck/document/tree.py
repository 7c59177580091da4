"""Plain dicts and lists that remember where their keys and values stand."""

from __future__ import annotations

from collections.abc import Hashable

from yamlcheck.core.diagnostic import Span


class PosMap(dict):
    """A mapping loaded from YAML.  ``span`` is the whole mapping; ``key_span``
    and ``value_span`` give the place of one entry (after merges and aliases,
    the place where the value was written)."""

    __slots__ = ("_keys", "_values", "span")

    def __init__(self, span: Span) -> None:
        super().__init__()
        self.span = span
        self._keys: dict[Hashable, Span] = {}
        self._values: dict[Hashable, Span] = {}

    def put(self, key: Hashable, value: object, key_span: Span, value_span: Span) -> None:
        self[key] = value
        self._keys[key] = key_span
        self._values[key] = value_span

    def key_span(self, key: Hashable) -> Span:
        return self._keys.get(key, self.span)

    def value_span(self, key: Hashable) -> Span:
        return self._values.get(key, self.span)


class PosList(list):
    """A sequence loaded from YAML; ``item_span(i)`` is the place of item ``i``."""

    __slots__ = ("_items", "span")

    def __init__(self, span: Span) -> None:
        super().__init__()
        self.span = span
        self._items: list[Span] = []

    def push(self, value: object, span: Span) -> None:
        self.append(value)
        self._items.append(span)

    def item_span(self, index: int) -> Span:
        if 0 <= index < len(self._items):
            return self._items[index]
        return self.span


def span_at(root: object, path: tuple[object, ...] | list[object], *, key: bool = False) -> Span:
    """Walk ``path`` (keys and indexes) from ``root`` and return the innermost
    span found; with ``key=True`` the last step gives the key's span."""
    node = root
    span: Span = getattr(root, "span", (0, 0, 0, 1, 0, 1))
    for position, step in enumerate(path):
        last = position == len(path) - 1
        if isinstance(node, PosMap) and _has_key(node, step):
            span = node.key_span(step) if (key and last) else node.value_span(step)
            node = node[step]
        elif isinstance(node, PosList) and isinstance(step, int) and 0 <= step < len(node):
            span = node.item_span(step)
            node = node[step]
        else:
            break
    return span


def _has_key(node: PosMap, key: object) -> bool:
    try:
        return key in node
    except TypeError:
        return False
