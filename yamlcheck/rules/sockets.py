"""Edge ends and pipeline parameter targets: their form, node and type."""

from __future__ import annotations

from collections.abc import Iterator

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.core.suggest import did_you_mean
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.edges import all_ends, edge_ends
from yamlcheck.rules.syntax import EDGE_TYPES


class UnknownNode(DocumentRule):
    """
    ## What it does
    Reports an edge end, or a pipeline parameter target, that names a node the
    pipeline does not have.

    ## Why
    Valohai's validator refuses the pipeline ("edge target node ... does not
    exist", "the node ... does not exist").

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
          - {name: evaluate, type: execution, step: evaluate}
        edges:
          - [train.output.model.pkl, evaluation.input.model]
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

    code = "VH431"
    name = "unknown-node"
    severity = Severity.ERROR
    summary = "An edge or pipeline parameter names a node that does not exist"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for end in all_ends(ctx):
            if end.socket is not None and end.node is None:
                nodes = end.pipeline.node_map
                where = f"edge {end.role}" if end.edge else end.role
                yield self.at(ctx.path, end.span,
                              f"{end.pipeline.called('pipeline')}: {where} node "
                              f"{end.socket.node!r} does not exist"
                              f"{did_you_mean(end.socket.node, nodes)}")


class InvalidEdgeType(DocumentRule):
    """
    ## What it does
    Reports an edge socket type that is not one of `input`, `output`,
    `parameter`, `metadata`, `file`, `dependency`, `deployment` and
    `environment-variable`.

    Plurals of valid types (`outputs`, `inputs`, `parameters`) are VH439's.

    ## Why
    Valohai's validator refuses the pipeline (valohai-yaml's `Edge.lint`
    checks the type against these eight).

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
          - {name: evaluate, type: execution, step: evaluate}
        edges:
          - [train.outptu.model.pkl, evaluate.input.model]
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

    code = "VH432"
    name = "invalid-edge-type"
    severity = Severity.ERROR
    summary = "An edge socket type Valohai does not know"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for end in edge_ends(ctx):
            if (end.socket is not None and end.socket.type not in EDGE_TYPES
                    and singular(end.socket.type) is None):
                yield self.at(ctx.path, end.span,
                              f"{end.pipeline.called('pipeline')}: {end.role} type "
                              f"{end.socket.type!r} in {end.text!r} is not valid"
                              f"{did_you_mean(end.socket.type, sorted(EDGE_TYPES))}")


class MalformedSocket(DocumentRule):
    """
    ## What it does
    Reports an edge end or pipeline parameter target that is not of the form
    `node.type.key` (split at the first two dots, so keys may contain dots),
    and a `file` target whose key is not `endpoint.file`.

    ## Why
    Valohai refuses the whole file for an end that is not three parts; its
    parser stops at the first one ("Target specifier ... must have 3
    parts").  A `file` target whose key is not `endpoint.file` is VH463's.

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
          - {name: evaluate, type: execution, step: evaluate}
        edges:
          - [train.output.model.pkl, evaluate.model]
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

    code = "VH433"
    name = "malformed-socket"
    severity = Severity.ERROR
    summary = "An edge end or parameter target that is not node.type.key"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for end in all_ends(ctx):
            if end.socket is None:
                parts = len(end.text.split("."))
                where = f"edge {end.role}" if end.edge else end.role
                yield self.at(ctx.path, end.span,
                              f"{end.pipeline.called('pipeline')}: {where} {end.text!r} has "
                              f"{parts} part{'s' if parts != 1 else ''}; write node.type.key")


class PluralEdgeType(DocumentRule):
    """
    ## What it does
    Reports an edge socket type written in the plural: `outputs`, `inputs`,
    `parameters`, `files` instead of `output`, `input`, `parameter`, `file`.

    ## Why
    Valohai's validator (`vh lint`, valohai-yaml's `Edge.lint`) refuses the
    plural, while Valohai's web UI is reported to accept it for pipelines
    run from a commit (valohai-cli issue #354), and Valohai's own
    documentation and example pipelines use `outputs`.  `vh pipeline run`
    does not lint the file.  The singular works everywhere, so write it;
    a warning because the platform's acceptance is not documented.

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
          - {name: evaluate, type: execution, step: evaluate}
        edges:
          - [train.outputs.model.pkl, evaluate.input.model]
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

    code = "VH439"
    name = "plural-edge-type"
    severity = Severity.WARNING
    summary = "An edge type in the plural (outputs), which vh lint refuses"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for end in edge_ends(ctx):
            if end.socket is None or end.socket.type in EDGE_TYPES:
                continue
            single = singular(end.socket.type)
            if single is not None:
                yield self.at(ctx.path, end.span,
                              f"{end.pipeline.called('pipeline')}: {end.role} type "
                              f"{end.socket.type!r} in {end.text!r}: Valohai's validator (`vh "
                              "lint`) refuses the plural, while its web UI is reported to accept "
                              f"it for pipelines run from a commit; write {single!r}, which both "
                              "accept")


def singular(kind: str) -> str | None:
    """``outputs`` -> ``output``: the valid type a plural stands for, if any."""
    return kind[:-1] if kind.endswith("s") and kind[:-1] in EDGE_TYPES else None


RULES = (UnknownNode, InvalidEdgeType, MalformedSocket, PluralEdgeType)
