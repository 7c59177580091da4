"""yamlcheck: a linter and pre-execution validator for valohai.yaml."""

__version__ = "0.2.0"
