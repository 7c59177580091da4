"""Command placeholders: {parameters}, {parameter:X}, {parameter-value:X}, {source-path}."""

from __future__ import annotations

from collections.abc import Iterator

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.core.suggest import closest
from yamlcheck.document.model import Step
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.command_lines import (
    ALL,
    INPUT_HEADS,
    KNOWN_HEADS,
    NAMED,
    WORDISH,
    Placeholder,
    command_sets,
    replaced,
)
from yamlcheck.rules.context import LintContext


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
        for commands in command_sets(ctx):
            step = commands.step
            if step is None:
                continue
            names = step.parameter_names
            for found in commands.found:
                if found.head not in NAMED or found.argument is None:
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
                              f"{commands.label}: {found.text} names no parameter of "
                              f"{step.called('step')}{hint}; Valohai would pass it on literally")


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
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {paramters}
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

    code = "VH421"
    name = "malformed-placeholder"
    severity = Severity.WARNING
    summary = "A {…} group that looks like a misspelt placeholder"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for commands in command_sets(ctx):
            for found in commands.found:
                inner = found.text[1:-1]
                if found.dollar or not WORDISH.fullmatch(inner) or found.head in INPUT_HEADS:
                    continue
                if found.head in ALL and found.argument is None:
                    continue
                if found.head in NAMED and found.argument:
                    continue
                if found.head == "source-path" and found.argument is None:
                    continue
                suggestion = self._suggest(found)
                if suggestion:
                    yield self.at(ctx.path, found.span,
                                  f"{commands.label}: {found.text} is not a Valohai "
                                  f"placeholder; did you mean {suggestion}?")

    @staticmethod
    def _suggest(found: Placeholder) -> str | None:
        head = found.head.lower().replace("_", "-")
        guess = head if head in KNOWN_HEADS else closest(head, KNOWN_HEADS, cutoff=0.75)
        if guess is None and head in ("param", "params-value", "param-value"):
            guess = "parameter"
        if guess is None:
            return None
        if found.argument:
            named = "parameter-value" if "value" in head else "parameter"
            return f"{{{named}:{found.argument}}}"
        if guess in NAMED or guess in ALL:
            return "{parameters}"
        return f"{{{guess}}}"


class UnusedParameter(DocumentRule):
    """
    ## What it does
    Reports a parameter that no command uses, in a step whose commands have
    neither `{parameters}` nor `{params}`.  Off by default (enable it with
    `--select VH,VH422`): code that reads `/valohai/config/parameters.json`
    (valohai-utils does) uses parameters without placeholders.

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
        for commands in command_sets(ctx):
            step, found = commands.step, commands.found
            if not commands.own or step is None:
                continue
            if any(p.head in ALL and p.argument is None for p in found):
                continue
            used = {p.argument for p in found if p.head in NAMED}
            for parameter in step.parameters:
                if parameter.name is not None and parameter.name not in used:
                    yield self.at(ctx.path, parameter.name_span,
                                  f"{step.called('step')}: {parameter.called('parameter')} is not used "
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
        for commands in command_sets(ctx):
            step = commands.step
            if step is None or step.get("source-path"):
                continue
            for found in commands.found:
                if found.head == "source-path" and found.argument is None:
                    yield self.at(ctx.path, found.span,
                                  f"{commands.label}: {{source-path}} is used but "
                                  f"{step.called('step')} sets no `source-path`")


def _rendered(found: Placeholder, step: Step | None) -> str:
    """The start of what Valohai puts in place of a placeholder, for messages."""
    parameters = step.parameters if step is not None else []
    if found.head in NAMED:
        parameters = [p for p in parameters if p.name == found.argument]
    for parameter in parameters:
        default = parameter.get("default")
        if default is None or parameter.type == "flag" or isinstance(default, list) \
                or parameter.name is None:
            continue
        if found.head == "parameter-value":
            return str(default)
        template = parameter.str("pass-as") or "--{name}={value}"
        return template.replace("{name}", str(parameter.name)).replace(
            "{value}", str(default)).replace("{v}", str(default)) + " ..."
    return "--NAME=VALUE ..." if found.head != "parameter-value" else "VALUE"


class PlaceholderNotReplaced(DocumentRule):
    """
    ## What it does
    Reports a placeholder that Valohai will not replace, or will replace into
    something else than meant:
    - `${parameters}`, `${parameter-value:lr}`: Valohai replaces the braces,
      and the shell then reads `$--lr=0.1 ...` or `$0.1` (`$-` and `$0` are
      shell variables), so the first argument is corrupted;
    - `{{parameters}}`: double braces are not an escape; Valohai's pattern
      takes `{{parameters}` as one unknown group and passes the text on
      literally;
    - a `{parameters}` after an unclosed `{` on the same line, which Valohai
      reads as part of that group;
    - `{inputs}`, `{input:NAME}`: Valohai has no input placeholders; an
      input's files are in `/valohai/inputs/NAME/`.

    ## Why
    Valohai interpolates each `{...}` group it knows (valohai-yaml's
    `build_command`, pattern `{(.+?)}`, applied to step commands and node
    `override.command` alike) and leaves anything else as written, so the
    program receives the literal text or a mangled argument.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py ${parameters} --data {input:dataset}
        parameters:
          - {name: lr, type: float, default: 0.1}
        inputs:
          - {name: dataset}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters} --data /valohai/inputs/dataset/
        parameters:
          - {name: lr, type: float, default: 0.1}
        inputs:
          - {name: dataset}
    ```
    """

    code = "VH424"
    name = "placeholder-not-replaced"
    severity = Severity.ERROR
    summary = "A placeholder Valohai passes on literally or mangles (${parameters}, {{parameters}}, {inputs})"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for commands in command_sets(ctx):
            for found in commands.found:
                problem = self._problem(found, commands.step)
                if problem:
                    yield self.at(ctx.path, found.span, f"{commands.label}: {problem}")

    @staticmethod
    def _problem(found: Placeholder, step: Step | None) -> str | None:
        inner = found.text[1:-1]
        if found.dollar and replaced(found, step):
            made = _rendered(found, step)
            return (f"Valohai replaces {found.text} inside ${found.text}, so the shell receives "
                    f"'${made}' and expands '${made[:1]}' as a shell variable; write {found.text} "
                    "without '$'")
        if "{" in inner:
            hidden = "{" + inner[inner.rfind("{") + 1:] + "}"
            head, colon, argument = hidden[1:-1].partition(":")
            probe = found._replace(text=hidden, head=head, argument=argument if colon else None)
            if not replaced(probe, step):
                return None
            if inner.startswith("{") and inner.count("{") == 1:
                return (f"Valohai passes {found.text}}} on literally (double braces are not an "
                        f"escape); write {hidden}")
            return (f"Valohai does not replace {hidden} here: its pattern reads "
                    f"{found.text!r} as one group, from the unclosed '{{' before it; close or "
                    "quote that brace")
        if found.head in INPUT_HEADS and not found.dollar:
            name = found.argument or "NAME"
            return (f"Valohai has no input placeholders and passes {found.text} on literally; "
                    f"the files of an input are in /valohai/inputs/{name}/")
        return None


RULES = (
    UnknownPlaceholder,
    MalformedPlaceholder,
    UnusedParameter,
    SourcePathUnset,
    PlaceholderNotReplaced,
)
