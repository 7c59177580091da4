"""The offline pipeline for one file: load -> shape -> schema -> rules -> filter."""

from __future__ import annotations

from typing import Any

from yamlcheck.config.model import Config
from yamlcheck.diagnostic import Diagnostic, Fix
from yamlcheck.document.loader import Loaded, load
from yamlcheck.document.model import Document
from yamlcheck.document.reader import SourceText
from yamlcheck.document.shape import split_items
from yamlcheck.lint_context import LintContext
from yamlcheck.rules.registry import checking_rules, get_rule
from yamlcheck.schema.validate import check_items


class FileResult:
    """One file's findings and images."""

    __slots__ = ("context", "diagnostics", "fixes", "images", "path", "source")

    def __init__(self, path: str, source: SourceText | None,
                 diagnostics: list[Diagnostic] | None = None,
                 context: LintContext | None = None) -> None:
        self.path = path
        self.source = source
        self.diagnostics: list[Diagnostic] = diagnostics if diagnostics is not None else []
        self.images: list[Any] = []
        self.context = context
        self.fixes: list[Fix] = []  # fixes not tied to a finding (pinned digests)


def lint_bytes(path: str, data: bytes, config: Config) -> FileResult:
    """Lint one file completely (without registry checks)."""
    result = analyse(load(path, data), config)
    finish(result)
    return result


def analyse(loaded: Loaded, config: Config) -> FileResult:
    """Every finding of the offline stages, before suppressions and selection."""
    path = loaded.path
    found = list(loaded.diagnostics)
    items, problems = split_items(loaded.root, path, loaded.loaded)
    found.extend(problems)
    found.extend(check_items(items, loaded.root, path))
    doc = Document(items)
    ctx = LintContext(path, loaded.text, loaded.root, doc, config)
    for rule in _rules():
        found.extend(rule.check(ctx))
    result = FileResult(path, loaded.source, found, context=ctx)
    result.images = ctx.images
    return result


_RULE_CACHE: list[Any] = []


def _rules() -> list[Any]:
    if not _RULE_CACHE:
        _RULE_CACHE.extend(checking_rules())
    return _RULE_CACHE


def finish(result: FileResult) -> None:
    """Apply suppressions, selection and severity overrides; sort and dedup."""
    from yamlcheck.suppressions import apply_suppressions

    ctx = result.context
    assert ctx is not None
    selection = ctx.config.rules
    kept: dict[tuple[Any, ...], Diagnostic] = {}
    for diagnostic in apply_suppressions(result.diagnostics, ctx):
        rule = get_rule(diagnostic.code)
        default_enabled = rule.default_enabled if rule else True
        if not selection.enabled(diagnostic.code, default_enabled, ctx.path):
            continue
        severity = selection.severity_of(diagnostic.code, diagnostic.severity)
        if severity != diagnostic.severity:
            diagnostic = diagnostic.with_severity(severity)
        kept.setdefault((*diagnostic.sort_key, diagnostic.end_line, diagnostic.end_column),
                        diagnostic)
    result.diagnostics = sorted(kept.values(), key=lambda d: d.sort_key)
