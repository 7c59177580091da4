"""The architecture holds: imports point one way, every module sits in a
layer, and every rule class is listed in the engine's catalog."""

from __future__ import annotations

import importlib
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import yamlcheck
from yamlcheck.core.rule import Rule
from yamlcheck.engine.catalog import RULE_SETS, all_rules

ROOT = Path(__file__).resolve().parents[1]


def _layers() -> list[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = text.split("[tool.importlinter]", 1)[1]
    return re.findall(r"\(?(yamlcheck\.[a-z_]+)\)?", block)


def test_lower_layers_never_import_higher_ones() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is a test dependency"
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_every_module_is_in_a_layer() -> None:
    layered = set(_layers())
    for module in pkgutil.iter_modules(yamlcheck.__path__):
        if module.name in ("__main__",):
            continue
        assert f"yamlcheck.{module.name}" in layered, (
            f"yamlcheck.{module.name} is in no layer of [tool.importlinter] in pyproject.toml")


def test_a_planted_upward_import_is_caught(tmp_path: Path) -> None:
    """The contract is not vacuous: a copy of the package with one import
    from a low layer to a high one breaks it."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe
    copy = tmp_path / "yamlcheck"
    shutil.copytree(ROOT / "yamlcheck", copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "document" / "tree.py").open("a", encoding="utf-8") as handle:
        handle.write("\nfrom yamlcheck.report import base  # noqa\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    result = subprocess.run([exe, "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, check=False,
                            env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "yamlcheck.document.tree -> yamlcheck.report.base" in result.stdout


def _rule_classes() -> set[type[Rule]]:
    found: set[type[Rule]] = set()
    for info in pkgutil.walk_packages(yamlcheck.__path__, "yamlcheck."):
        if info.name.startswith(("yamlcheck.server", "yamlcheck.__main__")):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Rule) and value.code
                    and value.__module__ == module.__name__):
                found.add(value)
    return found


def test_every_rule_is_in_the_catalog_once() -> None:
    listed = [rule for rule_set in RULE_SETS for rule in rule_set]
    assert len(listed) == len(set(listed))
    assert _rule_classes() == set(listed)
    codes = [rule.code for rule in all_rules()]
    assert codes == sorted(set(codes))


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_rule_metadata_is_complete(rule: type[Rule]) -> None:
    assert rule.name and rule.summary
    for section in ("What it does", "Why", "Example"):
        assert rule.section(section), f"{rule.code} lacks a '## {section}' section"
