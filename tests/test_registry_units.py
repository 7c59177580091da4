"""Registry protocol pieces on their own: challenges, platforms, cache."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import pytest

from yamlcheck.registries import challenge, platforms
from yamlcheck.registries.cache import ResultCache
from yamlcheck.registries.outcomes import Outcome


@pytest.mark.parametrize(("header", "expected"), [
    ('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
     'scope="repository:samalba/my-app:pull,push"',
     [("bearer", {"realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                  "scope": "repository:samalba/my-app:pull,push"})]),
    ('Basic realm="https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/",service="ecr.amazonaws.com"',
     [("basic", {"realm": "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/",
                 "service": "ecr.amazonaws.com"})]),
    ('Negotiate, BEARER Realm="x", error=invalid_token',
     [("negotiate", {}), ("bearer", {"realm": "x", "error": "invalid_token"})]),
    ('Bearer realm="a\\"b", scope="x,y", Basic realm="r"',
     [("bearer", {"realm": 'a"b', "scope": "x,y"}), ("basic", {"realm": "r"})]),
    ("", []),
])
def test_challenge_parsing(header: str, expected: list[tuple[str, dict[str, str]]]) -> None:
    assert [(c.scheme, c.params) for c in challenge.parse(header)] == expected


def test_bearer_is_preferred() -> None:
    found = challenge.choose(challenge.parse('Basic realm="b", Bearer realm="t"'))
    assert found is not None and found.scheme == "bearer"


@pytest.mark.parametrize(("text", "expected"), [
    ("linux/amd64", "linux/amd64"), ("linux/x86_64", "linux/amd64"),
    ("linux/aarch64", "linux/arm64"), ("linux/arm64/v8", "linux/arm64"),
    ("linux/armhf", "linux/arm/v7"), ("linux/arm", "linux/arm/v7"),
    ("linux/i386", "linux/386"), ("macos/arm64", "darwin/arm64"), ("LINUX/AMD64", "linux/amd64"),
])
def test_platform_normalisation(text: str, expected: str) -> None:
    assert str(platforms.parse(text)) == expected


@pytest.mark.parametrize("text", ["linux", "linux/", "/amd64", "a/b/c/d"])
def test_invalid_platforms(text: str) -> None:
    with pytest.raises(platforms.PlatformError):
        platforms.parse(text)


def test_attestations_and_artifacts_are_not_platforms() -> None:
    assert platforms.from_descriptor({"platform": {"os": "unknown", "architecture": "unknown"}}) \
        is None
    assert platforms.from_descriptor({"platform": {"os": "linux", "architecture": "amd64"},
                                      "annotations": {"vnd.docker.reference.type":
                                                      "attestation-manifest"}}) is None
    assert platforms.from_descriptor({"mediaType": "x"}) is None


def test_cache_round_trip_and_expiry(tmp_path: Path) -> None:
    path = tmp_path / "c" / "results.json"
    cache = ResultCache(True, path)
    ok = Outcome("ok", "", "sha256:" + "a" * 64, "m", ("linux/amd64",), "src")
    cache.put("tag", ok, by_digest=False)
    cache.put("digest", ok, by_digest=True)
    cache.put("bad", Outcome("manifest-unknown", "no"), by_digest=False)  # never kept
    cache.save({"sha256:" + "a" * 64: ("linux/amd64",)})
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    again = ResultCache(True, path)
    assert again.get("tag") == ok and again.get("digest") == ok and again.get("bad") is None
    data = json.loads(path.read_text())
    data["results"]["tag"]["expires"] = time.time() - 1
    path.write_text(json.dumps(data))
    assert ResultCache(True, path).get("tag") is None
    assert ResultCache(True, path).get("digest") == ok
    assert ResultCache(False, path).get("digest") is None


def test_broken_cache_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text("{not json")
    assert ResultCache(True, path).get("x") is None


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_goes_to_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    from yamlcheck.registries.stage import _progress

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with _progress(10) as advance:
        for _ in range(10):
            advance()
    assert "checking images" in terminal.getvalue()
    quiet = io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)
    with _progress(10) as advance:
        advance()
    assert quiet.getvalue() == ""


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.1:5000", True), ("127.9.8.7:1", True), ("localhost", True),
    ("localhost:5000", True), ("[::1]:5000", True), ("::1", True), ("LOCALHOST", True),
    ("127.0.0.1.evil.test", False), ("127.attacker.example:5000", False),
    ("127.0.0.1.nip.io:443", False), ("app.localhost", False), ("128.0.0.1", False),
    ("10.0.0.1", False), ("::ffff:127.0.0.1", False), ("127.0.0.1@evil.test", False),
    ("0.0.0.0", False), ("[::2]:5000", False),
])
def test_only_loopback_literals_and_localhost_are_loopback(host: str, loopback: bool) -> None:
    from yamlcheck.images.providers import is_loopback

    assert is_loopback(host) is loopback
