"""Fixtures for every test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No colour, no GitHub detection, and a private cache and home for every test."""
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))



@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Real registries on 127.0.0.1 (Debian's docker-registry), a token server,
    TLS, and pushed images; shared by the whole session."""
    from lab import Lab

    instance = Lab(tmp_path_factory.mktemp("lab"))
    yield instance
    instance.close()
