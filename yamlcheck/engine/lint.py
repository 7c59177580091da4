"""The offline pipeline for one file: load -> shape -> schema -> rules -> filter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yamlcheck.core.diagnostic import Diagnostic
from yamlcheck.core.settings import Config
from yamlcheck.document.loader import Loaded, load
from yamlcheck.document.model import Document
from yamlcheck.document.shape import split_items
from yamlcheck.engine.catalog import document_rules, get_rule
from yamlcheck.engine.result import FileResult
from yamlcheck.engine.suppressions import apply_suppressions
from yamlcheck.images.occurrences import images_of
from yamlcheck.images.rules import ImageMissing
from yamlcheck.rules.context import LintContext
from yamlcheck.schema.validate import check_items


def lint_bytes(path: str, data: bytes, config: Config) -> FileResult:
    """Lint one file completely (without registry checks)."""
    result = analyse(load(path, data), config)
    finish(result)
    return result


def analyse(loaded: Loaded, config: Config,
            schema_check: Callable[..., list[Diagnostic]] = check_items) -> FileResult:
    """Every finding of the offline stages, before suppressions and selection.
    ``schema_check`` may replace the schema stage with one that remembers the
    findings of unchanged items (the language server's); it must find the same."""
    path = loaded.path
    found = list(loaded.diagnostics)
    items, problems = split_items(loaded.root, path, loaded.loaded)
    found.extend(problems)
    found.extend(schema_check(items, loaded.root, path, _MISSING_KEY_RULES))
    doc = Document(items)
    ctx = LintContext(path, loaded.text, loaded.root, doc, config)
    for rule in document_rules():
        found.extend(rule.check(ctx))
    result = FileResult(path, loaded.source, found, context=ctx)
    result.images = images_of(ctx)
    return result


# A missing required key that a later stage names better than VH102 does.
_MISSING_KEY_RULES = {"image": ImageMissing}


def finish(result: FileResult) -> None:
    """Apply suppressions, selection and severity overrides; sort and dedup."""
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
