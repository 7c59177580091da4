"""yamlcheck: a linter and pre-execution validator for valohai.yaml."""

__version__ = "0.1.0"
