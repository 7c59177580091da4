"""The offline path stays light: no cloud SDK, no HTTP library, no jsonschema
for a valid file (a benchmark measures the time; this checks the modules)."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT

HEAVY = ("boto3", "botocore", "google", "docker", "requests", "urllib3", "jsonschema", "rich",
         "pydantic", "pygls", "lsprotocol", "cattrs")


def imported(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "yamlcheck", *args],
                            capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    names = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()
             if line.startswith("import time:")}
    return names


def test_offline_lint_of_a_valid_file_imports_nothing_heavy() -> None:
    names = imported("lint", "examples/valohai.yaml")
    assert "yamlcheck" in names
    assert not names & set(HEAVY), sorted(names & set(HEAVY))


def test_offline_lint_with_findings_loads_jsonschema_only() -> None:
    names = imported("lint", "examples/broken/valohai.yaml")
    assert "jsonschema" in names  # a schema error needs its explanation
    assert not names & (set(HEAVY) - {"jsonschema"})


def test_version_imports_only_the_cli() -> None:
    names = imported("--version")
    assert not names & set(HEAVY)
    assert "ruamel" not in names
