"""Imports every module that defines rules, so that the registry is complete."""

import yamlcheck.document.findings  # noqa: F401
import yamlcheck.images.registry_rules  # noqa: F401
import yamlcheck.images.rules  # noqa: F401
import yamlcheck.schema.findings  # noqa: F401
import yamlcheck.suppressions  # noqa: F401
