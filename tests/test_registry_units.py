"""Registry protocol pieces on their own: challenges, platforms, cache."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import pytest

from yamlcheck.registries import challenge, platforms
from yamlcheck.registries.cache import DIGEST_TTL, TAG_TTL, VERSION, ResultCache
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
    ("Bearer realm=http://127.0.0.1:5001/token,service=registry, scope=repository:a/b:pull",
     [("bearer", {"realm": "http://127.0.0.1:5001/token", "service": "registry",
                  "scope": "repository:a/b:pull"})]),
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
    what = "tag '1' of a on r"
    ok = Outcome("ok", "", "sha256:" + "a" * 64, "m", ("linux/amd64",), "src")
    missing = Outcome("platform-missing", f"{what} has no linux/s390x image", platforms=("x/y",))
    cache.put("tag", ok, what, TAG_TTL)
    cache.put("digest", ok, what, DIGEST_TTL)
    cache.put("other", missing, what, TAG_TTL)
    cache.put("bad", Outcome("manifest-unknown", "no"), what, TAG_TTL)  # never kept
    cache.save()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    again = ResultCache(True, path)
    assert again.get("tag", what) == ok and again.get("digest", what) == ok
    assert again.get("bad", what) is None
    # the message names the reference it is asked for, not the one it was stored for
    assert again.get("other", "digest 'x' of a on r").message == \
        "digest 'x' of a on r has no linux/s390x image"
    data = json.loads(path.read_text())
    assert data["results"]["tag"]["expires"] < time.time() + TAG_TTL + 1
    assert data["results"]["digest"]["expires"] < time.time() + DIGEST_TTL + 1  # not forever
    data["results"]["tag"]["expires"] = time.time() - 1
    data["results"]["digest"]["expires"] = time.time() - 1
    path.write_text(json.dumps(data))
    assert ResultCache(True, path).get("tag", what) is None
    assert ResultCache(True, path).get("digest", what) is None
    assert ResultCache(False, path).get("other", what) is None


def test_broken_cache_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text("{not json")
    assert ResultCache(True, path).get("x", "") is None


@pytest.mark.parametrize("field", [
    {"status": 1}, {"expires": "tomorrow"}, {"expires": None}, {"platforms": "linux/amd64"},
    {"platforms": [1]}, {"digest": ["sha256:x"]}, {"status": "unauthorized"}, {"detail": None},
    {"credential_source": {}},
])
def test_cache_entries_of_the_wrong_shape_are_ignored_and_overwritten(
        tmp_path: Path, field: dict[str, object]) -> None:
    path = tmp_path / "results.json"
    entry = {"status": "ok", "detail": "", "digest": None, "media_type": None, "platforms": [],
             "credential_source": "anonymous", "expires": time.time() + 60, **field}
    good = dict(entry, status="ok", expires=time.time() + 60, platforms=[], detail="",
                digest=None, credential_source="anonymous")
    path.write_text(json.dumps({"version": VERSION, "results": {"bad": entry, "good": good}}))
    cache = ResultCache(True, path)
    assert cache.get("bad", "") is None and cache.get("good", "") is not None
    cache.save()
    assert set(json.loads(path.read_text())["results"]) == {"good"}


@pytest.mark.parametrize("data", [[], {"version": VERSION, "results": []}, "text", None])
def test_cache_files_of_the_wrong_shape_are_replaced(tmp_path: Path, data: object) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data))
    cache = ResultCache(True, path)
    cache.put("k", Outcome("ok"), "", TAG_TTL)
    cache.save()
    assert json.loads(path.read_text())["results"]["k"]["status"] == "ok"


def test_an_unusable_cache_leaves_no_files_behind(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.mkdir()  # a directory where the file should be: os.replace fails
    cache = ResultCache(True, path)
    cache.put("k", Outcome("ok"), "", TAG_TTL)
    cache.save()
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
    blocked = tmp_path / "file"
    blocked.write_text("")
    cache = ResultCache(True, blocked / "sub" / "results.json")  # the folder cannot be made
    cache.put("k", Outcome("ok"), "", TAG_TTL)
    cache.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "results.json"]


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


def test_the_image_key_follows_what_decides_the_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    from yamlcheck.core.settings import HostSettings, Options, RegistryEntry
    from yamlcheck.registries.cache import image_key

    entry = RegistryEntry("r.example/*", "basic", Options({"docker-config": True}))
    hosts = {"r.example": HostSettings(ca_bundle="/ca.pem")}
    base = image_key("r.example", "team/app", "1.0", "linux/amd64", entry, hosts)
    assert base == image_key("r.example", "team/app", "1.0", "linux/amd64", entry,
                             tuple(hosts.items()))
    variants = [
        image_key("r.example", "team/app", "1.0", "linux/amd64", entry,
                  {"r.example": HostSettings(ca_bundle="/other.pem")}),
        image_key("r.example", "team/app", "1.0", "linux/amd64", entry,
                  {"r.example": HostSettings(ca_bundle="/ca.pem", endpoint="https://m:1")}),
        image_key("r.example", "team/app", "1.0", "linux/amd64", entry,
                  {**hosts, "auth.example": HostSettings(insecure_http=True)}),
        image_key("r.example", "team/app", "1.0", "linux/amd64", None, hosts),
        image_key("r.example", "team/app", "1.0", "linux/arm64", entry, hosts),
        image_key("r.example", "team/app", "1.1", "linux/amd64", entry, hosts),
    ]
    monkeypatch.setenv("DOCKER_CONFIG", "/elsewhere")
    variants.append(image_key("r.example", "team/app", "1.0", "linux/amd64", entry, hosts))
    assert len({base, *variants}) == len(variants) + 1


def test_the_last_digest_of_a_tag_outlives_the_tag_result(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    cache = ResultCache(True, path)
    digest = "sha256:" + "b" * 64
    cache.put("tag", Outcome("ok", "", digest), "", TAG_TTL)
    cache.save()
    data = json.loads(path.read_text())
    data["results"]["tag"]["expires"] = time.time() - 1  # five minutes later
    data["tags"]["junk"] = {"digest": 5, "expires": "x"}
    path.write_text(json.dumps(data))
    again = ResultCache(True, path)
    assert again.get("tag") is None and again.last_digest("tag") == digest
    assert again.last_digest("junk") is None and again.last_digest("other") is None
