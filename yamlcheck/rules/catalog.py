"""Imports every module that defines rules, so that the registry is complete."""

import yamlcheck.document.findings  # noqa: F401
import yamlcheck.images.registry_rules  # noqa: F401
import yamlcheck.images.rules  # noqa: F401
import yamlcheck.registries.outcomes  # noqa: F401
import yamlcheck.rules.endpoints  # noqa: F401
import yamlcheck.rules.items  # noqa: F401
import yamlcheck.rules.overrides  # noqa: F401
import yamlcheck.rules.parameters  # noqa: F401
import yamlcheck.rules.pipelines  # noqa: F401
import yamlcheck.rules.placeholders  # noqa: F401
import yamlcheck.rules.references  # noqa: F401
import yamlcheck.rules.steps  # noqa: F401
import yamlcheck.rules.tasks  # noqa: F401
import yamlcheck.schema.findings  # noqa: F401
import yamlcheck.suppressions  # noqa: F401
