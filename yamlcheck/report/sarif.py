"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from yamlcheck import __version__
from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.core.rule import Rule
from yamlcheck.engine.catalog import all_rules
from yamlcheck.report.base import Report, Reporter, register

INFORMATION_URI = "https://github.com/yamlcheck/yamlcheck"
RULES_URI = f"{INFORMATION_URI}/blob/main/docs/rules.md"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _tags(rule: type[Rule]) -> list[str]:
    group = {"0": "yaml", "1": "schema", "2": "image", "3": "registry", "4": "semantics"}
    return ["valohai", group.get(rule.code[2], "meta")]


def rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    doc = rule.documentation()
    return {
        "id": rule.code,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.section("What it does") or rule.summary},
        "help": {"text": doc, "markdown": doc},
        "helpUri": f"{RULES_URI}#{rule.code.lower()}",
        "defaultConfiguration": {
            "level": _LEVELS[rule.severity],
            "enabled": rule.default_enabled,
        },
        "properties": {"tags": _tags(rule), "precision": "very-high"},
    }


def artifact(path: str) -> dict[str, str]:
    """A relative path is relative to the checkout (%SRCROOT%); an absolute one
    becomes a file: URI."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": path.replace("\\", "/"), "uriBaseId": "%SRCROOT%"}


def fingerprint(d: Diagnostic, line_text: str, seen: Counter[str]) -> str:
    """Stable across edits that only move the finding to another line."""
    message = re.sub(r"\bline \d+", "line", d.message)  # "first at line 3" moves too
    basis = f"{d.code}\0{d.path}\0{' '.join(line_text.split())}\0{message}"
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]
    seen[digest] += 1
    return f"{digest}:{seen[digest]}"


def sarif_log(report: Report) -> dict[str, Any]:
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    seen: Counter[str] = Counter()
    results = []
    for d in report.diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index.get(d.code, 0),
            "level": _LEVELS[d.severity],
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": artifact(d.path),
                "region": {"startLine": d.line, "startColumn": d.column,
                           "endLine": d.end_line, "endColumn": d.end_column},
            }}],
            "partialFingerprints": {
                "primaryLocationLineHash": fingerprint(
                    d, report.source_line(d.path, d.line) or "", seen),
            },
        }
        if d.fix is not None:
            result["fixes"] = [{
                "description": {"text": f"Write {d.fix.value!r}"},
                "artifactChanges": [{
                    "artifactLocation": artifact(d.path),
                    "replacements": [{
                        "deletedRegion": {"startLine": d.line, "startColumn": d.column,
                                          "endLine": d.end_line, "endColumn": d.end_column},
                        "insertedContent": {"text": d.fix.replacement},
                    }],
                }],
            }]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "yamlcheck",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule) for rule in rules],
            }},
            "automationDetails": {"id": "yamlcheck/"},
            "columnKind": "unicodeCodePoints",
            "artifacts": [{"location": artifact(path)} for path in report.files],
            "results": results,
        }],
    }


@register
class SarifReporter(Reporter):
    name = "sarif"

    def render(self, report: Report) -> str:
        return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
