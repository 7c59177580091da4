"""GitHub Actions workflow-command annotations (``::error file=...::message``)."""

from __future__ import annotations

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.report.base import Report, Reporter, register
from yamlcheck.report.text import summary

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic) -> str:
    props = [f"file={escape_property(d.path)}", f"line={d.line}", f"endLine={d.end_line}"]
    if d.line == d.end_line:  # GitHub only honours columns on single-line ranges
        props += [f"col={d.column}", f"endColumn={d.end_column}"]
    props.append(f"title={escape_property(f'yamlcheck ({d.code}) {d.name}')}")
    message = f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}"
    return f"::{_COMMANDS[d.severity]} {','.join(props)}::{escape_data(message)}"


@register
class GithubReporter(Reporter):
    name = "github"

    def render(self, report: Report) -> str:
        lines = [annotation(d) for d in report.diagnostics]
        lines.append(summary(report))
        return "\n".join(lines) + "\n"
