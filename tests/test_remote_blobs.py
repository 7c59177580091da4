"""VH318: the manifest is readable but the blobs are not; and the result cache
(bounded lifetimes, keys that change with what decides the outcome)."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import pytest
from lab import ALICE_PASSWORD, FaultProxy, Lab, Pusher
from lab.registry import make_image
from lab.scripted import Answer
from remote_support import findings, project, remote, serving, steps


@pytest.fixture
def proxy(lab: Lab, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A fault proxy in front of the basic registry, and alice's Docker config."""
    front = FaultProxy(lab.basic.url)
    folder = tmp_path / "docker"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"auths": {lab.basic.host: {
        "auth": base64.b64encode(f"alice:{ALICE_PASSWORD}".encode()).decode()}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    yield front
    front.stop()


def config_for(lab: Lab, proxy: FaultProxy, extra: str = "") -> str:
    host = lab.basic.host
    return (f'registries:\n  - match: "{host}/*"\n    type: basic\n    docker-config: true\n'
            f"registry-hosts:\n  {host}:\n    endpoint: {proxy.url}\n{extra}")


def images(lab: Lab, *names: str) -> str:
    return steps(*(f"{lab.basic.host}/{name}" for name in names))


def blob_digests(arch: str, marker: str, variant: str = "") -> tuple[str, str]:
    """(config, layer) digests of an image the lab pushed."""
    _, blobs = make_image(arch, variant=variant, marker=marker)
    return blobs[0][0], blobs[1][0]


def refused(lab: Lab, proxy: FaultProxy, tmp_path: Path, pattern: str, status: int,
            *args: str, **headers: str) -> str:
    """Inject ``status`` for the blob requests matching ``pattern``; the one finding's
    message (a VH318 on exit status 1)."""
    proxy.inject(pattern, status, headers, times=None)
    path = project(tmp_path, images(lab, "team/app:1.0"), config_for(lab, proxy))
    exit_status, report, _ = remote(path, *args)
    ((_, code, message),) = findings(report)
    assert (exit_status, code) == (1, "VH318")
    return message


@pytest.mark.parametrize("platform", ["linux/amd64", "any"])
def test_refused_config_blob(lab: Lab, proxy: FaultProxy, tmp_path: Path, platform: str) -> None:
    config_digest, _ = blob_digests("amd64", "team/app:1.0")
    message = refused(lab, proxy, tmp_path, r"/blobs/", 403, "--platform", platform)
    assert f"the config blob {config_digest[:19]}…" in message
    assert f"cannot be downloaded: {proxy.host} answered 403" in message
    blob_requests = [(m, p.rsplit("/", 1)[1]) for m, p, _ in proxy.hits if "/blobs/" in p]
    assert blob_requests == [("GET" if platform != "any" else "HEAD", config_digest)]


def test_refused_smallest_layer(lab: Lab, proxy: FaultProxy, tmp_path: Path) -> None:
    config_digest, layer_digest = blob_digests("amd64", "team/app:1.0")
    message = refused(lab, proxy, tmp_path, f"/blobs/{layer_digest}", 401)
    assert f"the smallest layer blob {layer_digest[:19]}… (" in message and "answered 401" in message
    assert [(m, p.rsplit("/", 1)[1]) for m, p, _ in proxy.hits if "/blobs/" in p] == [
        ("GET", config_digest), ("HEAD", layer_digest)]  # one request each, no more


def test_redirect_to_a_storage_host_that_refuses(lab: Lab, proxy: FaultProxy,
                                                 tmp_path: Path) -> None:
    with serving() as storage:
        storage.answer(r".", Answer(403, {"Content-Type": "application/xml"},
                                    b"<Error><Code>AccessDenied</Code></Error>"))
        message = refused(lab, proxy, tmp_path, r"/blobs/", 307,
                          Location=f"{storage.url}/bucket/b?sig=1")
    assert f"the storage host {storage.host} that {proxy.host} redirects the download to " \
        "answered 403" in message
    assert storage.hits and all("authorization" not in h.headers for h in storage.hits)


def test_missing_blob_is_an_incomplete_image(lab: Lab, proxy: FaultProxy, tmp_path: Path) -> None:
    _, layer_digest = blob_digests("amd64", "team/app:1.0")
    message = refused(lab, proxy, tmp_path, f"/blobs/{layer_digest}", 404)
    assert "is missing: " in message and "the image is incomplete" in message


def test_the_chosen_platform_of_an_index_is_the_one_pulled(lab: Lab, proxy: FaultProxy,
                                                           tmp_path: Path) -> None:
    _, arm_layer = blob_digests("arm64", "team/app:multi", "v8")
    proxy.inject(f"/blobs/{arm_layer}", 403, times=None)
    path = project(tmp_path, images(lab, "team/app:multi"), config_for(lab, proxy))
    status, report, _ = remote(path)  # linux/amd64: its blobs are fine
    assert status == 0, report["diagnostics"]
    assert report["images"][0]["remote"]["platforms"] == ["linux/amd64", "linux/arm64"]
    status, report, _ = remote(path, "--platform", "linux/arm64")
    ((_, code, message),) = findings(report)
    assert (status, code) == (1, "VH318") and arm_layer[:19] in message


# -- the cache --------------------------------------------------------------------
def _cache() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "yamlcheck" / "registry-results.json"


def _age(entries: str) -> None:
    """Let the tag entries (or every entry) of the cache expire."""
    data = json.loads(_cache().read_text())
    for entry in data["results"].values():
        if entries == "all" or entry["expires"] < time.time() + 3600:
            entry["expires"] = time.time() - 1
    _cache().write_text(json.dumps(data))


def test_a_tag_past_its_lifetime_costs_one_head(lab: Lab, proxy: FaultProxy,
                                               tmp_path: Path) -> None:
    path = project(tmp_path, images(lab, "team/app:1.0", "team/app:multi"), config_for(lab, proxy))
    assert remote(path)[0] == 0
    proxy.clear()
    assert remote(path)[0] == 0 and proxy.hits == []  # warm: nothing at all
    _age("tags")
    days = sorted(e["expires"] for e in json.loads(_cache().read_text())["results"].values()
                  if e["expires"] > time.time())
    status, report, _ = remote(path)
    assert status == 0
    after = sorted(e["expires"] for e in json.loads(_cache().read_text())["results"].values()
                   if e["expires"] > time.time() + 3600)
    assert after == days  # using a digest's result does not prolong it
    # the digests did not move: their day-long results stand
    assert sorted((m, p) for m, p, _ in proxy.hits) == [
        ("GET", "/v2/"), ("HEAD", "/v2/team/app/manifests/1.0"),
        ("HEAD", "/v2/team/app/manifests/multi")]
    assert report["images"][1]["remote"]["platforms"] == ["linux/amd64", "linux/arm64"]


def test_a_deleted_manifest_is_noticed_within_a_day(lab: Lab, proxy: FaultProxy,
                                                    tmp_path: Path) -> None:
    push = Pusher(lab.basic, "alice", ALICE_PASSWORD)
    digest = push.image("gc/app", "1.0")
    path = project(tmp_path, images(lab, f"gc/app@{digest}"), config_for(lab, proxy))
    assert remote(path)[0] == 0
    deleted = push._request("DELETE", f"{lab.basic.url}/v2/gc/app/manifests/{digest}", "gc/app")
    assert deleted.status_code == 202
    assert remote(path)[0] == 0  # within its lifetime, the result stands
    _age("all")  # a day later (garbage collection, a lifecycle policy)
    status, report, _ = remote(path)
    ((_, code, _),) = findings(report)
    assert status == 1 and code == "VH310"


@pytest.mark.parametrize("change", ["credential source", "ca-bundle", "endpoint"])
def test_the_cache_key_follows_what_decides_the_outcome(lab: Lab, proxy: FaultProxy,
                                                        tmp_path: Path, change: str) -> None:
    path = project(tmp_path, images(lab, "team/app:1.0"), config_for(lab, proxy))
    assert remote(path)[0] == 0
    proxy.clear()
    other = FaultProxy(lab.basic.url)
    try:
        if change == "credential source":
            config = config_for(lab, proxy).replace("docker-config: true", "username: alice\n"
                                                    "    password-env: LAB_PASSWORD")
        elif change == "ca-bundle":
            config = config_for(lab, proxy, f"    ca-bundle: {lab.pki.ca_file}\n")
        else:
            config = config_for(lab, other)
        path = project(tmp_path, images(lab, "team/app:1.0"), config)
        status, report, _ = remote(path, env={"LAB_PASSWORD": ALICE_PASSWORD})
    finally:
        other.stop()
    assert status == 0, report["diagnostics"]
    assert proxy.hits or other.hits  # not answered from the cache
