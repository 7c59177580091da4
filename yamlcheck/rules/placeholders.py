"""Command placeholders: {parameters}, {parameter:X}, {parameter-value:X}, {source-path}."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from yamlcheck.core.diagnostic import Diagnostic, Severity, Span
from yamlcheck.core.suggest import closest
from yamlcheck.document.model import Step
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.spans import inner_span

# Valohai replaces every non-greedy {...} group it knows and leaves the rest.
_GROUP = re.compile(r"\{(.+?)\}")
_ALL = ("parameters", "params")
_NAMED = ("parameter", "parameter-value")
_KNOWN_HEADS = (*_ALL, *_NAMED, "source-path")
_WORDISH = re.compile(r"[A-Za-z][A-Za-z_-]*(?::[^\s{}]*)?")


class Placeholder(NamedTuple):
    text: str  # the whole {…}
    head: str  # before the first ':'
    argument: str | None  # after it
    span: Span


def placeholders(ctx: LintContext, step: Step) -> Iterator[Placeholder]:
    for command, span in step.commands:
        seen: dict[str, int] = {}
        for match in _GROUP.finditer(command):
            if match.start() > 0 and command[match.start() - 1] == "$":
                continue  # a shell ${VARIABLE}
            text, inner = match.group(0), match.group(1)
            occurrence = seen.get(text, 0)
            seen[text] = occurrence + 1
            head, colon, argument = inner.partition(":")
            yield Placeholder(text, head, argument if colon else None,
                              inner_span(ctx.text, span, text, occurrence))


class UnknownPlaceholder(DocumentRule):
    """
    ## What it does
    Reports `{parameter:NAME}` and `{parameter-value:NAME}` placeholders whose
    NAME is not a parameter of the step, and says so when NAME is an input.

    ## Why
    Valohai leaves an unknown placeholder in the command as it is, so the
    program receives the literal text `{parameter:lerning_rate}`.  Inputs are
    not placeholders at all: their files are in `/valohai/inputs/NAME/`.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py --lr {parameter-value:lerning_rate}
        parameters:
          - {name: learning_rate, type: float, default: 0.001}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py --lr {parameter-value:learning_rate}
        parameters:
          - {name: learning_rate, type: float, default: 0.001}
    ```
    """

    code = "VH420"
    name = "unknown-placeholder"
    severity = Severity.ERROR
    summary = "{parameter:X} or {parameter-value:X} names no parameter of the step"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for step in ctx.doc.steps:
            names = step.parameter_names
            for found in placeholders(ctx, step):
                if found.head not in _NAMED or found.argument is None:
                    continue
                name = found.argument
                if name in names:
                    continue
                if name in step.input_names:
                    hint = (f"; {name!r} is an input, whose files are in "
                            f"/valohai/inputs/{name}/")
                else:
                    guess = closest(name, names)
                    hint = f" (did you mean {guess!r}?)" if guess else ""
                yield self.at(ctx.path, found.span,
                              f"step {step.name!r}: {found.text} names no parameter{hint}; "
                              "Valohai would pass it on literally")


class MalformedPlaceholder(DocumentRule):
    """
    ## What it does
    Reports a `{...}` group in a command that looks like a misspelt Valohai
    placeholder: `{parameter}`, `{paramters}`, `{param:lr}`,
    `{parameters:lr}`, `{PARAMETERS}`.  Shell variables (`${VAR}`) are left
    alone.

    ## Why
    Valohai only replaces the exact forms `{parameters}`, `{params}`,
    `{parameter:NAME}`, `{parameter-value:NAME}` and `{source-path}`;
    anything else reaches the program literally.

    ## Example
    ```yaml
    command: python train.py {paramters}
    ```

    ## Use instead
    ```yaml
    command: python train.py {parameters}
    ```
    """

    code = "VH421"
    name = "malformed-placeholder"
    severity = Severity.WARNING
    summary = "A {…} group that looks like a misspelt placeholder"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for step in ctx.doc.steps:
            for found in placeholders(ctx, step):
                inner = found.text[1:-1]
                if not _WORDISH.fullmatch(inner):
                    continue
                if found.head in _ALL and found.argument is None:
                    continue
                if found.head in _NAMED and found.argument:
                    continue
                if found.head == "source-path" and found.argument is None:
                    continue
                suggestion = self._suggest(found)
                if suggestion:
                    yield self.at(ctx.path, found.span,
                                  f"step {step.name!r}: {found.text} is not a Valohai "
                                  f"placeholder; did you mean {suggestion}?")

    @staticmethod
    def _suggest(found: Placeholder) -> str | None:
        head = found.head.lower().replace("_", "-")
        guess = head if head in _KNOWN_HEADS else closest(head, _KNOWN_HEADS, cutoff=0.75)
        if guess is None and head in ("param", "params-value", "param-value"):
            guess = "parameter"
        if guess is None:
            return None
        if found.argument:
            named = "parameter-value" if "value" in head else "parameter"
            return f"{{{named}:{found.argument}}}"
        if guess in _NAMED or guess in _ALL:
            return "{parameters}"
        return f"{{{guess}}}"


class UnusedParameter(DocumentRule):
    """
    ## What it does
    Reports a parameter that no command uses, in a step whose commands have
    neither `{parameters}` nor `{params}`.  Off by default: code that reads
    `/valohai/config/parameters.json` (valohai-utils does) uses parameters
    without placeholders.

    ## Why
    A parameter that never reaches the program is usually a forgotten
    `{parameters}`.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        parameters:
          - {name: epochs, type: integer, default: 10}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
        parameters:
          - {name: epochs, type: integer, default: 10}
    ```
    """

    code = "VH422"
    name = "unused-parameter"
    severity = Severity.INFO
    summary = "A parameter no command uses (no {parameters} in the step)"
    default_enabled = False

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for step in ctx.doc.steps:
            found = list(placeholders(ctx, step))
            if any(p.head in _ALL and p.argument is None for p in found):
                continue
            used = {p.argument for p in found if p.head in _NAMED}
            for parameter in step.parameters:
                if parameter.name is not None and parameter.name not in used:
                    yield self.at(ctx.path, parameter.name_span,
                                  f"step {step.name!r}: parameter {parameter.name!r} is not used "
                                  "by any command (no {parameters} placeholder)")


class SourcePathUnset(DocumentRule):
    """
    ## What it does
    Reports `{source-path}` in a command of a step that has no `source-path`.

    ## Why
    Valohai replaces `{source-path}` only when the step sets `source-path`;
    otherwise the literal text reaches the program.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python {source-path}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python {source-path}
        source-path: train.py
    ```
    """

    code = "VH423"
    name = "source-path-unset"
    severity = Severity.WARNING
    summary = "{source-path} is used but the step sets no source-path"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for step in ctx.doc.steps:
            if step.get("source-path"):
                continue
            for found in placeholders(ctx, step):
                if found.head == "source-path" and found.argument is None:
                    yield self.at(ctx.path, found.span,
                                  f"step {step.name!r}: {{source-path}} is used but the step "
                                  "sets no `source-path`")


RULES = (UnknownPlaceholder, MalformedPlaceholder, UnusedParameter, SourcePathUnset)
