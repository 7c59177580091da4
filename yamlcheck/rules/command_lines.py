"""The command lines Valohai interpolates, and the {…} groups in them.

Valohai replaces each non-greedy ``{...}`` group of a command line that it
knows (valohai-yaml's ``build_command``: the pattern ``{(.+?)}``) and leaves
every other group as it is.  Step commands and pipeline nodes'
``override.command`` are interpolated alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from yamlcheck.core.diagnostic import Span
from yamlcheck.document.model import Step
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.references import node_step, pipeline_nodes
from yamlcheck.rules.spans import inner_span

# Valohai replaces every non-greedy {...} group it knows and leaves the rest.
_GROUP = re.compile(r"\{(.+?)\}")
ALL = ("parameters", "params")
NAMED = ("parameter", "parameter-value")
KNOWN_HEADS = (*ALL, *NAMED, "source-path")
INPUT_HEADS = ("input", "inputs", "input-path", "input-paths", "input-dir", "inputs-dir")
WORDISH = re.compile(r"[A-Za-z][A-Za-z_-]*(?::[^\s{}]*)?")


class Placeholder(NamedTuple):
    text: str  # the whole {…} as Valohai's pattern takes it
    head: str  # before the first ':'
    argument: str | None  # after it
    span: Span
    dollar: bool  # written as ${…}


class Commands(NamedTuple):
    """Command lines Valohai interpolates, and the step whose parameters they use."""

    label: str  # step 'train', or pipeline 'p' node 'n'
    lines: list[tuple[str, Span]]
    step: Step | None  # None: the step is not known here (another commit, a typo)
    found: list[Placeholder]  # the {…} groups of the lines
    own: bool  # the step's own commands (not a node's override)


def command_sets(ctx: LintContext) -> list[Commands]:
    """Every step's commands, then every node override's (found once per file)."""
    return ctx.memo("command-sets", _command_sets)


def _command_sets(ctx: LintContext) -> list[Commands]:
    sets = [Commands(f"{step.called('step')}", step.commands, step,
                     list(placeholders(ctx, step.commands)), True) for step in ctx.doc.steps]
    for pipeline, node in pipeline_nodes(ctx):
        override = node.override
        if override is not None and override.has("command"):
            lines = override.strings("command")
            sets.append(Commands(f"{pipeline.called('pipeline')} {node.called('node')}", lines,
                                 node_step(ctx, node), list(placeholders(ctx, lines)), False))
    return sets


def placeholders(ctx: LintContext, lines: list[tuple[str, Span]]) -> Iterator[Placeholder]:
    for command, span in lines:
        seen: dict[str, int] = {}
        for match in _GROUP.finditer(command):
            text, inner = match.group(0), match.group(1)
            occurrence = seen.get(text, 0)
            seen[text] = occurrence + 1
            head, colon, argument = inner.partition(":")
            dollar = match.start() > 0 and command[match.start() - 1] == "$"
            yield Placeholder(text, head, argument if colon else None,
                              inner_span(ctx.text, span, text, occurrence), dollar)


def replaced(found: Placeholder, step: Step | None) -> bool:
    """Whether Valohai replaces this group (with the step's parameters known)."""
    if found.head in ALL and found.argument is None:
        return True
    if found.head in NAMED and found.argument is not None:
        return step is None or found.argument in step.parameter_names
    return found.head == "source-path" and found.argument is None
