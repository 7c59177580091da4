"""Imports every module that defines rules, so that the registry is complete."""

import yamlcheck.document.findings
import yamlcheck.images.registry_rules
import yamlcheck.images.rules
import yamlcheck.registries.outcomes
import yamlcheck.rules.endpoints
import yamlcheck.rules.items
import yamlcheck.rules.overrides
import yamlcheck.rules.parameters
import yamlcheck.rules.pipelines
import yamlcheck.rules.placeholders
import yamlcheck.rules.references
import yamlcheck.rules.sockets
import yamlcheck.rules.steps
import yamlcheck.rules.tasks
import yamlcheck.schema.findings
import yamlcheck.suppressions  # noqa: F401
