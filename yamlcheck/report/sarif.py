"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Artifact URIs are relative to the repository root (``%SRCROOT%``, given in
``originalUriBaseIds``) and percent-encoded, so that GitHub attaches each
result to the file of the checkout wherever yamlcheck ran from.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from yamlcheck import __version__
from yamlcheck.core.diagnostic import STDIN_PATH, Severity
from yamlcheck.core.rule import Rule
from yamlcheck.engine.catalog import all_rules
from yamlcheck.report.base import Report, Reporter, register
from yamlcheck.report.locations import (
    fingerprint,
    folder_uri,
    relative_to_root,
    repository_path,
    repository_root,
    uri_reference,
)

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


def artifact(path: str, root: str) -> dict[str, str]:
    """A file under ``root`` as a URI relative to %SRCROOT%; any other as an
    absolute ``file:`` URI; unnamed stdin as a relative URI of no folder."""
    if path == STDIN_PATH:
        return {"uri": uri_reference(path)}
    relative = relative_to_root(path, root)
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": uri_reference(relative), "uriBaseId": "%SRCROOT%"}


def run_root(paths: list[str]) -> str:
    """%SRCROOT%: the repository root of the first file (a run has one; a file
    of another repository gets an absolute URI), else of the current folder."""
    return repository_root(paths[0] if paths else os.path.join(os.getcwd(), "-"))


_LOCATED = re.compile(r"(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)", re.DOTALL)


def notification(line: str, root: str) -> dict[str, Any]:
    """One error line (``file:line:col: message`` or plain) as a tool
    execution notification."""
    found = _LOCATED.fullmatch(line)
    if found is None:
        return {"level": "error", "message": {"text": line}}
    return {
        "level": "error",
        "message": {"text": found["message"]},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact(found["path"], root),
            "region": {"startLine": int(found["line"]), "startColumn": int(found["column"])},
        }}],
    }


def sarif_log(report: Report, errors: list[str] | None = None) -> dict[str, Any]:
    """The log of a run; ``errors`` (a run that could not lint, exit 2) become
    tool execution notifications of a failed invocation."""
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    root = run_root(report.files)
    seen: Counter[str] = Counter()
    results = []
    for d in report.diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index.get(d.code, 0),
            "level": _LEVELS[d.severity],
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": artifact(d.path, root),
                "region": {"startLine": d.line, "startColumn": d.column,
                           "endLine": d.end_line, "endColumn": d.end_column},
            }}],
            "partialFingerprints": {
                "primaryLocationLineHash": fingerprint(
                    d, repository_path(d.path), report.source_line(d.path, d.line) or "", seen),
            },
        }
        if d.fix is not None:
            result["fixes"] = [{
                "description": {"text": f"Write {d.fix.value!r}"},
                "artifactChanges": [{
                    "artifactLocation": artifact(d.path, root),
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
            "originalUriBaseIds": {"%SRCROOT%": {"uri": folder_uri(root)}},
            "invocations": [{
                "executionSuccessful": not errors,
                **({"exitCode": 2, "toolExecutionNotifications": [
                    notification(line, root) for line in errors]} if errors else {}),
            }],
            "columnKind": "unicodeCodePoints",
            "artifacts": [{"location": artifact(path, root)} for path in report.files],
            "results": results,
        }],
    }


def dumps(log: dict[str, Any]) -> str:
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


@register
class SarifReporter(Reporter):
    name = "sarif"

    def render(self, report: Report) -> str:
        return dumps(sarif_log(report))
