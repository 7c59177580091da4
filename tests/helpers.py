"""Helpers shared by the tests (imported as ``helpers``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from yamlcheck.core.diagnostic import Diagnostic
from yamlcheck.core.settings import Config, RuleSelection
from yamlcheck.engine import lint_bytes

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
ALL_RULES = RuleSelection(select=("VH0", "VH1", "VH2", "VH3", "VH4"))


def lint_text(text: str, config: Config | None = None, path: str = "valohai.yaml",
              everything: bool = False) -> list[Diagnostic]:
    """Lint YAML text in process and return the findings."""
    config = config or Config()
    if everything:
        config = config._replace(rules=ALL_RULES)
    return lint_bytes(path, text.encode("utf-8"), config).diagnostics


def codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


def corpus_dir(name: str) -> Path:
    """A folder of ../shared/corpus, or skip with the reason when it is absent."""
    folder = CORPUS / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (the shared corpus sits beside the project in CI)")
    return folder


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> tuple[int, str, str]:
    """Run the lint command in process through the runner; (status, stdout, stderr)."""
    from typer.testing import CliRunner

    from yamlcheck.cli import app

    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, list(args), input=stdin, env=env,
                                    catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr
