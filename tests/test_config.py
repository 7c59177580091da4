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
    # Codes and prefixes that name no rule would silently switch rules off.
    ("rules:\n  select: [VH, VH999]\n", 2, 16, "rules.select[1]: 'VH999' matches no rule"),
    ("rules:\n  ignore:\n    - VH205\n    - VH7\n", 4, 7, "rules.ignore[1]: 'VH7' matches no"),
    ("rules:\n  severity: {VH206: warning, VH998: info}\n", 2, 30,
     "rules.severity: 'VH998' matches no rule"),
    ("rules:\n  per-file-ignores:\n    'legacy/*': [VH2, VH88]\n", 3, 23,
     "rules.per-file-ignores['legacy/*'][1]: 'VH88' matches no rule"),
    ("registries:\n  - {match: 'https://gcr.io/acme/*', type: gcp}\n", 2, 13,
     "is a URL; Valohai matches patterns against image names, so write 'gcr.io/acme/*'"),
    ("registries:\n  - {match: 'docker.io/acme/', type: basic, docker-config: true}\n", 2, 13,
     "ends with '/', which no image name does; write 'docker.io/acme/*'"),
    ("registries:\n  - {match: 'docker.io/acme/*', type: aws-ecr}\n", 2, 13,
     "type 'aws-ecr' cannot give credentials for docker.io"),
    # A secret pasted where the name of its variable belongs is never echoed.
    ("registries:\n  - match: 'docker.io/acme/*'\n    type: docker-hub\n    username: u\n"
     "    password-env: 'hunter2+Tok/en=='\n", 5, 19, "is not an environment variable name"),
    ("registries:\n  - match: 'docker.io/acme/*'\n    type: docker-hub\n    username: u\n"
     "    password-env: dckr_pat_hunter2hunter2hunter2\n", 5, 19, "looks like a token itself"),
    ("registries:\n  - match: '1.dkr.ecr.eu-west-1.amazonaws.com/*'\n    type: aws-ecr\n"
     "    access-key-id-env: AKIAHUNTER2EXAMPLE12\n    secret-access-key-env: S\n", 4, 24,
     "looks like a token itself"),
    # registry-hosts keys that no image's host can ever be
    ("registry-hosts:\n  'https://r.example':\n    insecure-http: true\n", 2, 3,
     "'https://r.example' is a URL; settings apply per host as image names write it: "
     "write 'r.example'"),
    ("registry-hosts:\n  r.example/acme: {insecure-http: true}\n", 2, 3,
     "has a path; settings apply per host: write 'r.example'"),
    ("registry-hosts:\n  'r example': {insecure-http: true}\n", 2, 3, "is not a registry host"),
    # keys that are not strings
    ('registries: [{match: "x.io/*", type: basic, docker-config: true, 1: foo}]\n', 1, 66,
     "unknown key '1'"),
    ("registry-hosts: {1: {}}\n", 1, 18, "1 is not a registry host"),
    ("registry-hosts: {null: {}}\n", 1, 18, "'null' is not a registry host"),
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
    assert "hunter2" not in err.lower() and "Traceback" not in err


def test_registry_hosts_keys_of_every_host_form_are_accepted(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / ".yamlcheck.yaml").write_text(
        "registry-hosts:\n  localhost: {insecure-http: true}\n  '127.0.0.1:5000': {}\n"
        "  '[::1]:5000': {}\n  registry.example.com: {}\n")
    (root / "valohai.yaml").write_text(STEP.format(image="docker.io/library/python:3.12"))
    assert run_cli("lint", "--no-repo", str(root / "valohai.yaml"))[0] == 0


@pytest.mark.parametrize(("name", "data", "words"), [
    ("pyproject.toml", b"[tool.yamlcheck]\nrules = {ignore = ['VH2']}\n# caf\xe9\n",
     "pyproject.toml:3:6: the config file is not UTF-8 text (byte 0xe9); save it as UTF-8"),
    ("pyproject.toml", "[tool.yamlcheck]\nplatform = 5\n".encode("utf-16"),
     "pyproject.toml:1:1: the config file is UTF-16 text; save it as UTF-8"),
    (".yamlcheck.yaml", "platform: linux/amd64\n".encode("utf-16"),
     ".yamlcheck.yaml:1:1: the config file is UTF-16 text; save it as UTF-8"),
    (".yamlcheck.yaml", b"\xef\xbb\xbfrules:\n  select: [VH\xff]\n",
     ".yamlcheck.yaml:2:14: the config file is not UTF-8 text (byte 0xff); save it as UTF-8"),
])
def test_a_config_file_that_is_not_utf8_is_an_error_when_found(tmp_path: Path, name: str,
                                                                data: bytes, words: str) -> None:
    root = repo(tmp_path)
    (root / name).write_bytes(data)
    (root / "valohai.yaml").write_text(STEP.format(image="python:3.12"))
    status, out, err = run_cli("lint", "--no-repo", "valohai.yaml", cwd=root)
    assert (status, out) == (2, "")
    assert err.strip() == words
    assert run_cli("lint", "--no-repo", name, cwd=root)[0] == 2  # what a hook passes


def test_a_pyproject_of_another_tool_that_is_not_utf8_is_left_alone(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "pyproject.toml").write_bytes(b"[project]\nname = 'x'\n# caf\xe9\n")
    (root / "valohai.yaml").write_text(STEP.format(image="docker.io/library/python:3.12"))
    assert run_cli("lint", "--no-repo", "valohai.yaml", cwd=root)[0] == 0


