"""Where each name of a document is defined and used: steps, tasks,
endpoints, pipeline nodes, and the parameters and inputs of each step.

Read from the engine's typed document of the last lint, with the engine's own
readings of edges and placeholders (yamlcheck.rules.edges and .placeholders),
so navigation sees names exactly as the rules do.
"""

from __future__ import annotations

from typing import NamedTuple

from yamlcheck.core.diagnostic import Span
from yamlcheck.document.model import Obj
from yamlcheck.rules.command_lines import command_sets
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.edges import all_ends

Key = tuple[str, ...]  # ("step", name), ("node", pipeline, name), ("parameter", step, name)...


class Occurrence(NamedTuple):
    key: Key
    start: int  # character offsets of the name itself (quotes left out)
    end: int
    definition: bool


def _inside_quotes(text: str, span: Span) -> tuple[int, int]:
    start, end = span[4], span[5]
    if end - start >= 2 and text[start] in "'\"" and text[end - 1] == text[start]:
        return start + 1, end - 1
    return start, end


class NameIndex:
    def __init__(self, ctx: LintContext) -> None:
        self.ctx = ctx
        self.text = ctx.text
        self.found: list[Occurrence] = []
        self._build()

    # -- queries -------------------------------------------------------------
    def at(self, offset: int) -> Occurrence | None:
        """The occurrence under a character offset (its end included)."""
        for occurrence in self.found:
            if occurrence.start <= offset <= occurrence.end:
                return occurrence
        return None

    def definitions(self, key: Key) -> list[Occurrence]:
        return [o for o in self.found if o.key == key and o.definition]

    def uses(self, key: Key, with_definitions: bool = True) -> list[Occurrence]:
        return [o for o in self.found if o.key == key and (with_definitions or not o.definition)]

    def names(self, kind: str, *scope: str) -> list[str]:
        """Defined names of a kind, in file order: ``names("step")``,
        ``names("parameter", "train")``."""
        seen: dict[str, None] = {}
        for occurrence in self.found:
            key = occurrence.key
            if occurrence.definition and key[0] == kind and key[1:-1] == scope:
                seen.setdefault(key[-1], None)
        return list(seen)

    # -- building ------------------------------------------------------------
    def _add(self, key: Key, span: Span, definition: bool) -> None:
        start, end = _inside_quotes(self.text, span)
        self.found.append(Occurrence(key, start, end, definition))

    def _name(self, kind: str, obj: Obj, *scope: str) -> None:
        if obj.name is not None:
            self._add((kind, *scope, obj.name), obj.name_span, True)

    def _reference(self, kind: str, obj: Obj, field: str, *scope: str) -> None:
        value = obj.str(field)
        if value is not None:
            self._add((kind, *scope, value), obj.value_span(field), False)

    def _build(self) -> None:
        doc = self.ctx.doc
        for step in doc.steps:
            self._name("step", step)
            if step.name is None:
                continue
            for parameter in step.parameters:
                self._name("parameter", parameter, step.name)
            for item in step.inputs:
                self._name("input", item, step.name)
        self._placeholders()
        for task in doc.tasks:
            self._name("task", task)
            self._reference("step", task, "step")
            step_name = task.str("step")
            if step_name is not None:
                for variant in task.objects("parameters"):
                    self._name_use("parameter", variant, step_name)
        for endpoint in doc.endpoints:
            self._name("endpoint", endpoint)
        self._pipelines()

    def _name_use(self, kind: str, obj: Obj, *scope: str) -> None:
        if obj.name is not None:
            self._add((kind, *scope, obj.name), obj.name_span, False)

    def _placeholders(self) -> None:
        """``{parameter:x}`` in the commands of steps and of node overrides."""
        for commands in command_sets(self.ctx):
            step = commands.step
            if step is None or step.name is None:
                continue
            for found in commands.found:
                if found.head not in ("parameter", "parameter-value") or not found.argument:
                    continue
                span = found.span
                if span[5] - span[4] != len(found.text):
                    continue  # not written literally (escapes, folded lines)
                start = span[4] + len(found.head) + 2
                self.found.append(Occurrence(("parameter", step.name, found.argument), start,
                                             start + len(found.argument), False))

    def _pipelines(self) -> None:
        doc = self.ctx.doc
        number = {id(pipeline): str(index) for index, pipeline in enumerate(doc.pipelines)}
        for pipeline in doc.pipelines:
            scope = number[id(pipeline)]
            for node in pipeline.nodes:
                self._name("node", node, scope)
                self._reference("step", node, "step")
                self._reference("task", node, "task")
                self._reference("endpoint", node, "endpoint")
                step_name = node.str("step")
                override = node.override
                if override is not None and step_name is not None:
                    for parameter in override.objects("parameters"):
                        self._name_use("parameter", parameter, step_name)
                    for item in override.objects("inputs"):
                        self._name_use("input", item, step_name)
        for end in all_ends(self.ctx):
            if end.socket is None:
                continue
            scope = number[id(end.pipeline)]
            start, stop = _inside_quotes(self.text, end.span)
            raw = self.text[start:stop]
            if raw != end.text:
                continue  # escapes or folding: no literal place for the parts
            socket = end.socket
            self.found.append(Occurrence(("node", scope, socket.node), start,
                                         start + len(socket.node), False))
            step_name = end.node.str("step") if end.node is not None else None
            if step_name is not None and socket.type in ("input", "parameter"):
                key_start = start + len(socket.node) + len(socket.type) + 2
                self.found.append(Occurrence((socket.type, step_name, socket.key), key_start,
                                             key_start + len(socket.key), False))
