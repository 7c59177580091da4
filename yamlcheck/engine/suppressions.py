"""Inline suppressions: ``# yamlcheck: ignore[VH203] reason`` and
``# yamlcheck: file-ignore[VH205]``, and the rule that reports stale ones."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.core.rule import Rule
from yamlcheck.document.tree import PosList, PosMap
from yamlcheck.rules.context import LintContext

_COMMENT = re.compile(r"(?:^|(?<=\s))#\s*yamlcheck:\s*(file-ignore|ignore)\b(?:\[([^\]]*)\])?")
_CODE = re.compile(r"VH\d{0,3}")


class UnusedSuppression(Rule):
    """
    ## What it does
    Reports a `# yamlcheck: ignore[...]` or `# yamlcheck: file-ignore[...]`
    comment that suppresses nothing, or that names no valid rule code.

    ## Why
    A stale suppression hides the next real problem on that line.  Remove it
    once the finding it was written for is fixed.  Suppressions of the
    registry checks (VH31x) count as used only in runs with `--remote`, and
    those of the repository checks (VH5xx) only in runs that made them.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12  # yamlcheck: ignore[VH203]
        command: python train.py
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    ```
    """

    code = "VH090"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "A suppression comment that suppresses nothing"


class Suppression:
    def __init__(self, line: int, target: int, column: int, end_column: int,
                 codes: tuple[str, ...]) -> None:
        self.line = line  # 1-based line the comment stands on
        self.target = target  # 1-based line it applies to (0 for the whole file)
        self.column = column
        self.end_column = end_column
        self.codes = codes
        self.used: set[str] = set()
        self.last = target  # a multi-line value starting on the target line: its last line

    def covers(self, diagnostic: Diagnostic) -> str | None:
        if self.target and not self.target <= diagnostic.line <= self.last:
            return None
        for code in self.codes:
            if diagnostic.code.startswith(code):
                return code
        return None


def _quoted(prefix: str) -> bool:
    """Whether the text before a '#' leaves a quote open."""
    return prefix.count('"') % 2 == 1 or prefix.count("'") % 2 == 1


def parse(text: str) -> list[Suppression]:
    found: list[Suppression] = []
    if "yamlcheck:" not in text:
        return found
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if "yamlcheck:" not in line:
            continue
        match = _COMMENT.search(line)
        if not match or _quoted(line[: match.start()]):
            continue
        kind, inner = match.group(1), match.group(2) or ""
        codes = tuple((_CODE.fullmatch(c.strip().upper()) and c.strip().upper()) or ""
                      for c in inner.split(","))
        if kind == "file-ignore":
            target = 0
        elif line[: match.start()].strip():
            target = number
        else:
            target = _next_content_line(lines, number)
        found.append(Suppression(number, target, match.start() + 1, len(line.rstrip()) + 1,
                                 tuple(c for c in codes if c) if all(codes) else ()))
    return found


def _next_content_line(lines: list[str], number: int) -> int:
    for index in range(number, len(lines)):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index + 1
    return number


def _value_ends(root: Any) -> dict[int, int]:
    """1-based first line -> last line of every multi-line scalar value (a
    block scalar, a folded command), keyed also by its key's line: a comment
    there covers the whole value."""
    ends: dict[int, int] = {}
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, PosMap):
            places = [(node.key_span(k), node.value_span(k), v) for k, v in node.items()]
        elif isinstance(node, PosList):
            places = [(node.item_span(i), node.item_span(i), v) for i, v in enumerate(node)]
        else:
            continue
        for key_span, value_span, value in places:
            if isinstance(value, (PosMap, PosList)):
                pending.append(value)
            elif isinstance(value, str) and value_span[2] > value_span[0]:
                last = value_span[2] + 1 - (value_span[3] == 0)  # a block ends at column 0
                for line in (key_span[0] + 1, value_span[0] + 1):
                    ends[line] = max(ends.get(line, line), last)
    return ends


def apply_suppressions(found: Iterable[Diagnostic], ctx: LintContext) -> list[Diagnostic]:
    suppressions = parse(ctx.text)
    if not suppressions:
        return list(found)
    from yamlcheck.engine.catalog import known_code  # the catalog lists this module's rule

    ends = _value_ends(ctx.root)
    for suppression in suppressions:
        suppression.last = ends.get(suppression.target, suppression.target)
    kept = []
    for diagnostic in found:
        hit = False
        for suppression in suppressions:
            code = suppression.covers(diagnostic)
            if code:
                suppression.used.add(code)
                hit = True
        if not hit:
            kept.append(diagnostic)
    remote, repository = ctx.remote, ctx.repository
    for suppression in suppressions:
        span = (suppression.line - 1, suppression.column - 1, suppression.line - 1,
                suppression.end_column - 1, 0, 0)
        if not suppression.codes:
            kept.append(UnusedSuppression.at(
                ctx.path, span, "suppression comment names no valid rule code; "
                "write for example '# yamlcheck: ignore[VH203] reason'"))
            continue
        unknown = [c for c in suppression.codes if not known_code(c)]
        if unknown:
            kept.append(UnusedSuppression.at(
                ctx.path, span, f"suppression names {', '.join(unknown)}, which is no rule "
                "code; `yamlcheck rules` lists them"))
            continue
        unused = [c for c in suppression.codes
                  if c not in suppression.used and (remote or not c.startswith("VH31"))
                  and (repository or not c.startswith("VH5"))]
        if unused:
            where = "in this file" if suppression.target == 0 else f"on line {suppression.target}"
            kept.append(UnusedSuppression.at(
                ctx.path, span, f"suppression of {', '.join(unused)} matches no finding {where}; "
                "remove it"))
    return kept


RULES = (UnusedSuppression,)
