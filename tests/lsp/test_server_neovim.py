"""A real editor: Debian's Neovim, headless, with its built-in LSP client
started on ``yamlcheck server``; the diagnostics it holds for a broken
valohai.yaml are those ``yamlcheck lint --format json`` reports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

INIT = Path(__file__).resolve().parent / "nvim" / "init.lua"


def neovim() -> str:
    found = shutil.which("nvim")
    if found is None:
        pytest.skip("Debian's neovim package is not installed and could not be installed here "
                    "(scripts/install-system-deps.sh installs it)")
    return found


def test_neovim_shows_what_lint_reports(tmp_path: Path) -> None:
    nvim = neovim()
    (tmp_path / ".git").mkdir()
    target = tmp_path / "valohai.yaml"
    shutil.copy(ROOT / "examples" / "broken" / "valohai.yaml", target)
    out = tmp_path / "diagnostics.json"
    env = {**os.environ, "YAMLCHECK_FILE": str(target), "YAMLCHECK_OUT": str(out),
           "YAMLCHECK_CMD": json.dumps([sys.executable, "-m", "yamlcheck", "server"]),
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state")}
    subprocess.run([nvim, "--headless", "--clean", "-n", "-u", str(INIT)], env=env, cwd=tmp_path,
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=90, check=False)
    shown = json.loads(out.read_text(encoding="utf-8"))
    assert shown["ok"], "Neovim received no diagnostics"
    lint = subprocess.run([sys.executable, "-m", "yamlcheck", "lint", "--format", "json",
                           "valohai.yaml"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, check=False)
    expected = json.loads(lint.stdout)["diagnostics"]
    assert len(expected) >= 3
    got = sorted((d["code"], d["lnum"] + 1, d["col"] + 1, d["message"]) for d in shown["diagnostics"])
    assert got == sorted((e["code"], e["line"], e["column"], e["message"]) for e in expected)
    assert {d["source"] for d in shown["diagnostics"]} == {"yamlcheck"}
    severities = {"error": 1, "warning": 2, "info": 3}  # vim.diagnostic.severity
    assert sorted((d["code"], d["severity"]) for d in shown["diagnostics"]) == sorted(
        (e["code"], severities[e["severity"]]) for e in expected)
