"""A typed, tolerant view of a valohai.yaml document for the rules.

Every accessor copes with values of the wrong type (the schema stage reports
those), so a rule can read ``step.name`` without checking that the file is
valid first.  Positions come from the underlying PosMap / PosList.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

from yamlcheck.core.diagnostic import Span
from yamlcheck.document.shape import Item
from yamlcheck.document.tree import PosList, PosMap

_NO_SPAN: Span = (0, 0, 0, 1, 0, 1)


class Obj:
    """A mapping of the document, read tolerantly."""

    def __init__(self, data: Any, span: Span | None = None) -> None:
        self.data: PosMap | dict[str, Any] = data if isinstance(data, PosMap) else {}
        self._span = span or getattr(data, "span", _NO_SPAN)
        self._objects: dict[tuple[str, type[Obj] | None], list[Any]] = {}

    @property
    def span(self) -> Span:
        return self._span

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def has(self, key: str) -> bool:
        return key in self.data

    def str(self, key: str) -> str | None:
        value = self.data.get(key)
        return value if isinstance(value, str) else None

    def value_span(self, key: str) -> Span:
        data = self.data
        return data.value_span(key) if isinstance(data, PosMap) and key in data else self._span

    def key_span(self, key: str) -> Span:
        data = self.data
        return data.key_span(key) if isinstance(data, PosMap) and key in data else self._span

    def objects(self, key: str, kind: type[Obj] | None = None) -> list[Any]:
        """The mapping items of the list under ``key`` (others are skipped),
        made once per object: every rule reads the same wrappers."""
        found = self._objects.get((key, kind))
        if found is None:
            items = self.data.get(key)
            make = kind or Obj
            found = [make(value, items.item_span(i)) for i, value in enumerate(items)
                     if isinstance(value, PosMap)] if isinstance(items, PosList) else []
            self._objects[key, kind] = found
        return found

    def strings(self, key: str) -> list[tuple[str, Span]]:
        """A string or a list of strings under ``key``, with their spans."""
        value = self.data.get(key)
        if isinstance(value, str):
            return [(value, self.value_span(key))]
        if isinstance(value, PosList):
            return [(v, value.item_span(i)) for i, v in enumerate(value) if isinstance(v, str)]
        return []

    @property
    def name(self) -> str | None:
        return self.str("name")

    def called(self, kind: str) -> str:
        """``step 'train'`` for messages; ``step at line 3`` when the name is
        missing or not a string."""
        name = self.name
        return f"{kind} {name!r}" if name is not None else f"{kind} at line {self._span[0] + 1}"

    @property
    def name_span(self) -> Span:
        return self.value_span("name") if self.has("name") else self._span


class Parameter(Obj):
    @property
    def type(self) -> str:
        value = self.get("type", "string")
        return value if isinstance(value, str) else "string"


class Step(Obj):
    @cached_property
    def parameters(self) -> list[Parameter]:
        return self.objects("parameters", Parameter)

    @cached_property
    def inputs(self) -> list[Obj]:
        return self.objects("inputs")

    @cached_property
    def outputs(self) -> list[Obj]:
        return self.objects("outputs")

    @property
    def parameter_names(self) -> set[str]:
        return {p.name for p in self.parameters if p.name is not None}

    @property
    def input_names(self) -> set[str]:
        return {i.name for i in self.inputs if i.name is not None}

    def parameter(self, name: str) -> Parameter | None:
        found = None
        for parameter in self.parameters:  # the last definition wins, as in Valohai
            if parameter.name == name:
                found = parameter
        return found

    @property
    def commands(self) -> list[tuple[str, Span]]:
        return self.strings("command")


class Node(Obj):
    @property
    def type(self) -> str | None:
        return self.str("type")

    @cached_property
    def override(self) -> Obj | None:
        value = self.get("override")
        return Obj(value) if isinstance(value, PosMap) else None


class Edge:
    """One edge, from either the [source, target] or the mapping form."""

    def __init__(self, data: Any, span: Span) -> None:
        self.span = span
        self.source: str | None = None
        self.target: str | None = None
        self.source_span = self.target_span = span
        if isinstance(data, PosList):
            if len(data) >= 1 and isinstance(data[0], str):
                self.source, self.source_span = data[0], data.item_span(0)
            if len(data) >= 2 and isinstance(data[1], str):
                self.target, self.target_span = data[1], data.item_span(1)
        elif isinstance(data, PosMap):
            source, target = data.get("source"), data.get("target")
            if isinstance(source, str):
                self.source, self.source_span = source, data.value_span("source")
            if isinstance(target, str):
                self.target, self.target_span = target, data.value_span("target")

    def ends(self) -> Iterator[tuple[str, str, Span]]:
        """("source" | "target", specifier, span) for each end that is a string."""
        if self.source is not None:
            yield "source", self.source, self.source_span
        if self.target is not None:
            yield "target", self.target, self.target_span


class Pipeline(Obj):
    @cached_property
    def nodes(self) -> list[Node]:
        return self.objects("nodes", Node)

    @cached_property
    def node_map(self) -> dict[str, Node]:
        return {node.name: node for node in self.nodes if node.name is not None}

    @cached_property
    def edges(self) -> list[Edge]:
        edges = self.get("edges")
        if not isinstance(edges, PosList):
            return []
        return [Edge(value, edges.item_span(i)) for i, value in enumerate(edges)]

    @cached_property
    def parameters(self) -> list[Obj]:
        return self.objects("parameters")


class Endpoint(Obj):
    pass


class Task(Obj):
    pass


class Deployment(Obj):
    pass


_KINDS: dict[str, type[Obj]] = {
    "step": Step, "pipeline": Pipeline, "blueprint": Pipeline, "endpoint": Endpoint,
    "task": Task, "deployment": Deployment,
}


class Document:
    """All items of one file, grouped by kind."""

    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self.steps: list[Step] = []
        self.pipelines: list[Pipeline] = []
        self.endpoints: list[Endpoint] = []
        self.tasks: list[Task] = []
        self.deployments: list[Deployment] = []
        groups: dict[type[Obj], list[Any]] = {
            Step: self.steps, Pipeline: self.pipelines, Endpoint: self.endpoints,
            Task: self.tasks, Deployment: self.deployments,
        }
        self.objects: list[tuple[Item, Obj]] = []
        for item in items:
            cls = _KINDS[item.kind]
            obj = cls(item.value, item.key_span)
            self.objects.append((item, obj))
            groups[cls].append(obj)

    @cached_property
    def step_map(self) -> dict[str, Step]:
        return {s.name: s for s in self.steps if s.name is not None}

    @cached_property
    def task_map(self) -> dict[str, Task]:
        return {t.name: t for t in self.tasks if t.name is not None}

    @cached_property
    def endpoint_map(self) -> dict[str, Endpoint]:
        return {e.name: e for e in self.endpoints if e.name is not None}
