"""The engine's findings as LSP diagnostics: same codes, severities and places
as ``yamlcheck lint`` (0-based lines, columns in the negotiated code units)."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.report.sarif import RULES_URI
from yamlcheck.server.documents import TextDocument

SOURCE = "yamlcheck"

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def rule_href(code: str) -> str:
    """The rule's section of docs/rules.md."""
    return f"{RULES_URI}#{code.lower()}"


def diagnostic_range(found: Diagnostic, document: TextDocument) -> types.Range:
    """The finding's place; the engine's lines are 1-based and its end column
    exclusive, like LSP's end character."""
    last = max(0, document.line_count - 1)
    line = min(max(0, found.line - 1), last)
    end_line = min(max(line, found.end_line - 1), last)
    end_column = found.end_column - 1
    if found.end_line - 1 > last:  # past the end of the text: its very end
        end_column = len(document.line(last))
    return document.range(line, max(0, found.column - 1), end_line, max(0, end_column))


def to_lsp(found: Diagnostic, document: TextDocument) -> types.Diagnostic:
    data: dict[str, Any] = {"name": found.name}
    if found.fix is not None:
        data["fix"] = {"start": found.fix.start, "end": found.fix.end,
                       "replacement": found.fix.replacement, "value": found.fix.value}
    return types.Diagnostic(
        range=diagnostic_range(found, document),
        message=found.message,
        severity=_SEVERITIES[found.severity],
        code=found.code,
        code_description=types.CodeDescription(href=rule_href(found.code)),
        source=SOURCE,
        data=data,
    )


def problem_diagnostic(line: int, column: int, message: str) -> types.Diagnostic:
    """A configuration problem, shown on the config file itself."""
    start = types.Position(line=max(0, line), character=max(0, column))
    end = types.Position(line=max(0, line), character=max(0, column) + 1)
    return types.Diagnostic(range=types.Range(start=start, end=end), message=message,
                            severity=types.DiagnosticSeverity.Error, source=SOURCE)
