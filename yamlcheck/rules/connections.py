"""What an edge connects: keys the node's step defines, types that go
together, and the outputs a step declares."""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.core.suggest import did_you_mean
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.edges import End, all_ends, complete_edges, edge_ends
from yamlcheck.rules.references import node_step
from yamlcheck.rules.syntax import COMPATIBLE, EDGE_TYPES


class UnknownSocketKey(DocumentRule):
    """
    ## What it does
    Reports an edge into an input or parameter that the node's step does not
    define, an edge out of a parameter the step does not define, a
    `deployment` source other than `id` or `version_id`, and a pipeline
    parameter that targets a parameter the step does not define.  Nodes that
    take their step from another `commit` are not checked, and neither are
    `metadata` keys: the running code prints them, so only the execution
    knows them.  Output keys are VH437's.

    A pipeline parameter targeting an execution node's missing parameter is
    VH442's (Valohai's validator refuses that).

    ## Why
    The value probably goes nowhere.  Valohai's validator does not check edge
    keys, and what the platform does with such an edge (create the input,
    ignore it, or fail) is not documented; Valohai's own example pipelines
    contain such edges, so this is a warning.

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
          - [train.output.model.pkl, evaluate.input.modle]
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

    code = "VH434"
    name = "unknown-socket-key"
    severity = Severity.WARNING
    summary = "An edge names an input or parameter the node's step does not define"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for end in all_ends(ctx):
            if end.socket is None or end.node is None or refused_target(end):
                continue
            kind, key = end.socket.type, end.socket.key
            if kind == "deployment" and end.role == "source":
                if key not in ("id", "version_id"):
                    yield self.at(ctx.path, end.span, f"deployment source key {key!r} must be "
                                  "'id' or 'version_id'")
                continue
            step = node_step(ctx, end.node)
            if step is None:
                continue
            if kind == "parameter":
                known, noun = step.parameter_names, "parameter"
            elif kind == "input":
                known, noun = step.input_names, "input"
                if not end.receives and any(fnmatchcase(n, key) for n in known):
                    continue
            else:
                continue
            if key not in known:
                yield self.at(ctx.path, end.span,
                              f"{end.pipeline.called('pipeline')}: {end.node.called('node')} runs step "
                              f"{step.name!r}, which has no {noun} {key!r}"
                              f"{did_you_mean(key, known)}")


class IncompatibleEdge(DocumentRule):
    """
    ## What it does
    Reports an edge whose source and target types do not go together.
    Allowed: output or input -> input, output -> file (a deployment node),
    parameter, metadata or deployment -> parameter,
    environment-variable -> environment-variable, dependency -> dependency.

    ## Why
    A file cannot become a parameter value, nor a parameter a file.
    Valohai's validator does not check the pairs and its documentation lists
    only the types each side may have, so what the platform does with such
    an edge is not established: a warning.  `input -> input` is allowed:
    Valohai's own examples pass a node's inputs on that way.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - step:
        name: evaluate
        image: docker.io/library/python:3.12
        command: python evaluate.py {parameters}
        parameters: [{name: model, type: string}]
    - pipeline:
        name: flow
        nodes:
          - {name: train, type: execution, step: train}
          - {name: evaluate, type: execution, step: evaluate}
        edges:
          - [train.output.model.pkl, evaluate.parameter.model]
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

    code = "VH435"
    name = "incompatible-edge"
    severity = Severity.WARNING
    summary = "Source and target types of an edge do not go together"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for pipeline, _, source, target in complete_edges(ctx):
            assert source.socket and target.socket and source.node and target.node
            pair = (source.socket.type, target.socket.type)
            if not set(pair) <= EDGE_TYPES:
                continue
            label = f"{pipeline.called('pipeline')}"
            if pair not in COMPATIBLE:
                yield self.at(ctx.path, target.span,
                              f"{label}: {_article(pair[0])} cannot feed {_article(pair[1])} "
                              f"({source.text} -> {target.text})")
            elif (pair[1] == "file") != (target.node.type == "deployment"):
                what = ("a file target needs a deployment node" if pair[1] == "file"
                        else "a deployment node takes only file edges")
                yield self.at(ctx.path, target.span, f"{label}: {what} ({target.text})")
            elif pair[0] == "deployment" and source.node.type != "deployment":
                yield self.at(ctx.path, source.span,
                              f"{label}: a deployment source needs a deployment node "
                              f"({source.text})")


class UndeclaredOutput(DocumentRule):
    """
    ## What it does
    Reports an edge out of `output.KEY` when the node's step declares its
    outputs and KEY (a file name or glob) matches none of them.  Steps that
    declare no outputs are not checked: any file written to
    `/valohai/outputs` is an output.

    ## Why
    A declared list of outputs is a promise; an edge that matches none of them
    is usually a typo and passes nothing.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        outputs: [{name: model.pkl}]
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
          - [train.output.modle.pkl, evaluate.input.model]
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        outputs: [{name: model.pkl}]
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

    code = "VH437"
    name = "undeclared-output"
    severity = Severity.WARNING
    summary = "An output edge key matches none of the step's declared outputs"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for end in edge_ends(ctx):
            if end.socket is None or end.node is None or end.role != "source" \
                    or end.socket.type != "output":
                continue
            step = node_step(ctx, end.node)
            names = [o.name for o in step.outputs if o.name] if step else []
            key = end.socket.key
            if names and not any(fnmatchcase(n, key) or fnmatchcase(key, n) for n in names):
                yield self.at(ctx.path, end.span,
                              f"{end.pipeline.called('pipeline')}: {step.called('step')} declares no "  # type: ignore[union-attr]
                              f"output matching {key!r}{did_you_mean(key, names)}")


def refused_target(end: End) -> bool:
    """A pipeline parameter's target on an execution node: Valohai's validator
    checks that parameter itself (VH442 reports it)."""
    return end.edge is None and end.node is not None and end.node.type == "execution"


def _article(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


RULES = (UnknownSocketKey, IncompatibleEdge, UndeclaredOutput)
