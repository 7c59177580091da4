#!/usr/bin/env python3
"""The fast part of the suite on every supported Python the machine has.

    python scripts/version_matrix.py            # 3.10 to 3.13, as the test script runs it
    python scripts/version_matrix.py 3.10 3.12  # only these

For each version: find an interpreter (``python3.X`` on PATH, else one that
pyenv installed), make or reuse ``.venv-3.X`` with the package and the few
test dependencies (pip's cache is reused), run the golden, corpus,
command-line, config and report tests, and write the JSON report of the
examples and the real-world corpus.  That report must be the same on every
version.  The interpreter running this script is already covered by the full
suite, so it only writes its report.  An absent version is skipped with a line
that says so.  Exit status 1 when a version fails or reports differently.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ("3.10", "3.11", "3.12", "3.13")
TESTS = ["tests/test_golden.py", "tests/test_corpus.py", "tests/test_cli.py",
         "tests/test_config.py", "tests/test_reports.py", "tests/test_parallel.py"]
DEPENDENCIES = ["pytest>=8", "valohai-yaml==0.61.0", "rfc3986-validator>=0.1.1"]
CORPUS = ROOT.parent / "shared" / "corpus" / "real-world"


def interpreter(version: str) -> str | None:
    """A working ``python3.X`` (a pyenv shim for an absent version is not one)."""
    candidates = [shutil.which(f"python{version}") or ""]
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"),
                         reverse=True)
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                               capture_output=True, text=True, check=False)
        if probe.returncode == 0 and probe.stdout.strip() == str(tuple(map(int,
                                                                          version.split(".")))):
            return candidate
    return None


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([str(a) for a in args], cwd=ROOT, env=env, text=True,
                          check=False, **kwargs)  # type: ignore[call-overload]


def report(python: str | Path) -> dict[str, object]:
    """The JSON report of the examples and the real-world corpus."""
    paths = ["examples", *([str(CORPUS)] if CORPUS.is_dir() else [])]
    result = run(python, "-m", "yamlcheck", "lint", *paths, "--format", "json",
                 "--fail-on", "never", "--select", "VH", capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"yamlcheck lint failed: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def prepare(version: str, python: str) -> Path:
    venv = ROOT / f".venv-{version}"
    if not (venv / "bin" / "python").exists():
        made = run(python, "-m", "venv", venv, capture_output=True)
        if made.returncode != 0:
            raise RuntimeError(f"venv: {made.stderr.strip()}")
    installed = run(venv / "bin" / "python", "-m", "pip", "install", "-q", "-e", ".",
                    *DEPENDENCIES, capture_output=True)
    if installed.returncode != 0:
        raise RuntimeError(f"pip install: {installed.stderr.strip()[-2000:]}")
    return venv / "bin" / "python"


def check(version: str, reference: dict[str, object]) -> tuple[bool, str]:
    """(passed, what to print) for one version."""
    python = interpreter(version)
    if python is None:
        return True, f"Python {version}: absent on this machine, skipped"
    started = time.perf_counter()
    try:
        venv_python = prepare(version, python)
        tests = run(venv_python, "-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider",
                    "-m", "not slow and not registry", *TESTS, capture_output=True)
        same = report(venv_python) == reference
    except RuntimeError as exc:
        return False, f"Python {version}: FAILED to set up: {exc}"
    summary = (tests.stdout.strip().splitlines() or ["(no output)"])[-1].strip("= ")
    passed = tests.returncode == 0 and same
    line = (f"Python {version} ({python}): {'ok' if passed else 'FAILED'}: {summary}; "
            f"report {'identical' if same else 'DIFFERS'}; {time.perf_counter() - started:.0f} s")
    return passed, line + ("" if tests.returncode == 0 else "\n" + tests.stdout[-4000:])


def main(versions: list[str]) -> int:
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    reference = report(sys.executable)
    print(f"== version matrix: {len(reference['files'])} files "  # type: ignore[arg-type]
          f"reported by Python {here} as the reference ==", flush=True)
    others = [version for version in versions if version != here]
    with ThreadPoolExecutor(max_workers=len(others) or 1) as pool:  # mostly waiting on pip
        outcomes = dict(zip(others, pool.map(lambda v: check(v, reference), others),
                            strict=True))
    failed = 0
    for version in versions:
        if version == here:
            print(f"Python {version} ({sys.executable}): the whole suite above; the reference")
            continue
        passed, line = outcomes[version]
        print(line)
        failed += not passed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(VERSIONS)))
