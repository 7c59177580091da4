"""Parameter definitions: flags, pass-as templates, ranges."""

from __future__ import annotations

from collections.abc import Iterator

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.document.model import Parameter, Step
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext


class _Label:
    """``step 'train' parameter 'lr'``, made only when a finding needs it."""

    __slots__ = ("parameter", "step")

    def __init__(self, step: Step, parameter: Parameter) -> None:
        self.step, self.parameter = step, parameter

    def __format__(self, spec: str) -> str:
        return f"{self.step.called('step')} {self.parameter.called('parameter')}"


def step_parameters(ctx: LintContext) -> Iterator[tuple[Step, Parameter, _Label]]:
    for step in ctx.doc.steps:
        for parameter in step.parameters:
            yield step, parameter, _Label(step, parameter)


class FlagOptional(DocumentRule):
    """
    ## What it does
    Reports `optional` on a flag parameter.

    ## Why
    A flag is always optional (it is either passed or not); the setting does
    nothing and suggests a misunderstanding.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: verbose, type: flag, optional: true}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: verbose, type: flag}
    ```
    """

    code = "VH410"
    name = "flag-optional"
    severity = Severity.WARNING
    summary = "`optional` has no effect on a flag parameter"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for _, parameter, label in step_parameters(ctx):
            if parameter.type == "flag" and parameter.get("optional"):
                yield self.at(ctx.path, parameter.key_span("optional"),
                              f"{label}: `optional` has no effect on a flag")


class FlagPassAsIgnored(DocumentRule):
    """
    ## What it does
    Reports `pass-as` on a flag that also has `pass-true-as` or
    `pass-false-as`.

    ## Why
    With either of those set, Valohai ignores `pass-as`.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: cache, type: flag, pass-as: --cache, pass-true-as: --cache=1}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: cache, type: flag, pass-true-as: --cache=1, pass-false-as: --cache=0}
    ```
    """

    code = "VH411"
    name = "flag-pass-as-ignored"
    severity = Severity.WARNING
    summary = "`pass-as` is ignored when pass-true-as/pass-false-as are set"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for _, parameter, label in step_parameters(ctx):
            if (parameter.type == "flag" and parameter.get("pass-as")
                    and (parameter.get("pass-true-as") or parameter.get("pass-false-as"))):
                yield self.at(ctx.path, parameter.key_span("pass-as"),
                              f"{label}: `pass-as` has no effect with "
                              "`pass-true-as`/`pass-false-as`")


class PassTrueFalseOnNonFlag(DocumentRule):
    """
    ## What it does
    Reports `pass-true-as` or `pass-false-as` on a parameter that is not a
    flag.

    ## Why
    Only flags use them; on other types they are ignored.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: fast, type: string, pass-true-as: --fast}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: fast, type: flag, pass-true-as: --fast}
    ```
    """

    code = "VH412"
    name = "pass-true-false-on-non-flag"
    severity = Severity.WARNING
    summary = "pass-true-as/pass-false-as on a parameter that is not a flag"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for _, parameter, label in step_parameters(ctx):
            if parameter.type == "flag":
                continue
            for key in ("pass-true-as", "pass-false-as"):
                if parameter.get(key):
                    yield self.at(ctx.path, parameter.key_span(key),
                                  f"{label}: `{key}` has no effect on a {parameter.type} parameter")


class ParameterMinAboveMax(DocumentRule):
    """
    ## What it does
    Reports a parameter whose `min` is greater than its `max`.

    ## Why
    No value satisfies both bounds: Valohai's value check (valohai-yaml's
    `Parameter.validate`) refuses every value given to the parameter, as
    below the minimum or above the maximum.  Valohai's validator does not
    report the bounds themselves, and whether the platform applies that
    check is not documented, so this is a warning.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: dropout, type: float, min: 0.9, max: 0.1}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: dropout, type: float, min: 0.1, max: 0.9}
    ```
    """

    code = "VH414"
    name = "parameter-min-above-max"
    severity = Severity.WARNING
    summary = "A parameter's min is greater than its max"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for _, parameter, label in step_parameters(ctx):
            low, high = parameter.get("min"), parameter.get("max")
            if (isinstance(low, (int, float)) and isinstance(high, (int, float))
                    and not isinstance(low, bool) and not isinstance(high, bool) and low > high):
                yield self.at(ctx.path, parameter.value_span("min"),
                              f"{label}: min {low} is greater than max {high}")


class FlagMultiple(DocumentRule):
    """
    ## What it does
    Reports `multiple` on a flag parameter.

    ## Why
    Valohai's parser rejects it ("Flag parameters can't be multiple"); its
    linter crashes on such a file instead of reporting it.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: verbose, type: flag, multiple: repeat}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: verbose, type: flag}
    ```
    """

    code = "VH415"
    name = "flag-multiple"
    severity = Severity.ERROR
    summary = "A flag parameter cannot be multiple"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for _, parameter, label in step_parameters(ctx):
            if parameter.type == "flag" and _multiple(parameter.get("multiple")):
                yield self.at(ctx.path, parameter.key_span("multiple"),
                              f"{label}: a flag cannot be `multiple`")


def _multiple(value: object) -> bool:
    """Whether Valohai's parser reads ``multiple`` as on: empty values and
    `none` in any case are off (its MultipleMode.cast)."""
    return bool(value) and str(value).lower() != "none"


RULES = (
    FlagOptional,
    FlagPassAsIgnored,
    PassTrueFalseOnNonFlag,
    ParameterMinAboveMax,
    FlagMultiple,
)
