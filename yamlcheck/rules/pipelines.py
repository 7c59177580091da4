"""Pipeline structure: node names, cycles, node actions."""

from __future__ import annotations

from collections.abc import Iterator

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.core.suggest import did_you_mean
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.edges import complete_edges


class DuplicateNodeName(DocumentRule):
    """
    ## What it does
    Reports two nodes of one pipeline with the same name.

    ## Why
    Edges address nodes by name; Valohai's validator refuses the pipeline
    ("... has 2 nodes with the same name ...").

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - step:
        name: evaluate
        image: docker.io/library/python:3.12
        command: python evaluate.py
        inputs: [{name: model}]
    - pipeline:
        name: flow
        nodes:
          - {name: train, type: execution, step: train}
          - {name: train, type: execution, step: evaluate}
        edges: []
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - step:
        name: evaluate
        image: docker.io/library/python:3.12
        command: python evaluate.py
        inputs: [{name: model}]
    - pipeline:
        name: flow
        nodes:
          - {name: train, type: execution, step: train}
          - {name: evaluate, type: execution, step: evaluate}
        edges:
          - [train.output.model.pkl, evaluate.input.model]
    ```
    """

    code = "VH430"
    name = "duplicate-node-name"
    severity = Severity.ERROR
    summary = "Two nodes of a pipeline share a name"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for pipeline in ctx.doc.pipelines:
            seen: dict[str, int] = {}
            for node in pipeline.nodes:
                if node.name is None:
                    continue
                if node.name in seen:
                    yield self.at(ctx.path, node.name_span,
                                  f"{pipeline.called('pipeline')}: node name {node.name!r} is "
                                  f"already used at line {seen[node.name]}")
                else:
                    seen[node.name] = node.name_span[0] + 1


class PipelineCycle(DocumentRule):
    """
    ## What it does
    Reports an edge from a node to itself and edges that form a cycle.

    ## Why
    Valohai describes a pipeline as a directed graph whose nodes start when
    all their requirements are met, so a node in a cycle waits for itself.
    Valohai's validator does not check cycles and the platform's handling is
    not documented (an archived documentation example even holds a
    parameter self-edge), so this is a warning.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        inputs: [{name: report, optional: true}]
    - step:
        name: evaluate
        image: docker.io/library/python:3.12
        command: python evaluate.py
        inputs: [{name: model}]
    - pipeline:
        name: flow
        nodes:
          - {name: train, type: execution, step: train}
          - {name: evaluate, type: execution, step: evaluate}
        edges:
          - [train.output.model.pkl, evaluate.input.model]
          - [evaluate.output.report.json, train.input.report]
    ```

    ## Use instead
    Edges in one direction only (split the work into a further node if a
    later result must feed an earlier step):
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - step:
        name: evaluate
        image: docker.io/library/python:3.12
        command: python evaluate.py
        inputs: [{name: model}]
    - pipeline:
        name: flow
        nodes:
          - {name: train, type: execution, step: train}
          - {name: evaluate, type: execution, step: evaluate}
        edges:
          - [train.output.model.pkl, evaluate.input.model]
    ```
    """

    code = "VH436"
    name = "pipeline-cycle"
    severity = Severity.WARNING
    summary = "Edges form a cycle, or an edge joins a node to itself"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        graphs: dict[int, dict[str, set[str]]] = {}
        firsts: dict[int, list[tuple[str, str, object]]] = {}
        for pipeline, _, source, target in complete_edges(ctx):
            assert source.socket and target.socket
            a, b = source.socket.node, target.socket.node
            if a == b:
                yield self.at(ctx.path, target.span,
                              f"{pipeline.called('pipeline')}: edge from node {a!r} to itself")
                continue
            graphs.setdefault(id(pipeline), {}).setdefault(a, set()).add(b)
            firsts.setdefault(id(pipeline), []).append((a, b, (pipeline, target.span)))
        for key, graph in graphs.items():
            reported: set[frozenset[str]] = set()
            for a, b, where in firsts[key]:
                path = _path(graph, b, a)
                if path is None:
                    continue
                members = frozenset(path)
                if members in reported:
                    continue
                reported.add(members)
                pipeline, span = where  # type: ignore[misc]
                chain = " -> ".join([a, *path])
                yield self.at(ctx.path, span,
                              f"{pipeline.called('pipeline')}: edges form a cycle: {chain}")


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """Nodes from ``start`` to ``goal`` following edges (breadth first), or None."""
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        if node == goal:
            path = []
            cursor: str | None = node
            while cursor is not None:
                path.append(cursor)
                cursor = previous[cursor]
            return path[::-1]
        for following in sorted(graph.get(node, ())):
            if following not in previous:
                previous[following] = node
                queue.append(following)
    return None


class ActionNotWellKnown(DocumentRule):
    """
    ## What it does
    Reports a node action whose `when` is not `node-starting`,
    `node-complete` or `node-error`, or whose `then` is not `stop-pipeline`,
    `error-pipeline`, `noop` or `require-approval`.

    ## Why
    An action whose `when` Valohai does not know might never trigger, and
    one whose `then` it does not know might do nothing; Valohai's validator
    warns too.  `require-approval` is accepted: Valohai's own example
    pipelines use it, though valohai-yaml's list of known values lacks it.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - pipeline:
        name: flow
        nodes:
          - name: train
            type: execution
            step: train
            actions:
              - {when: node-completed, if: metadata.accuracy < 0.8, then: stop-pipeline}
        edges: []
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - pipeline:
        name: flow
        nodes:
          - name: train
            type: execution
            step: train
            actions:
              - {when: node-complete, if: metadata.accuracy < 0.8, then: stop-pipeline}
        edges: []
    ```
    """

    code = "VH438"
    name = "action-not-well-known"
    severity = Severity.WARNING
    summary = "A node action's when/then value Valohai does not know"

    WHEN = ("node-starting", "node-complete", "node-error")
    THEN = ("stop-pipeline", "error-pipeline", "noop", "require-approval")

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for pipeline in ctx.doc.pipelines:
            for node in pipeline.nodes:
                for action in node.objects("actions"):
                    for key, known, effect in (("when", self.WHEN, "might never trigger"),
                                               ("then", self.THEN, "might do nothing")):
                        for value, span in action.strings(key):
                            # Valohai lower-cases `when` values (not `then`) before use
                            if (value.lower() if key == "when" else value) not in known:
                                yield self.at(ctx.path, span,
                                              f"{pipeline.called('pipeline')} {node.called('node')}: "
                                              f"action `{key}` {value!r} is not "
                                              f"well known, so the action {effect}"
                                              f"{did_you_mean(value, known)}")


RULES = (DuplicateNodeName, PipelineCycle, ActionNotWellKnown)
