"""Allow ``python -m yamlcheck``."""

from yamlcheck.cli import main

main()
