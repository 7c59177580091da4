"""The JSON report, version 1, as the product contract fixes it."""

from __future__ import annotations

import json
from typing import Any

from yamlcheck import __version__
from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.report.base import Report, Reporter, register


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": d.path, "line": d.line, "column": d.column,
        "end_line": d.end_line, "end_column": d.end_column,
        "code": d.code, "name": d.name, "severity": d.severity.label, "message": d.message,
    }
    if d.fix is not None:
        entry["fix"] = {"replacement": d.fix.value}
    return entry


def report_json(report: Report) -> dict[str, Any]:
    return {
        "version": 1,
        "tool": {"name": "yamlcheck", "version": __version__},
        "files": report.files,
        "diagnostics": [diagnostic_json(d) for d in report.diagnostics],
        "images": [image.to_json() for image in report.images],
        "summary": {
            "files": len(report.files),
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
        },
    }


def dumps(document: dict[str, Any]) -> str:
    """Indented JSON with one list item per line.  Only the outer levels are
    laid out by hand; each item is encoded by the (C) compact encoder, which
    ``indent=`` would switch off."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = ["{"]
    keys = list(document)
    for position, key in enumerate(keys):
        comma = "," if position < len(keys) - 1 else ""
        value = document[key]
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {encode(item)}" for item in value)
            lines.append(f"  {encode(key)}: [\n{items}\n  ]{comma}")
        else:
            lines.append(f"  {encode(key)}: {encode(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


@register
class JsonReporter(Reporter):
    name = "json"

    def render(self, report: Report) -> str:
        return dumps(report_json(report))
