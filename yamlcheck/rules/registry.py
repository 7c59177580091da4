"""Rules as data: every rule's code, name, severity and documentation in one place.

A rule is a small class.  Its class attributes are the metadata and its
docstring is the documentation (Markdown with the sections ``What it does``,
``Why``, ``Example`` and ``Use instead``).  ``yamlcheck rules``, ``yamlcheck
explain``, the SARIF rule descriptors and docs/rules.md are all generated from
these classes.  Rules that read the typed document override :meth:`Rule.check`;
rules raised by a pipeline stage (YAML loading, schema, registries) only carry
metadata and are emitted through :meth:`Rule.at`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from yamlcheck.diagnostic import Diagnostic, Fix, Severity, Span, span_to_range

if TYPE_CHECKING:
    from yamlcheck.lint_context import LintContext

_REGISTRY: dict[str, type[Rule]] = {}
_CODE_RE = re.compile(r"VH\d{3}")


class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.ERROR
    summary: ClassVar[str] = ""
    default_enabled: ClassVar[bool] = True
    fixable: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.code:
            return
        if not _CODE_RE.fullmatch(cls.code):
            raise ValueError(f"bad rule code {cls.code!r}")
        if cls.code in _REGISTRY and _REGISTRY[cls.code] is not cls:
            raise ValueError(f"rule code {cls.code} defined twice")
        if not (cls.name and cls.summary and cls.__doc__):
            raise ValueError(f"rule {cls.code} needs a name, a summary and a docstring")
        _REGISTRY[cls.code] = cls

    # -- emitting -----------------------------------------------------------
    @classmethod
    def at(cls, path: str, span: Span, message: str, fix: Fix | None = None) -> Diagnostic:
        line, col, end_line, end_col = span_to_range(span)
        return Diagnostic(
            path, line, col, end_line, end_col, cls.code, cls.name, cls.severity, message, fix
        )

    def check(self, ctx: LintContext) -> Iterable[Diagnostic]:
        """Yield findings for one document; stage-emitted rules yield nothing."""
        return ()

    # -- documentation ------------------------------------------------------
    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def section(cls, title: str) -> str:
        """The text of one ``## title`` section of the documentation."""
        doc = cls.documentation()
        match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
        return match.group(1).strip() if match else ""


def all_rules() -> list[type[Rule]]:
    """Every rule, sorted by code (imports every module that defines rules)."""
    import yamlcheck.rules.catalog  # noqa: F401  (registers the rules)

    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def get_rule(code: str) -> type[Rule] | None:
    import yamlcheck.rules.catalog  # noqa: F401  (registers the rules)

    return _REGISTRY.get(code.upper())


def checking_rules() -> list[Rule]:
    """Instances of the rules that read the typed document."""
    return [cls() for cls in all_rules() if cls.check is not Rule.check]

