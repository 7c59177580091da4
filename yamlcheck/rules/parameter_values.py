"""Parameter values: step defaults, node override defaults, pipeline parameter
defaults and task variant values, checked against the parameter they fill."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from yamlcheck.core.diagnostic import Diagnostic, Severity, Span
from yamlcheck.document.model import Parameter
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.overrides import assigned_values
from yamlcheck.rules.values import DOUBTFUL, REFUSED, RETYPED, Problem, value_problems

# The rule keys that are parameter values, per variant style (logspace bounds
# are exponents, random bounds feed a distribution: not values).
_VARIANT_VALUES = {"single": ("value",), "linear": ("start", "end")}


def values(ctx: LintContext) -> Iterator[tuple[str, Parameter, Any, Span]]:
    """(label, parameter definition, value, span) of every value the file gives."""
    for step in ctx.doc.steps:
        for parameter in step.parameters:
            if parameter.has("default"):
                yield (f"{step.called('step')} {parameter.called('parameter')}: default", parameter,
                       parameter.get("default"), parameter.value_span("default"))
    for label, definition, value, span in assigned_values(ctx):
        yield f"{label}: value", definition, value, span


def _problems(ctx: LintContext) -> list[tuple[str, Span, Problem]]:
    return [(label, span, problem) for label, parameter, value, span in values(ctx)
            for problem in value_problems(parameter, value, ctx.text, span)]


class _ValueRule(DocumentRule):
    kind = ""

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for label, span, problem in ctx.memo("parameter-value-problems", _problems):
            if problem.kind == self.kind:
                yield self.at(ctx.path, span, f"{label} {problem.text}")


class InvalidParameterValue(_ValueRule):
    """
    ## What it does
    Checks parameter values against their definition: a step parameter's
    `default`, a pipeline node's `override` defaults, and a pipeline
    parameter's `default` against every parameter it targets.  Reports a
    value that does not fit the type (`integer`, `float`, `flag`), `min`,
    `max` or `choices`; an integer written with a leading zero (`010` is the
    octal number 8 to YAML 1.1) or as `1:30` (base 60: 90); and `"false"` in
    quotes on a flag (a non-empty string is true to Valohai's command
    builder).

    ## Why
    Valohai's own validator reports these only as warnings, and only for
    truthy step defaults (so `0`, `""` and `false` slip through); whether
    the platform refuses such a value when it creates the execution is not
    documented.  YAML quirks make them common: `default: 1e-4` is a string,
    `default: 2024-01-01` is a date.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: epochs, type: integer, default: 0, min: 1}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: epochs, type: integer, default: 1, min: 1}
    ```
    """

    code = "VH413"
    name = "invalid-parameter-value"
    severity = Severity.WARNING
    summary = "A value that does not fit its parameter's type, range or choices"
    kind = DOUBTFUL


class ParameterValueRefused(_ValueRule):
    """
    ## What it does
    Reports a parameter value that Valohai's own code refuses: a list for a
    parameter that is not `multiple` (valohai-yaml's command builder raises
    "list value for non-multiple parameter not allowed", and its value check
    says "Only a single value is allowed"), and a value of an `integer` or
    `float` parameter whose `choices` are all strings (the value check
    converts the value to a number first, so it can never equal a choice).

    ## Why
    The command cannot be built from such a value, and no value can ever
    pass such choices: an execution that uses them fails.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: layers, type: integer, default: [2, 4]}
          - {name: batch, type: integer, default: 32, choices: ["32", "64"]}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: layers, type: integer, default: [2, 4], multiple: separate}
          - {name: batch, type: integer, default: 32, choices: [32, 64]}
    ```
    """

    code = "VH416"
    name = "parameter-value-refused"
    severity = Severity.ERROR
    summary = "A value Valohai's own code refuses: a list for a single value, or unmatchable choices"
    kind = REFUSED


class ParameterValueRetyped(_ValueRule):
    """
    ## What it does
    Reports a value of a `string` parameter that YAML 1.1 loads as another
    type whose text differs from what is written: `3.10` becomes the number
    3.1, `010` the number 8, `yes` the boolean true, `1:30` the number 90,
    `1_000` the number 1000.  A number that prints as written (`default: 5`)
    is not reported: Valohai passes it as `5`.

    ## Why
    Valohai reads valohai.yaml with PyYAML's YAML 1.1 loader and renders the
    value with `str()`, so the program receives `3.1` where `3.10` was
    written: a Python version, a model name or a date silently changes.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: python-version, type: string, default: 3.10}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: python-version, type: string, default: "3.10"}
    ```
    """

    code = "VH417"
    name = "parameter-value-retyped"
    severity = Severity.ERROR
    summary = "A string parameter's value that YAML turns into another text (3.10 becomes 3.1)"
    kind = RETYPED


class InvalidVariantValue(DocumentRule):
    """
    ## What it does
    Checks a task's variant parameter values against the step parameter
    they vary: each of `items`, a `single` style's `value` and a `linear`
    style's `start` and `end` must fit the parameter's type, range and
    choices (`items: [1.5, 2.5]` for an `integer` parameter).

    ## Why
    Neither Valohai's validator nor valohai-cli checks these values; each
    child execution gets one of them, and a value that does not fit its
    parameter is at best converted (1.5 to an integer) and at worst refused.
    The platform's handling is not documented, so this is a warning.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: epochs, type: integer, default: 10}
    - task:
        name: sweep
        step: train
        parameters:
          - {name: epochs, style: multiple, rules: {items: [1.5, 2.5]}}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: epochs, type: integer, default: 10}
    - task:
        name: sweep
        step: train
        parameters:
          - {name: epochs, style: multiple, rules: {items: [1, 2]}}
    ```
    """

    code = "VH457"
    name = "invalid-variant-value"
    severity = Severity.WARNING
    summary = "A task variant value that does not fit the step parameter it varies"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for task in ctx.doc.tasks:
            step = ctx.doc.step_map.get(task.str("step") or "")
            if step is None:
                continue
            for variant in task.objects("parameters"):
                parameter = step.parameter(variant.name or "")
                rules = variant.get("rules")
                if parameter is None or not hasattr(rules, "value_span"):
                    continue
                keys = _VARIANT_VALUES.get(str(variant.get("style")), ())
                found = [(key, rules[key], rules.value_span(key)) for key in keys
                         if key in rules and not isinstance(rules[key], list)]
                items = rules.get("items")
                if isinstance(items, list) and hasattr(items, "item_span"):
                    found += [("items", item, items.item_span(i)) for i, item in enumerate(items)]
                for key, value, span in found:
                    for problem in value_problems(parameter, value, ctx.text, span):
                        yield self.at(ctx.path, span,
                                      f"{task.called('task')} {variant.called('parameter')}: {key} "
                                      f"{problem.text}")


RULES = (InvalidParameterValue, ParameterValueRefused, ParameterValueRetyped, InvalidVariantValue)
