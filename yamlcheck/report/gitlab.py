"""GitLab Code Quality (a subset of Code Climate's issue format) for merge
request widgets and diffs: ``artifacts: reports: codequality:``."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.report.base import Report, Reporter, register
from yamlcheck.report.locations import fingerprint, repository_path

# GitLab's scale is info, minor, major, critical, blocker.  An error is a file
# Valohai refuses or a run certain to fail; a warning is probably a mistake.
SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "minor", Severity.INFO: "info"}


def issue(d: Diagnostic, path: str, mark: str) -> dict[str, Any]:
    return {
        "type": "issue",
        "check_name": d.code,
        "description": f"{d.code} {d.name}: {d.message}",
        "categories": ["Bug Risk"],
        "severity": SEVERITIES[d.severity],
        "fingerprint": mark,
        "location": {"path": path, "lines": {"begin": d.line, "end": d.end_line}},
    }


def code_quality(report: Report) -> list[dict[str, Any]]:
    seen: Counter[str] = Counter()
    issues = []
    for d in report.diagnostics:
        path = repository_path(d.path)
        line_text = report.source_line(d.path, d.line) or ""
        issues.append(issue(d, path, fingerprint(d, path, line_text, seen)))
    return issues


@register
class GitlabReporter(Reporter):
    name = "gitlab"

    def render(self, report: Report) -> str:
        return json.dumps(code_quality(report), indent=2, ensure_ascii=False) + "\n"
