"""The base of the rules that read one typed document."""

from __future__ import annotations

from collections.abc import Iterable

from yamlcheck.core.diagnostic import Diagnostic
from yamlcheck.core.rule import Rule
from yamlcheck.rules.context import LintContext


class DocumentRule(Rule):
    """A rule with a check over one file's :class:`LintContext`."""

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        raise NotImplementedError
