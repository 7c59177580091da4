"""Step-level checks: presets, stop conditions, duplicate members."""

from __future__ import annotations

from collections.abc import Iterator

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.document.model import Obj
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.references import pipeline_nodes
from yamlcheck.rules.syntax import expression_problem


def overrides(ctx: LintContext) -> Iterator[tuple[str, Obj]]:
    """(label, override) for every pipeline node that has one."""
    for pipeline, node in pipeline_nodes(ctx):
        if node.override is not None:
            yield f"{pipeline.called('pipeline')} {node.called('node')}", node.override


class PresetWithoutEnvironment(DocumentRule):
    """
    ## What it does
    Reports a `runtime-config-preset` without an `environment` next to it, on
    a step or in a pipeline node's `override`.

    ## Why
    A runtime configuration preset belongs to one environment.  Valohai's
    validator refuses the file ("When specifying a runtime config preset,
    you must also specify an environment"), for a node override too.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        runtime-config-preset: big-memory
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        environment: aws-eu-west-1-g4dn-xlarge
        runtime-config-preset: big-memory
    ```
    """

    code = "VH403"
    name = "preset-without-environment"
    severity = Severity.ERROR
    summary = "runtime-config-preset is set without environment"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        places: list[tuple[str, Obj]] = [(f"{s.called('step')}", s) for s in ctx.doc.steps]
        places.extend(overrides(ctx))
        for label, obj in places:
            if obj.get("runtime-config-preset") and not obj.get("environment"):
                yield self.at(ctx.path, obj.key_span("runtime-config-preset"),
                              f"{label}: `runtime-config-preset` needs `environment` beside it")


class InvalidStopCondition(DocumentRule):
    """
    ## What it does
    Checks a step's or task's `stop-condition` the way Valohai evaluates it:
    names, numbers, strings, one comparison at a time, `and`/`or`/`not`,
    `+ - * / //`, and calls of plain function names, at most eight levels deep.

    ## Why
    Valohai refuses a file with a stop condition it cannot parse.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        stop-condition: 0 < loss < 0.1
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        stop-condition: loss < 0.1 and loss > 0
    ```
    """

    code = "VH404"
    name = "invalid-stop-condition"
    severity = Severity.ERROR
    summary = "A stop-condition that is not a valid expression"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        places: list[tuple[str, Obj]] = [(f"{s.called('step')}", s) for s in ctx.doc.steps]
        places += [(f"{t.called('task')}", t) for t in ctx.doc.tasks]
        for label, obj in places:
            expression = obj.str("stop-condition")
            if expression is None:
                continue
            problem = expression_problem(expression)
            if problem:
                yield self.at(ctx.path, obj.value_span("stop-condition"),
                              f"{label}: `stop-condition` is not a valid expression: {problem}")


class DuplicateMemberName(DocumentRule):
    """
    ## What it does
    Reports a parameter, input, output or environment variable defined twice
    in one step (or one node override), and two mounts with the same
    destination.

    ## Why
    Valohai keeps the last definition and silently drops the first, so its
    type, default or description never take effect.  Two mounts cannot
    share one destination.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: epochs, type: integer, default: 10}
          - {name: epochs, type: integer, default: 20}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: epochs, type: integer, default: 20}
    ```
    """

    code = "VH406"
    name = "duplicate-member-name"
    severity = Severity.WARNING
    summary = "A step defines a parameter, input, output, variable or mount twice"

    _MEMBERS = (("parameters", "parameter"), ("inputs", "input"), ("outputs", "output"),
                ("environment-variables", "environment variable"))

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        places: list[tuple[str, Obj]] = [(f"{s.called('step')}", s) for s in ctx.doc.steps]
        places.extend(overrides(ctx))
        for label, obj in places:
            for key, noun in self._MEMBERS:
                seen: dict[str, int] = {}
                for member in obj.objects(key):
                    name = member.name
                    if name is None:
                        continue
                    if name in seen:
                        yield self.at(ctx.path, member.name_span,
                                      f"{label}: {noun} {name!r} is already defined at line "
                                      f"{seen[name]}; only this later one is used")
                    else:
                        seen[name] = member.name_span[0] + 1
            yield from self._mounts(ctx, label, obj)

    def _mounts(self, ctx: LintContext, label: str, obj: Obj) -> Iterator[Diagnostic]:
        mounts = obj.get("mounts")
        if not isinstance(mounts, list):
            return
        seen: dict[str, int] = {}
        for index, mount in enumerate(mounts):
            if isinstance(mount, str) and ":" in mount:
                destination = mount.split(":", 2)[1]
            elif isinstance(mount, dict) and isinstance(mount.get("destination"), str):
                destination = mount["destination"]
            else:
                continue
            span = mounts.item_span(index)  # type: ignore[attr-defined]
            if destination in seen:
                yield self.at(ctx.path, span, f"{label}: two mounts at {destination!r} "
                              f"(the first at line {seen[destination]})")
            else:
                seen[destination] = span[0] + 1


RULES = (PresetWithoutEnvironment, InvalidStopCondition, DuplicateMemberName)
