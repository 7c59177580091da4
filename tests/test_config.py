"""Config discovery, validation (located errors, exit 2) and rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli

from yamlcheck.config.loader import ConfigError, discover, load_config
from yamlcheck.core.diagnostic import Severity
from yamlcheck.core.settings import RuleSelection

STEP = """\
- step:
    name: train
    image: {image}
    command: python train.py
"""


def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir(parents=True)
    (tmp_path / "train.py").write_text("print('training')\n")  # what STEP runs
    return tmp_path


def test_nearest_config_wins(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / ".yamlcheck.yaml").write_text("rules: {ignore: [VH2]}\n")
    sub = root / "svc"
    sub.mkdir()
    (sub / ".yamlcheck.yml").write_text("rules: {ignore: [VH4]}\n")
    assert discover(sub) == sub / ".yamlcheck.yml"
    assert discover(root) == root / ".yamlcheck.yaml"


def test_discovery_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".yamlcheck.yaml").write_text("rules: {ignore: [VH2]}\n")
    inner = repo(tmp_path / "project")
    assert discover(inner) is None


def test_pyproject_table(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "pyproject.toml").write_text("[project]\nname='x'\n\n[tool.yamlcheck]\nplatform = "
                                         "'linux/arm64'\n[tool.yamlcheck.rules]\nignore = ['VH205']\n")
    found = discover(root)
    assert found == root / "pyproject.toml"
    config = load_config(found)
    assert config.platform == "linux/arm64" and config.rules.ignore == ("VH205",)


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "pyproject.toml").write_text("[project]\nname='x'\n")
    assert discover(root) is None


def test_config_applies_when_linting(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / ".yamlcheck.yaml").write_text("rules:\n  ignore: [VH203]\n  severity: {VH204: warning}\n")
    path = root / "valohai.yaml"
    path.write_text(STEP.format(image="python"))
    status, out, _ = run_cli("lint", str(path), "--format", "concise")
    assert status == 0
    assert "VH203" not in out and "VH204 warning" in out


def test_explicit_config_option(tmp_path: Path) -> None:
    root = repo(tmp_path)
    other = tmp_path / "elsewhere.yaml"
    other.write_text("rules: {select: [VH1]}\n")
    path = root / "valohai.yaml"
    path.write_text(STEP.format(image="python"))
    status, out, _ = run_cli("lint", str(path), "--config", str(other))
    assert status == 0 and "No problems" in out


@pytest.mark.parametrize(("text", "line", "column", "words"), [
    ("registries:\n  - match: 'docker.io/acme/*'\n    type: docker-hub\n    username: u\n"
     "    password: hunter2\n", 5, 5, "'password-env'"),
    ("registries:\n  - match: x\n    type: quay\n", 3, 11, "must be one of"),
    ("registries:\n  - type: basic\n    docker-config: true\n", 2, 5, "'match'"),
    ("rules:\n  selct: [VH2]\n", 2, 3, "did you mean 'select'"),
    ("rules:\n  ignore: [E501]\n", 2, 12, "does not fit"),
    ("platform: 12\n", 1, 11, "must be a string"),
    ("registries:\n  - match: 'docker.io/acme/*'\n    type: docker-hub\n", 2, 5, "password-env"),
    ("registry-hosts:\n  r.example:\n    endpoint: ftp://x\n", 3, 15, "does not fit"),
    ("a: [1,\n", 2, 1, "not closed"),
])
def test_config_errors_are_located_and_exit_2(tmp_path: Path, text: str, line: int, column: int,
                                               words: str) -> None:
    root = repo(tmp_path)
    (root / ".yamlcheck.yaml").write_text(text)
    (root / "valohai.yaml").write_text(STEP.format(image="docker.io/library/python:3.12"))
    status, out, err = run_cli("lint", str(root / "valohai.yaml"))
    assert status == 2 and out == ""
    assert f".yamlcheck.yaml:{line}:{column}: " in err, err
    assert words in err
    assert "hunter2" not in err and "Traceback" not in err


def test_unreadable_explicit_config(tmp_path: Path) -> None:
    status, _, err = run_cli("lint", "--config", str(tmp_path / "missing.yaml"), "-",
                             stdin=b"- step: {name: a}\n")
    assert status == 2 and "cannot read the config file" in err


def test_load_config_resolves_ca_bundle_relative_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / ".yamlcheck.yaml"
    path.write_text("registry-hosts:\n  r.example:5000:\n    ca-bundle: certs/ca.pem\n"
                    "    insecure-http: true\n")
    host = load_config(path).registry_hosts["r.example:5000"]
    assert host.ca_bundle == str((tmp_path / "certs" / "ca.pem").resolve())
    assert host.insecure_http


def test_config_error_type(tmp_path: Path) -> None:
    path = tmp_path / ".yamlcheck.yaml"
    path.write_text("- just a list\n")
    with pytest.raises(ConfigError):
        load_config(path)


@pytest.mark.parametrize(("select", "ignore", "code", "enabled"), [
    (("VH",), (), "VH203", True),
    (("VH",), ("VH2",), "VH203", False),
    (("VH203",), ("VH2",), "VH203", True),  # the more specific prefix wins
    (("VH2",), ("VH203",), "VH203", False),
    (("VH1",), (), "VH203", False),
])
def test_rule_selection(select: tuple[str, ...], ignore: tuple[str, ...], code: str,
                        enabled: bool) -> None:
    assert RuleSelection(select=select, ignore=ignore).enabled(code) is enabled


def test_default_off_rules_need_an_explicit_selector() -> None:
    assert not RuleSelection().enabled("VH206", default_enabled=False)
    assert RuleSelection(select=("VH", "VH2")).enabled("VH206", default_enabled=False)


def test_per_file_ignores(tmp_path: Path) -> None:
    selection = RuleSelection(per_file_ignores=(("legacy/*.yaml", ("VH2",)),))
    assert not selection.enabled("VH203", path="legacy/valohai.yaml")
    assert selection.enabled("VH203", path="new/valohai.yaml")


def test_severity_override() -> None:
    selection = RuleSelection(severity={"VH205": Severity.ERROR})
    assert selection.severity_of("VH205", Severity.WARNING) is Severity.ERROR
