"""Human output: path:line:col, code, message, and the source line with a caret."""

from __future__ import annotations

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.report.base import Report, Reporter, register

_RESET, _BOLD, _DIM = "\033[0m", "\033[1m", "\033[2m"
_SEVERITY_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m",
                    Severity.INFO: "\033[36m"}
_MAX_SHOWN = 200


class Painter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        return "".join(styles) + text + _RESET


def headline(d: Diagnostic, paint: Painter) -> str:
    color = _SEVERITY_COLORS[d.severity]
    return (f"{paint(f'{d.path}:{d.line}:{d.column}:', _BOLD)} "
            f"{paint(d.code, _BOLD, color)} {paint(d.severity.label, color)}: {d.message}")


def summary(report: Report) -> str:
    errors, warnings, infos = (report.count(s) for s in
                               (Severity.ERROR, Severity.WARNING, Severity.INFO))
    files = len(report.files)
    noun = "file" if files == 1 else "files"
    total = errors + warnings + infos
    if not total:
        text = f"No problems found in {files} {noun}."
    else:
        parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in
                 ((errors, "error"), (warnings, "warning"), (infos, "info")) if n]
        text = f"Found {total} problem{'' if total == 1 else 's'} in {files} {noun}: " + ", ".join(
            parts) + "."
        fixable = sum(1 for d in report.diagnostics if d.fix is not None)
        if fixable:
            text += f" {fixable} fixable with --fix."
    if report.fixed:
        text += f" Fixed {report.fixed} image reference{'' if report.fixed == 1 else 's'}."
    return text


@register
class TextReporter(Reporter):
    name = "text"

    def render(self, report: Report) -> str:
        paint = Painter(self.color)
        blocks = []
        for d in report.diagnostics:
            lines = [headline(d, paint)]
            source = report.source_line(d.path, d.line)
            if source is not None:
                lines.extend(self._snippet(d, source, paint))
            blocks.append("\n".join(lines))
        blocks.append(paint(summary(report), _BOLD))
        return "\n\n".join(blocks) + "\n" if len(blocks) > 1 else blocks[0] + "\n"

    def _snippet(self, d: Diagnostic, source: str, paint: Painter) -> list[str]:
        start = d.column - 1
        end = d.end_column - 1 if d.end_line == d.line else len(source)
        shown = source.expandtabs(4) if "\t" in source else source
        if "\t" in source:
            start = len(source[:start].expandtabs(4))
            end = len(source[:end].expandtabs(4))
        if len(shown) > _MAX_SHOWN:
            shown = shown[:_MAX_SHOWN] + "…"
        end = max(start + 1, min(end, len(shown)))
        gutter = " " * len(str(d.line))
        before, under = _width(shown[:start]), max(1, _width(shown[start:end]))
        caret = " " * before + "^" * under
        color = _SEVERITY_COLORS[d.severity]
        note = paint("  fixable with --fix", _DIM) if d.fix is not None else ""
        return [
            paint(f"{gutter} |", _DIM),
            paint(f"{d.line} |", _DIM) + f" {shown}",
            paint(f"{gutter} |", _DIM) + " " + paint(caret, color, _BOLD) + note,
        ]


def _width(text: str) -> int:
    """Terminal columns of ``text``: wide characters (CJK, emoji) take two."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
