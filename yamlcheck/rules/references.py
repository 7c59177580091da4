"""References between items: steps, tasks and endpoints named by other items."""

from __future__ import annotations

from collections.abc import Iterator

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.core.suggest import did_you_mean
from yamlcheck.document.model import Node, Pipeline, Step
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext


def node_step(ctx: LintContext, node: Node) -> Step | None:
    """The step a node runs, when it is defined in this file (None when the
    node takes it from another commit, or it does not resolve)."""
    if node.has("commit") or node.type not in ("execution", "task"):
        return None
    step_name = node.str("step")
    if step_name is None and node.type == "task":
        task = ctx.doc.task_map.get(node.str("task") or "")
        step_name = task.str("step") if task is not None else None
    return ctx.doc.step_map.get(step_name) if step_name is not None else None


def pipeline_nodes(ctx: LintContext) -> Iterator[tuple[Pipeline, Node]]:
    for pipeline in ctx.doc.pipelines:
        for node in pipeline.nodes:
            yield pipeline, node


class UnknownStep(DocumentRule):
    """
    ## What it does
    Reports a pipeline node or a task that names a step the file does not
    define.  Nodes with `commit` take their step from another commit and are
    not checked.

    ## Why
    Valohai's validator refuses a node whose step does not exist ("node ...
    step ... does not exist") and a task blueprint used by a node whose step
    does not exist; for a task on its own it says nothing, but `vh task run`
    refuses it ("references step ... which is not defined") and a task
    without its step has no image or command to run.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - pipeline:
        name: flow
        nodes:
          - {name: train, type: execution, step: trian}
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
          - {name: train, type: execution, step: train}
        edges: []
    ```
    """

    code = "VH450"
    name = "unknown-step"
    severity = Severity.ERROR
    summary = "A pipeline node or task names a step that is not defined"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        steps = ctx.doc.step_map
        for pipeline, node in pipeline_nodes(ctx):
            name = node.str("step")
            if (node.type in ("execution", "task") and name is not None
                    and not node.has("commit") and name not in steps):
                yield self.at(ctx.path, node.value_span("step"),
                              f"{pipeline.called('pipeline')} {node.called('node')}: step {name!r} is "
                              f"not defined{did_you_mean(name, steps)}")
        for task in ctx.doc.tasks:
            name = task.str("step")
            if name is not None and name not in steps:
                yield self.at(ctx.path, task.value_span("step"),
                              f"{task.called('task')}: step {name!r} is not defined"
                              f"{did_you_mean(name, steps)}")


class UnknownTask(DocumentRule):
    """
    ## What it does
    Reports a task node whose `task` names a task blueprint the file does not
    define.

    ## Why
    Valohai's validator refuses the pipeline ("node ... task ... does not
    exist").

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: learning_rate, type: float, default: 0.001}
    - task:
        name: lr-search
        step: train
        parameters:
          - {name: learning_rate, style: multiple, rules: {items: [0.01, 0.001]}}
    - pipeline:
        name: search
        nodes:
          - {name: search, type: task, task: lr-serach}
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
    - task:
        name: lr-search
        step: train
        parameters:
          - {name: learning_rate, style: multiple, rules: {items: [0.01, 0.001]}}
    - pipeline:
        name: search
        nodes:
          - {name: search, type: task, task: lr-search}
        edges: []
    ```
    """

    code = "VH451"
    name = "unknown-task"
    severity = Severity.ERROR
    summary = "A task node names a task blueprint that is not defined"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        tasks = ctx.doc.task_map
        for pipeline, node in pipeline_nodes(ctx):
            name = node.str("task")
            if node.type == "task" and name is not None and not node.has("commit") \
                    and name not in tasks:
                yield self.at(ctx.path, node.value_span("task"),
                              f"{pipeline.called('pipeline')} {node.called('node')}: task {name!r} is "
                              f"not defined{did_you_mean(name, tasks)}")


class UnknownEndpoint(DocumentRule):
    """
    ## What it does
    Reports a deployment node whose `endpoints` list names an endpoint the
    file does not define.

    ## Why
    Valohai's validator does not check these names, and the platform's
    handling is not documented (so this is a warning).  The deployment node
    would try to create a version with an endpoint that does not exist, and
    probably fail at the end of an otherwise finished pipeline.

    ## Example
    ```yaml
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        server-command: python serve.py
    - pipeline:
        name: ship
        nodes:
          - {name: deploy, type: deployment, deployment: prod, endpoints: [predcit]}
        edges: []
    ```

    ## Use instead
    ```yaml
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        server-command: python serve.py
    - pipeline:
        name: ship
        nodes:
          - {name: deploy, type: deployment, deployment: prod, endpoints: [predict]}
        edges: []
    ```
    """

    code = "VH452"
    name = "unknown-endpoint"
    severity = Severity.WARNING
    summary = "A deployment node names an endpoint that is not defined"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        endpoints = ctx.doc.endpoint_map
        for pipeline, node in pipeline_nodes(ctx):
            if node.type != "deployment":
                continue
            for name, span in node.strings("endpoints"):
                if name not in endpoints:
                    yield self.at(ctx.path, span,
                                  f"{pipeline.called('pipeline')} {node.called('node')}: endpoint "
                                  f"{name!r} is not defined{did_you_mean(name, endpoints)}")


RULES = (UnknownStep, UnknownTask, UnknownEndpoint)
