"""The Docker config lookup against docker-py's own auth module, the oracle.

yamlcheck reads ~/.docker/config.json itself (so that a credential helper
runs in its own process group and ends at the deadline, which docker-py
cannot do); this checks that it finds what docker-py finds, for every form
of the file: auths with `auth`, identity tokens, the legacy format, Docker
Hub's key, hosts with a scheme or path, credHelpers, credsStore, and a
helper that knows nothing."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

docker_auth = pytest.importorskip("docker.auth", reason="docker-py is a test dependency")

from yamlcheck.registries.credentials import CredentialError  # noqa: E402
from yamlcheck.registries.deadline import Deadline  # noqa: E402
from yamlcheck.registries.docker_config import docker_config  # noqa: E402


def _auth(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


HELPER = """#!/bin/sh
read server
case "$server" in
  registry.helped.example) echo '{"ServerURL": "x", "Username": "helped-user", "Secret": "s1"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL": "x", "Username": "<token>", "Secret": "tok"}' ;;
  store.example) echo '{"ServerURL": "x", "Username": "store-user", "Secret": "s2"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
"""

CONFIGS = {
    "auths": {"auths": {
        "https://index.docker.io/v1/": {"auth": _auth("hub-user", "hub-pass")},
        "registry.example.com": {"auth": _auth("alice", "a:b:c")},
        "https://ghcr.io/v2/": {"auth": _auth("gh", "ghp")},
        "acme.azurecr.io": {"auth": _auth("00000000-0000-0000-0000-000000000000", ""),
                            "identitytoken": "refresh-me"},
        "localhost:5000": {"auth": _auth("local", "pw")},
    }},
    "helpers": {"credHelpers": {"registry.helped.example": "oracle",
                                "https://index.docker.io/v1/": "oracle"},
                "auths": {"registry.example.com": {"auth": _auth("alice", "pw")}}},
    "store": {"credsStore": "oracle", "auths": {"store.example": {}}},
}
LEGACY = {"https://index.docker.io/v1/": {"auth": _auth("old-user", "old-pass"),
                                          "email": "x@example.com"}}
REGISTRIES = ("docker.io", "registry.example.com", "ghcr.io", "acme.azurecr.io",
              "localhost:5000", "registry.helped.example", "store.example", "nothing.example")


def _docker_py(folder: Path, registry: str) -> tuple[str | None, str | None, str | None] | None:
    config = docker_auth.load_config(str(folder / "config.json") if (folder / "config.json")
                                     .exists() else str(folder / ".dockercfg"))
    found = config.resolve_authconfig(None if registry == "docker.io" else registry)
    if not found:
        return None
    token = found.get("IdentityToken")
    user = found.get("username", found.get("Username"))
    password = found.get("password", found.get("Password"))
    if token:
        return None, None, token
    if not password:
        return None
    return user, password, None


def _ours(registry: str) -> tuple[str | None, str | None, str | None] | None:
    try:
        credential = docker_config(registry, Deadline(10))
    except CredentialError:
        return None
    if credential.identity_token:
        return None, None, credential.identity_token
    return credential.username, credential.password, None


@pytest.fixture
def helper_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-oracle"
    helper.write_text(HELPER)
    helper.chmod(helper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.parametrize("name", [*CONFIGS, "legacy"])
def test_the_lookup_finds_what_docker_py_finds(name: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                helper_on_path: None) -> None:
    folder = tmp_path / "docker"
    folder.mkdir()
    if name == "legacy":
        home = tmp_path / "home"
        home.mkdir()
        (home / ".dockercfg").write_text(json.dumps(LEGACY))
        monkeypatch.setenv("HOME", str(home))
        monkeypatch.delenv("DOCKER_CONFIG", raising=False)
        folder = home
    else:
        (folder / "config.json").write_text(json.dumps(CONFIGS[name]))
        monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    compared = 0
    for registry in REGISTRIES:
        expected = _docker_py(folder, registry)
        assert _ours(registry) == expected, (name, registry)
        compared += expected is not None
    assert compared >= 1  # each file gives docker-py something to agree on