def test_a_config_outside_the_current_folder_is_named_as_given(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "here").mkdir()
    (tmp_path / "here" / "valohai.yaml").write_text(STEP.format(image="python:3.12"))
    given = str(tmp_path / "elsewhere")
    status, _, err = run_cli("lint", "valohai.yaml", "--config", given, cwd=tmp_path / "here")
    assert status == 2 and err.startswith(f"{given}: cannot read the config file")


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


def _project_with_legacy(tmp_path: Path, config: str, name: str = ".yamlcheck.yaml") -> Path:
    root = repo(tmp_path / "proj")
    (root / name).write_text(config)
    for folder in ("legacy", "x/legacy"):
        (root / folder).mkdir(parents=True)
        (root / folder / "valohai.yaml").write_text(STEP.format(image="python:3.9"))
    return root


@pytest.mark.parametrize("name", [".yamlcheck.yaml", "pyproject.toml"])
def test_per_file_ignores_are_relative_to_the_config_file(tmp_path: Path, name: str) -> None:
    config = ('rules:\n  per-file-ignores:\n    "legacy/*.yaml": [VH2]\n' if name != "pyproject.toml"
              else '[tool.yamlcheck.rules.per-file-ignores]\n"legacy/*.yaml" = ["VH2"]\n')
    root = _project_with_legacy(tmp_path, config, name)
    status, out, _ = run_cli("lint", "legacy/valohai.yaml", "x/legacy/valohai.yaml",
                             "--format", "concise", "--no-repo", cwd=root)
    assert status == 1
    assert out.splitlines() == [
        "x/legacy/valohai.yaml:3:12: VH203 error: image 'python:3.9' has no registry host; "
        "write 'docker.io/library/python:3.9'"]
    # From the linted file's own folder, the path as typed is just valohai.yaml.
    status, out, _ = run_cli("lint", "valohai.yaml", "--format", "concise", "--no-repo",
                             cwd=root / "legacy")
    assert status == 0 and "No problems found" in out
    status, out, _ = run_cli("lint", "valohai.yaml", "--format", "concise", "--no-repo",
                             cwd=root / "x" / "legacy")
    assert status == 1 and "VH203" in out


PYPROJECT = """\
[project]
name = "demo"
description = "a [tool.yamlcheck] table follows"

[tool.yamlcheck]
platform = 12

[tool.yamlcheck.rules]
selct = ["VH2"]
ignore = [
  "VH205",
  "VH7",
]
severity = { VH206 = "warning", VH998 = "info" }

[[tool.yamlcheck.registries]]
match = "docker.io/acme/*"
type = "docker-hub"
username = "u"
password = "hunter2"
"""


def test_pyproject_errors_are_located_at_their_keys(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "valohai.yaml").write_text(STEP.format(image="docker.io/library/python:3.12"))
    status, out, err = run_cli("lint", "valohai.yaml", cwd=root)
    assert status == 2 and out == ""
    lines = err.splitlines()
    expected = [
        "pyproject.toml:6:12: config: platform must be a string",
        "pyproject.toml:9:1: config: rules: unknown key 'selct'",
        "pyproject.toml:12:3: rules.ignore[1]: 'VH7' matches no rule",
        "pyproject.toml:14:33: rules.severity: 'VH998' matches no rule",
        "pyproject.toml:20:1: registries[0]: a literal 'password' is not allowed",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, err)
    assert "hunter2" not in err


def test_invalid_toml_in_pyproject_is_located(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "pyproject.toml").write_text("[tool.yamlcheck]\nplatform = 'linux/arm64\n")
    (root / "valohai.yaml").write_text(STEP.format(image="docker.io/library/python:3.12"))
    status, _, err = run_cli("lint", "valohai.yaml", cwd=root)
    assert status == 2
    assert err.startswith("pyproject.toml:2:24: invalid TOML: "), err


def test_explicit_pyproject_without_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    status, _, err = run_cli("lint", "--config", str(tmp_path / "pyproject.toml"), "-",
                             stdin=STEP.format(image="docker.io/library/python:3.12").encode())
    assert status == 2 and "no [tool.yamlcheck] table" in err


TOML = r"""[a]
x = "has # and \" quote"  # note
b.c = [1, [2, 3],
  {d = 4}]
[[t]]
k = 1
[[t]]
k = '''multi
line'''
[t.sub]
z = 1979-05-27 07:32:00
"""


def test_toml_positions() -> None:
    from yamlcheck.config.toml_positions import toml_positions

    found = toml_positions(TOML)

    def value(*path: object) -> str:
        span = found[path][1]
        return TOML[span[4]:span[5]]

    assert value("a", "x") == r'"has # and \" quote"'
    assert found[("a", "b")][0][:2] == (2, 0)  # a dotted key places its table
    assert value("a", "b", "c", 1, 0) == "2"
    assert value("a", "b", "c", 2, "d") == "4"
    assert found[("a", "b", "c", 2, "d")][0][:2] == (3, 3)
    assert value("t", 0, "k") == "1"
    assert value("t", 1, "k") == "'''multi\nline'''"
    assert value("t", 1, "sub", "z") == "1979-05-27 07:32:00"
