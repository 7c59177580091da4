"""Task blueprints: type, variant parameters, search-specific settings."""

from __future__ import annotations

from collections.abc import Iterator

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.core.suggest import did_you_mean
from yamlcheck.document.model import Task
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext

TASK_TYPES = ("grid_search", "random_search", "manual_search", "bayesian_tpe", "distributed")
CHILD_ERROR_MODES = ("continue-and-complete", "continue-and-error", "stop-all-and-error")


def task_type(task: Task) -> str | None:
    """The normalised type (case-insensitive, '-' and '_' alike), or None if invalid."""
    value = task.get("type") or "grid_search"  # empty means the default, as in Valohai
    if not isinstance(value, str):
        return None
    normal = value.lower().replace("-", "_")
    return normal if normal in TASK_TYPES else None


class TaskUnknownParameter(DocumentRule):
    """
    ## What it does
    Reports a task variant parameter, or a key of a `parameter-sets` entry,
    that is not a parameter of the task's step.

    ## Why
    The task would vary a parameter the step does not have.  Neither
    Valohai's validator nor valohai-cli checks the names (they are sent on
    as written), and what the platform does with them is not documented, so
    this is a warning.

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
          - {name: learning-rate, style: logspace, rules: {start: -4, end: -1, count: 4}}
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
          - {name: learning_rate, style: logspace, rules: {start: -4, end: -1, count: 4}}
    ```
    """

    code = "VH453"
    name = "task-unknown-parameter"
    severity = Severity.WARNING
    summary = "A task varies a parameter its step does not define"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for task in ctx.doc.tasks:
            step = ctx.doc.step_map.get(task.str("step") or "")
            if step is None:
                continue
            known = step.parameter_names
            places = [(p.name, p.name_span) for p in task.objects("parameters")]
            for entry in task.objects("parameter-sets"):
                places += [(key, entry.key_span(key)) for key in entry.data]
            for name, span in places:
                if isinstance(name, str) and name not in known:
                    yield self.at(ctx.path, span,
                                  f"{task.called('task')}: {step.called('step')} has no parameter "
                                  f"{name!r}{did_you_mean(name, known)}")


class InvalidTaskOption(DocumentRule):
    """
    ## What it does
    Checks a task's `type` (grid_search, random_search, manual_search,
    bayesian_tpe, distributed) and `on-child-error` (continue-and-complete,
    continue-and-error, stop-all-and-error).  Case and `-`/`_` do not matter.

    ## Why
    Valohai's parser crashes on any other value instead of reporting it.
    An empty value is fine: Valohai uses the default (grid search, and the
    platform's default for `on-child-error`).

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
        type: grid
        parameters:
          - {name: learning_rate, style: multiple, rules: {items: [0.01, 0.001]}}
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
        type: grid_search
        parameters:
          - {name: learning_rate, style: multiple, rules: {items: [0.01, 0.001]}}
    ```
    """

    code = "VH454"
    name = "invalid-task-option"
    severity = Severity.ERROR
    summary = "A task type or on-child-error value Valohai does not know"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for task in ctx.doc.tasks:
            value = task.get("type")
            if isinstance(value, str) and value and task_type(task) is None:
                yield self.at(ctx.path, task.value_span("type"),
                              f"{task.called('task')}: type {value!r} is not one of "
                              f"{', '.join(TASK_TYPES)}{did_you_mean(value, TASK_TYPES)}")
            mode = task.get("on-child-error")
            if (isinstance(mode, str) and mode
                    and mode.lower().replace("_", "-") not in CHILD_ERROR_MODES):
                yield self.at(ctx.path, task.value_span("on-child-error"),
                              f"{task.called('task')}: on-child-error {mode!r} is not one of "
                              f"{', '.join(CHILD_ERROR_MODES)}"
                              f"{did_you_mean(mode, CHILD_ERROR_MODES)}")


class ParameterSetsWithoutManualSearch(DocumentRule):
    """
    ## What it does
    Reports `parameter-sets` on a task whose type is not `manual_search`.

    ## Why
    Only manual search runs the sets as written; Valohai's validator warns
    too.  For a pipeline's task node valohai-yaml turns the sets into a list
    of values per parameter, so another task type would search every
    combination of those values instead.

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
        parameter-sets:
          - {learning_rate: 0.01}
          - {learning_rate: 0.001}
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
        type: manual_search
        parameter-sets:
          - {learning_rate: 0.01}
          - {learning_rate: 0.001}
    ```
    """

    code = "VH455"
    name = "parameter-sets-without-manual-search"
    severity = Severity.WARNING
    summary = "parameter-sets only make sense with manual_search"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for task in ctx.doc.tasks:
            kind = task_type(task)
            if task.has("parameter-sets") and kind is not None and kind != "manual_search":
                yield self.at(ctx.path, task.key_span("parameter-sets"),
                              f"{task.called('task')}: parameter sets only make sense with "
                              f"manual_search, not {kind}")


class BayesianOptionUnused(DocumentRule):
    """
    ## What it does
    Reports `engine`, `optimization-target-metric` or
    `optimization-target-value` on a task whose type is not `bayesian_tpe`.

    ## Why
    Only Bayesian optimisation uses them; Valohai's validator warns about
    them on other task types too.

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
        type: random_search
        optimization-target-metric: loss
        parameters:
          - {name: learning_rate, style: logspace, rules: {start: -4, end: -1, count: 4}}
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
        type: bayesian_tpe
        optimization-target-metric: loss
        parameters:
          - {name: learning_rate, style: logspace, rules: {start: -4, end: -1, count: 4}}
    ```
    """

    code = "VH456"
    name = "bayesian-option-unused"
    severity = Severity.WARNING
    summary = "A Bayesian optimisation setting on a task of another type"

    KEYS = ("engine", "optimization-target-metric", "optimization-target-value")

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for task in ctx.doc.tasks:
            kind = task_type(task)
            if kind is None or kind == "bayesian_tpe":
                continue
            for key in self.KEYS:
                if task.has(key):
                    yield self.at(ctx.path, task.key_span(key),
                                  f"{task.called('task')}: `{key}` only makes sense for "
                                  f"bayesian_tpe tasks, not {kind}")


RULES = (
    TaskUnknownParameter,
    InvalidTaskOption,
    ParameterSetsWithoutManualSearch,
    BayesianOptionUnused,
)
