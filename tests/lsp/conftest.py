"""A real client for every test: ``yamlcheck server`` in a subprocess, over stdio."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsp_support import SERVER, make_client, start
from pytest_lsp import ClientServerConfig, LanguageClient

SCRIPTS = ("train.py", "eval.py", "prepare.py", "tune.py")  # what the tests' steps run


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A project folder (config discovery stops at its .git) with the scripts
    the tests' commands run, so the repository checks find them."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for script in SCRIPTS:
        (root / script).write_text("print('hello')\n")
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_client))
async def client(lsp_client: LanguageClient, workspace: Path):  # type: ignore[no-untyped-def]
    await start(lsp_client, workspace)
    yield
    await lsp_client.shutdown_session()
