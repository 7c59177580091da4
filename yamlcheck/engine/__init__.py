"""The engine: lint a text with a configuration and get a result.

The command line (cli.py, runner.py) and the language server are two faces
over it; nothing here knows about either, nor about terminals or files on
disk beyond what a stage needs (a repository, a registry).
"""

from yamlcheck.engine.lint import analyse, finish, lint_bytes
from yamlcheck.engine.result import FileResult

__all__ = ["FileResult", "analyse", "finish", "lint_bytes"]
