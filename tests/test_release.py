"""The release artefacts as `python -m build` makes them (the sdist, then the
wheel built from the sdist), each installed into a fresh virtualenv and run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT

from yamlcheck import __version__

# The tests get a private XDG cache; pip's own cache keeps the installs fast.
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pip")
SCHEMAS = sorted(p.name for p in (ROOT / "schemas").glob("*.json"))


def _run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_CACHE_DIR": PIP_CACHE, "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean copy of the project (no virtualenvs, caches or build output), built."""
    source = tmp_path_factory.mktemp("source") / "yamlcheck"
    ignore = shutil.ignore_patterns(".venv*", ".git", "__pycache__", "*.egg-info", "build",
                                    "dist", ".pytest_cache", ".hypothesis", "results",
                                    ".ruff_cache", ".import_linter_cache")
    shutil.copytree(ROOT, source, ignore=ignore)
    out = tmp_path_factory.mktemp("dist")
    built = _run(sys.executable, "-m", "build", "--outdir", out, source)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


def _artefact(dist: Path, pattern: str) -> Path:
    (found,) = dist.glob(pattern)
    return found


@pytest.mark.slow
def test_the_sdist_and_the_wheel_carry_the_schemas_and_the_licence(dist: Path) -> None:
    with tarfile.open(_artefact(dist, "*.tar.gz")) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {f"schemas/{name}" for name in SCHEMAS} <= names
    assert "LICENSE" in names and "yamlcheck/py.typed" in names
    assert not any(name.startswith((".venv", "bench/.venv")) for name in names)
    with zipfile.ZipFile(_artefact(dist, "*.whl")) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"yamlcheck-{__version__}.dist-info/METADATA").decode()
    assert {f"yamlcheck/schemas/{name}" for name in SCHEMAS} <= names
    assert f"yamlcheck-{__version__}.dist-info/licenses/LICENSE" in names
    for line in ("License-Expression: MIT", "Requires-Python: >=3.10",
                 "Classifier: Programming Language :: Python :: 3.10",
                 "Classifier: Programming Language :: Python :: 3.13",
                 "Classifier: Operating System :: OS Independent", "Classifier: Typing :: Typed",
                 "Requires-Dist: tomli>=1.1; python_version < '3.11'"):
        assert line in metadata.splitlines(), line


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["*.whl", "*.tar.gz"])
def test_each_artefact_installs_and_lints(dist: Path, tmp_path: Path, kind: str) -> None:
    venv = tmp_path / "venv"
    assert _run(sys.executable, "-m", "venv", venv).returncode == 0
    installed = _run(venv / "bin" / "python", "-m", "pip", "install", "-q",
                     _artefact(dist, kind))
    assert installed.returncode == 0, installed.stderr[-3000:]
    # Away from the source checkout, which would shadow the installed package.
    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples", work / "examples")
    where = _run(venv / "bin" / "python", "-c", "import yamlcheck; print(yamlcheck.__file__)",
                 cwd=work)
    assert where.stdout.startswith(str(venv)), where.stdout

    clean = _run(venv / "bin" / "yamlcheck", "lint", "examples/valohai.yaml", cwd=work)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "No problems found in 1 file." in clean.stdout
    broken = _run(venv / "bin" / "yamlcheck", "lint", "examples/broken/valohai.yaml",
                  "--format", "json", cwd=work)
    assert broken.returncode == 1, broken.stderr
    assert "VH101" in {d["code"] for d in json.loads(broken.stdout)["diagnostics"]}
    schema = _run(venv / "bin" / "yamlcheck", "schema", cwd=work)
    assert schema.returncode == 0
    assert json.loads(schema.stdout) == json.loads((ROOT / "schemas" /
                                                    "valohai.schema.json").read_text())
