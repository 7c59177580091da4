"""Rules as data: a rule's code, name, severity and documentation in one place.

A rule is a small class.  Its class attributes are the metadata and its
docstring is the documentation (Markdown with the sections ``What it does``,
``Why``, ``Example`` and ``Use instead``).  ``yamlcheck rules``, ``yamlcheck
explain``, the SARIF rule descriptors and docs/rules.md are all generated from
these classes, which the engine's catalog lists.  Findings are made with
:meth:`Rule.at`; rules that read the typed document subclass
``yamlcheck.rules.base.DocumentRule``.
"""

from __future__ import annotations

import inspect
import re
from typing import ClassVar

from yamlcheck.core.diagnostic import Diagnostic, Fix, Severity, Span, span_to_range

CODE = re.compile(r"VH\d{3}")


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
        if not CODE.fullmatch(cls.code):
            raise ValueError(f"bad rule code {cls.code!r}")
        if not (cls.name and cls.summary and cls.__doc__):
            raise ValueError(f"rule {cls.code} needs a name, a summary and a docstring")

    # -- emitting -----------------------------------------------------------
    @classmethod
    def at(cls, path: str, span: Span, message: str, fix: Fix | None = None) -> Diagnostic:
        line, col, end_line, end_col = span_to_range(span)
        return Diagnostic(
            path, line, col, end_line, end_col, cls.code, cls.name, cls.severity, message, fix
        )

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
