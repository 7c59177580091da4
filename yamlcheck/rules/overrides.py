"""Node overrides and pipeline parameters, checked against the node's step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from yamlcheck.core.diagnostic import Diagnostic, Severity, Span
from yamlcheck.core.suggest import did_you_mean
from yamlcheck.document.model import Parameter
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.edges import parameter_targets
from yamlcheck.rules.references import node_step, pipeline_nodes


def assigned_values(ctx: LintContext) -> Iterator[tuple[str, Parameter, Any, Span]]:
    """(label, parameter definition, value, span) for every value a pipeline
    assigns: node override defaults and pipeline parameter defaults."""
    for pipeline, node in pipeline_nodes(ctx):
        step = node_step(ctx, node)
        if step is None or node.override is None:
            continue
        for given in node.override.objects("parameters", Parameter):
            definition = step.parameter(given.name or "")
            if definition is not None and given.has("default"):
                yield (f"{pipeline.called('pipeline')} {node.called('node')} {given.called('parameter')}",
                       definition, given.get("default"), given.value_span("default"))
    for parameter, end in parameter_targets(ctx):
        if end.node is None or end.socket is None or not parameter.has("default"):
            continue
        step = node_step(ctx, end.node)
        definition = step.parameter(end.socket.key) if step else None
        if definition is not None:
            yield (f"{end.pipeline.called('pipeline')} {parameter.called('parameter')} "
                   f"(target {end.text})", definition, parameter.get("default"),
                   parameter.value_span("default"))


class OverrideUnknownName(DocumentRule):
    """
    ## What it does
    Reports a parameter or input in a node's `override` that the node's step
    does not define.

    ## Why
    An override cannot add parameters or inputs; Valohai's validator refuses
    the pipeline ("parameter ... does not exist in step").

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: learning_rate, type: float, default: 0.001}
    - pipeline:
        name: flow
        nodes:
          - name: train
            type: execution
            step: train
            override:
              parameters:
                - {name: learning-rate, default: 0.01}
        edges: []
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: learning_rate, type: float, default: 0.001}
    - pipeline:
        name: flow
        nodes:
          - name: train
            type: execution
            step: train
            override:
              parameters:
                - {name: learning_rate, default: 0.01}
        edges: []
    ```
    """

    code = "VH440"
    name = "override-unknown-name"
    severity = Severity.ERROR
    summary = "An override names a parameter or input the step does not define"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for pipeline, node in pipeline_nodes(ctx):
            step = node_step(ctx, node)
            if step is None or node.override is None:
                continue
            for key, known, noun in (("parameters", step.parameter_names, "parameter"),
                                     ("inputs", step.input_names, "input")):
                for given in node.override.objects(key):
                    name = given.name
                    if name is not None and name not in known:
                        yield self.at(ctx.path, given.name_span,
                                      f"{pipeline.called('pipeline')} {node.called('node')}: "
                                      f"{step.called('step')} has no {noun} {name!r}"
                                      f"{did_you_mean(name, known)}")


class PipelineParameterNoTargets(DocumentRule):
    """
    ## What it does
    Reports a pipeline parameter with no `target` or `targets`.

    ## Why
    Its value goes nowhere.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: learning_rate, type: float, default: 0.001}
    - pipeline:
        name: flow
        parameters:
          - {name: learning_rate, default: 0.01}
        nodes:
          - {name: train, type: execution, step: train}
        edges: []
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: learning_rate, type: float, default: 0.001}
    - pipeline:
        name: flow
        parameters:
          - {name: learning_rate, default: 0.01, target: train.parameter.learning_rate}
        nodes:
          - {name: train, type: execution, step: train}
        edges: []
    ```
    """

    code = "VH441"
    name = "pipeline-parameter-no-targets"
    severity = Severity.WARNING
    summary = "A pipeline parameter without targets"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for pipeline in ctx.doc.pipelines:
            for parameter in pipeline.parameters:
                if not (parameter.get("target") or parameter.get("targets")):
                    yield self.at(ctx.path, parameter.name_span,
                                  f"{pipeline.called('pipeline')} {parameter.called('parameter')} has "
                                  "no targets")


class PipelineParameterBadTarget(DocumentRule):
    """
    ## What it does
    Reports a pipeline parameter target whose socket type is not
    `parameter` (`train.input.data` instead of `train.parameter.lr`), and a
    target on an execution node whose step has no such parameter (nodes
    with `commit` are not checked).

    ## Why
    Pipeline parameters set node parameters only.  Valohai's validator
    refuses both (valohai-yaml: "socket type ... is not supported", "the
    parameter ... does not exist in step ...").

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: learning_rate, type: float, default: 0.001}
    - pipeline:
        name: flow
        parameters:
          - {name: learning_rate, default: 0.01, target: train.input.learning_rate}
        nodes:
          - {name: train, type: execution, step: train}
        edges: []
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: learning_rate, type: float, default: 0.001}
    - pipeline:
        name: flow
        parameters:
          - {name: learning_rate, default: 0.01, target: train.parameter.learning_rate}
        nodes:
          - {name: train, type: execution, step: train}
        edges: []
    ```
    """

    code = "VH442"
    name = "pipeline-parameter-bad-target"
    severity = Severity.ERROR
    summary = "A pipeline parameter targets something other than a parameter of the node's step"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for parameter, end in parameter_targets(ctx):
            if end.socket is None:
                continue
            label = f"{end.pipeline.called('pipeline')} {parameter.called('parameter')}"
            if not end.socket.type.startswith("parameter"):
                yield self.at(ctx.path, end.span,
                              f"{label}: target {end.text!r} has socket type "
                              f"{end.socket.type!r}; write node.parameter.name")
                continue
            step = node_step(ctx, end.node) if end.node is not None else None
            if step is None or end.node is None or end.node.type != "execution":
                continue
            known = step.parameter_names
            if end.socket.key not in known:
                yield self.at(ctx.path, end.span,
                              f"{label}: target {end.text!r}: {step.called('step')} has no "
                              f"parameter {end.socket.key!r}{did_you_mean(end.socket.key, known)}")


RULES = (OverrideUnknownName, PipelineParameterNoTargets, PipelineParameterBadTarget)
