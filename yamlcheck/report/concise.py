"""One line per finding: ``path:line:col: CODE [severity] message``."""

from __future__ import annotations

from yamlcheck.report.base import Report, Reporter, register
from yamlcheck.report.text import Painter, headline, summary


@register
class ConciseReporter(Reporter):
    name = "concise"

    def render(self, report: Report) -> str:
        paint = Painter(self.color)
        lines = [headline(d, paint) for d in report.diagnostics]
        if self.verbose or not lines:
            lines.append(summary(report))
        return "\n".join(lines) + "\n"
