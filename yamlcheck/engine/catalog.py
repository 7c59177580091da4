"""Every rule yamlcheck has, listed in one place, in pipeline order.

``yamlcheck rules``, ``yamlcheck explain``, docs/rules.md, the SARIF rule
descriptors and the engine's list of document checks all come from here.
"""

from __future__ import annotations

from functools import cache

from yamlcheck.core.rule import Rule
from yamlcheck.document import findings as document_findings
from yamlcheck.engine import suppressions
from yamlcheck.images import registry_rules
from yamlcheck.images import rules as image_rules
from yamlcheck.registries import outcomes as registry_outcomes
from yamlcheck.repository import rules as repository_rules
from yamlcheck.rules import (
    connections,
    durations,
    endpoints,
    inputs,
    items,
    overrides,
    parameter_values,
    parameters,
    pipelines,
    placeholders,
    references,
    sockets,
    steps,
    tasks,
)
from yamlcheck.rules.base import DocumentRule
from yamlcheck.schema import findings as schema_findings

RULE_SETS: tuple[tuple[type[Rule], ...], ...] = (
    document_findings.RULES,  # VH001-VH005: loading the text
    suppressions.RULES,  # VH090
    schema_findings.RULES,  # VH101-VH104
    image_rules.RULES,  # VH201-VH206
    registry_rules.RULES,  # VH301-VH303
    registry_outcomes.RULES,  # VH310-VH318: --remote
    items.RULES,  # VH4xx: semantics
    steps.RULES,
    durations.RULES,
    parameters.RULES,
    parameter_values.RULES,
    placeholders.RULES,
    references.RULES,
    overrides.RULES,
    pipelines.RULES,
    sockets.RULES,
    connections.RULES,
    tasks.RULES,
    endpoints.RULES,
    repository_rules.RULES,  # VH501-VH504: the files commands need, from the repository
    inputs.RULES,  # VH505: input URIs (reads the document; off with --no-repo too)
)


@cache
def _by_code() -> dict[str, type[Rule]]:
    found: dict[str, type[Rule]] = {}
    for rule_set in RULE_SETS:
        for rule in rule_set:
            if rule.code in found:
                raise ValueError(f"rule code {rule.code} defined twice")
            found[rule.code] = rule
    return dict(sorted(found.items()))


def all_rules() -> list[type[Rule]]:
    """Every rule, sorted by code."""
    return list(_by_code().values())


def get_rule(code: str) -> type[Rule] | None:
    return _by_code().get(code.upper())


def known_code(selector: str) -> bool:
    """Whether a code or prefix (``VH2``, ``VH203``) names at least one rule."""
    selector = selector.upper()
    return any(code.startswith(selector) for code in _by_code())


@cache
def document_rules() -> tuple[DocumentRule, ...]:
    """Instances of the rules that read the typed document, in code order."""
    return tuple(rule() for rule in all_rules() if issubclass(rule, DocumentRule))
