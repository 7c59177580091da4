"""Edge ends and pipeline parameter targets: nodes, types, keys, compatibility."""

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


class UnknownNode(DocumentRule):
    """
    ## What it does
    Reports an edge end, or a pipeline parameter target, that names a node the
    pipeline does not have.

    ## Why
    Valohai refuses the pipeline.

    ## Example
    ```yaml
    edges:
      - [preprocess.output.*, trian.input.dataset]
    ```

    ## Use instead
    ```yaml
    edges:
      - [preprocess.output.*, train.input.dataset]
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
                              f"pipeline {end.pipeline.name!r}: {where} node "
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
    edges:
      - [train.outptu.model.pkl, evaluate.input.model]
    ```

    ## Use instead
    ```yaml
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
                              f"pipeline {end.pipeline.name!r}: {end.role} type "
                              f"{end.socket.type!r} in {end.text!r} is not valid"
                              f"{did_you_mean(end.socket.type, sorted(EDGE_TYPES))}")


class MalformedSocket(DocumentRule):
    """
    ## What it does
    Reports an edge end or pipeline parameter target that is not of the form
    `node.type.key` (split at the first two dots, so keys may contain dots),
    and a `file` target whose key is not `endpoint.file`.

    ## Why
    Valohai refuses the whole file; its validator stops at the first one.

    ## Example
    ```yaml
    edges:
      - [train.output.model.pkl, evaluate.model]
    ```

    ## Use instead
    ```yaml
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
                              f"pipeline {end.pipeline.name!r}: {where} {end.text!r} has "
                              f"{parts} part{'s' if parts != 1 else ''}; write node.type.key")
            elif end.socket.type == "file" and "." not in end.socket.key:
                yield self.at(ctx.path, end.span,
                              f"pipeline {end.pipeline.name!r}: file target {end.text!r} must be "
                              "node.file.<endpoint>.<file>")


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
    edges:
      - [preprocess.output.*, train.input.datset]
    ```

    ## Use instead
    ```yaml
    edges:
      - [preprocess.output.*, train.input.dataset]
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
                              f"pipeline {end.pipeline.name!r}: node {end.node.name!r} runs step "
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
    edges:
      - [train.output.model.pkl, evaluate.parameter.model]
    ```

    ## Use instead
    ```yaml
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
            label = f"pipeline {pipeline.name!r}"
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
        outputs: [{name: model.pkl}]
    # ...
    edges:
      - [train.output.modle.pkl, evaluate.input.model]
    ```

    ## Use instead
    ```yaml
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
                              f"pipeline {end.pipeline.name!r}: step {step.name!r} declares no "  # type: ignore[union-attr]
                              f"output matching {key!r}{did_you_mean(key, names)}")


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
    - step: {name: train, image: docker.io/library/python:3.12, command: python train.py}
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
    - step: {name: train, image: docker.io/library/python:3.12, command: python train.py}
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
                              f"pipeline {end.pipeline.name!r}: {end.role} type "
                              f"{end.socket.type!r} in {end.text!r}: `vh lint` refuses the plural "
                              "and Valohai's web UI is reported to accept it; write "
                              f"{single!r}")


def singular(kind: str) -> str | None:
    """``outputs`` -> ``output``: the valid type a plural stands for, if any."""
    return kind[:-1] if kind.endswith("s") and kind[:-1] in EDGE_TYPES else None


def refused_target(end: End) -> bool:
    """A pipeline parameter's target on an execution node: Valohai's validator
    checks that parameter itself (VH442 reports it)."""
    return end.edge is None and end.node is not None and end.node.type == "execution"


def _article(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


RULES = (
    UnknownNode,
    InvalidEdgeType,
    MalformedSocket,
    UnknownSocketKey,
    IncompatibleEdge,
    UndeclaredOutput,
    PluralEdgeType,
)
