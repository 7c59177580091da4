"""Bad answers from servers are findings on the affected images, never a
crash: the report keeps every healthy image."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from helpers import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lab import ALICE_PASSWORD, FaultProxy, Lab, Pusher
from lab.registry import OCI_INDEX, OCI_MANIFEST, _digest, make_image
from lab.scripted import Answer, Scripted
from remote_support import findings, project, remote, steps


@pytest.fixture
def scripted():  # type: ignore[no-untyped-def]
    server = Scripted()
    yield server
    server.stop()


def test_an_html_page_instead_of_a_manifest(lab: Lab, scripted: Scripted, tmp_path: Path) -> None:
    """A captive portal or SSO page answers 200 to everything."""
    page = b"<!DOCTYPE html><html><body>Sign in to continue</body></html>"
    scripted.answer(r".", Answer(200, {"Content-Type": "text/html"}, page))
    path = project(tmp_path, steps(f"{scripted.host}/team/app:1.0",
                                   f"{lab.token.host}/public/tool:1.0"))
    output = tmp_path / "report.json"
    status, _, err = run_cli("lint", "--remote", "--format", "json", "--output", str(output),
                             str(path))
    report = json.loads(output.read_text())
    ((_, code, message),) = findings(report)
    assert status == 1 and "Traceback" not in err
    assert code == "VH315" and "not a manifest: the registry sent an HTML page" in message
    assert report["images"][1]["remote"]["status"] == "ok"


def test_a_web_server_that_is_not_a_registry(scripted: Scripted, tmp_path: Path) -> None:
    scripted.answer(r".", Answer(404, {"Content-Type": "text/html"}, b"<html>Not Found</html>"))
    path = project(tmp_path, steps(f"{scripted.host}/team/app:1.0", f"{scripted.host}/team/b:2"))
    _, report, _ = remote(path)
    first, second = findings(report)
    assert first[1] == second[1] == "VH315"
    assert f"{scripted.host} is not a registry: GET /v2/ answered 404" in first[2]
    assert scripted.paths().count("/v2/") == 1  # asked once per host


def _token_registry(server: Scripted, token_answer: Answer, realm: str = "") -> str:
    """A registry behind a Bearer challenge whose token service answers ``token_answer``."""
    manifest, blobs = make_image("amd64")
    server.answer(r"^/token", token_answer)
    realm = realm or f"{server.url}/token"
    server.answer(r"^/v2/$", Answer(401, {"WWW-Authenticate":
                                          f'Bearer realm="{realm}",service="svc"'}))
    return server.serve_image("team/app", "1.0", manifest, blobs)


@pytest.mark.parametrize(("body", "expected"), [
    (b"[1, 2]", "answered 200 without a JSON object (application/json, 6 bytes)"),
    (b'{"token": ""}', "sent no token"),
    (b"<html>login</html>", "answered 200 without a JSON object"),
])
def test_token_services_that_answer_nonsense(scripted: Scripted, tmp_path: Path, body: bytes,
                                             expected: str) -> None:
    _token_registry(scripted, Answer(200, {"Content-Type": "application/json"}, body))
    path = project(tmp_path, steps(f"{scripted.host}/team/app:1.0"))
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH315" and f"the token service {scripted.host} {expected}" in message


@pytest.mark.parametrize("expires_in", ["soon", None, [], -5, "NaN"])
def test_odd_token_lifetimes_are_read_as_sixty_seconds(scripted: Scripted, tmp_path: Path,
                                                       expires_in: object) -> None:
    body = json.dumps({"token": "t0k3n", "expires_in": expires_in}).encode()
    _token_registry(scripted, Answer(200, {"Content-Type": "application/json"}, body))
    path = project(tmp_path, steps(f"{scripted.host}/team/app:1.0", f"{scripted.host}/team/app:1.0"
                                   f"@{_digest(make_image('amd64')[0])}"))
    status, report, _ = remote(path, "--jobs", "1")
    assert status == 0, report["diagnostics"]
    assert scripted.paths().count("/token?service=svc&scope=repository%3Ateam%2Fapp%3Apull") == 1
    manifest_requests = [h for h in scripted.hits if "/manifests/" in h.path]
    assert all(h.headers["authorization"] == "Bearer t0k3n" for h in manifest_requests)


def test_a_relative_realm_is_resolved_against_the_registry(scripted: Scripted,
                                                           tmp_path: Path) -> None:
    body = json.dumps({"token": "t0k3n"}).encode()
    _token_registry(scripted, Answer(200, {"Content-Type": "application/json"}, body),
                    realm="/token")
    status, report, _ = remote(project(tmp_path, steps(f"{scripted.host}/team/app:1.0")))
    assert status == 0, report["diagnostics"]
    assert any(p.startswith("/token?") for p in scripted.paths("GET"))


def _proxied_basic(lab: Lab, proxy: FaultProxy, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch, *images: str) -> Path:
    host = lab.basic.host
    folder = tmp_path / "docker"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"auths": {host: {"auth": base64.b64encode(
        f"alice:{ALICE_PASSWORD}".encode()).decode()}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    config = (f'registries:\n  - match: "{host}/*"\n    type: basic\n    docker-config: true\n'
              f"registry-hosts:\n  {host}:\n    endpoint: {proxy.url}\n")
    return project(tmp_path, steps(*(f"{host}/{image}" for image in images)), config)


def test_retry_after_that_is_not_a_number_or_date(lab: Lab, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = FaultProxy(lab.basic.url)
    try:
        proxy.inject(r"/manifests/1\.0", 429, {"Retry-After": "soon"}, times=1)
        path = _proxied_basic(lab, proxy, tmp_path, monkeypatch, "team/app:1.0")
        status, report, _ = remote(path)
    finally:
        proxy.stop()
    assert status == 0, report["diagnostics"]
    assert [h[2] for h in proxy.hits if h[1].endswith("/manifests/1.0")] == [429, 200]


def test_a_missing_tag_on_a_registry_without_tag_lists(lab: Lab, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The tag list is refused (a 404 that is not NAME_UNKNOWN): a missing tag is VH310 when
    another image of the repository was found, and unsettled VH311 otherwise."""
    proxy = FaultProxy(lab.basic.url)
    try:
        proxy.inject(r"/tags/list", 404, times=None)
        path = _proxied_basic(lab, proxy, tmp_path, monkeypatch, "team/app:9.9", "team/app:1.0",
                              "team/nope:1.0")
        status, report, _ = remote(path)
    finally:
        proxy.stop()
    tag, repository = findings(report)
    assert status == 1
    assert tag[1] == "VH310" and "the repository does: '1.0' was found" in tag[2]
    assert "does not list tags" in tag[2]
    assert repository[1] == "VH311" and "nor perhaps the repository" in repository[2]
    assert report["images"][0]["remote"]["status"] == "manifest-unknown"


def test_repository_unknown_names_the_credential_source_once(
        lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = FaultProxy(lab.basic.url)
    try:
        path = _proxied_basic(lab, proxy, tmp_path, monkeypatch, "team/nope:1.0")
        _, report, _ = remote(path)
    finally:
        proxy.stop()
    ((_, code, message),) = findings(report)
    assert code == "VH311" and message.count("docker config") == 1


def _push_odd_images(lab: Lab) -> None:
    push = Pusher(lab.basic, "alice", ALICE_PASSWORD)
    attestation, blobs = make_image("unknown", os_name="unknown", marker="only-attestation")
    for digest, data in blobs:
        push.blob("odd/attested", digest, data)
    child = push.manifest("odd/attested", _digest(attestation), attestation, OCI_MANIFEST)
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": child, "size": len(attestation),
         "platform": {"os": "unknown", "architecture": "unknown"},
         "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}]}).encode()
    push.manifest("odd/attested", "1.0", index, OCI_INDEX)
    config = b'{"model": "resnet", "framework": "torch"}'
    layer = b"weights" * 100
    artifact = json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "artifactType": "application/vnd.acme.model.v1",
        "config": {"mediaType": "application/vnd.acme.model.config.v1+json",
                   "digest": _digest(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.acme.model.weights",
                    "digest": _digest(layer), "size": len(layer)}]}).encode()
    push.blob("odd/model", _digest(config), config)
    push.blob("odd/model", _digest(layer), layer)
    push.manifest("odd/model", "1.0", artifact, OCI_MANIFEST)


def test_no_platform_found_is_platform_missing(lab: Lab, scripted: Scripted, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _push_odd_images(lab)
    manifest, blobs = make_image("arm64")
    scripted.serve_image("odd/liar", "1.0", manifest, blobs, content_type=OCI_INDEX)
    host = lab.basic.host
    folder = tmp_path / "docker"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"auths": {host: {"auth": base64.b64encode(
        f"alice:{ALICE_PASSWORD}".encode()).decode()}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    config = f'registries:\n  - match: "{host}/*"\n    type: basic\n    docker-config: true\n'
    path = project(tmp_path, steps(f"{host}/odd/attested:1.0", f"{host}/odd/model:1.0",
                                   f"{scripted.host}/odd/liar:1.0"), config)
    status, report, _ = remote(path)
    attested, model, liar = findings(report)
    assert status == 1
    assert attested[1] == "VH316" and "provides no platform: the index holds 1 attestation " \
        "manifest" in attested[2] and "manifests" not in attested[2]
    assert model[1] == "VH316" and "not a runnable image: its config " \
        "(application/vnd.acme.model.config.v1+json) names no os/architecture" in model[2]
    assert liar[1] == "VH316" and "provides linux/arm64" in liar[2]
    # the media type reported is the body's, not the Content-Type the server claimed
    assert report["images"][2]["remote"]["media_type"] == OCI_MANIFEST
    assert report["images"][0]["remote"]["media_type"] == OCI_INDEX


@pytest.mark.parametrize(("where", "value", "expected"), [
    ("location", "http://[::1", "redirected the manifest to an unusable URL"),
    ("location", "ftp://127.0.0.1/x", "redirected the manifest to an unusable URL"),
    ("location", "http://127.0.0.1:99999/x", "redirected the manifest to an unusable URL"),
    ("realm", "http://[bad/token", "sent a Bearer challenge whose realm is not an http(s) URL"),
    ("endpoint", "http://[bad", "the endpoint http://[bad set under registry-hosts is not a "
                                "usable URL"),
])
def test_unusable_urls_are_findings(scripted: Scripted, tmp_path: Path, where: str, value: str,
                                    expected: str) -> None:
    if where == "location":
        scripted.answer(r"^/v2/$", Answer(200, {}, b"{}"))
        scripted.answer(r"/manifests/", Answer(307, {"Location": value}))
    elif where == "realm":
        scripted.answer(r"^/v2/$", Answer(401, {"WWW-Authenticate": f'Bearer realm="{value}"'}))
    config = f"registry-hosts:\n  {scripted.host}:\n    endpoint: '{value}'\n" \
        if where == "endpoint" else ""
    path = project(tmp_path, steps(f"{scripted.host}/team/app:1.0"), config)
    status, report, err = remote(path)
    ((_, code, message),) = findings(report)
    assert (status, code) == (1, "VH315") and expected in message and "Traceback" not in err


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from([OCI_INDEX, OCI_MANIFEST, "linux", "amd64", "sha256:" + "a" * 64]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["mediaType", "manifests", "config", "layers", "platform", "os",
                         "architecture", "variant", "digest", "size", "annotations",
                         "schemaVersion"]), inner, max_size=6),
    max_leaves=20)


@pytest.fixture(scope="module")
def hostile():  # type: ignore[no-untyped-def]
    server = Scripted()
    yield server
    server.stop()


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(manifest=_JSON, config=_JSON, platform=st.sampled_from([None, "linux/amd64"]))
def test_any_manifest_or_config_a_server_sends_is_an_outcome(
        hostile: Scripted, manifest: object, config: object, platform: str | None) -> None:
    """Whatever JSON a registry serves as the manifest and the config, the check ends in
    an outcome, never an exception."""
    from yamlcheck.core.settings import HostSettings
    from yamlcheck.images.reference import parse as parse_reference
    from yamlcheck.registries.check import ImageCheck, Wanted
    from yamlcheck.registries.client import Client, Deadline, Endpoint
    from yamlcheck.registries.credentials import ANONYMOUS
    from yamlcheck.registries.outcomes import STATUS_RULES

    with hostile.lock:
        hostile.routes.clear()
    hostile.answer(r"/blobs/", Answer(200, {}, json.dumps(config).encode()))
    hostile.serve_image("team/app", "1.0", json.dumps(manifest).encode(), [],
                        content_type=OCI_INDEX)
    endpoint = Endpoint(hostile.host, HostSettings())
    deadline = Deadline(10)
    outcome = ImageCheck(Client(deadline), endpoint, ANONYMOUS, Wanted(platform)).run(
        parse_reference(f"{hostile.host}/team/app:1.0"))
    deadline.close()
    assert outcome.status == "ok" or outcome.status in STATUS_RULES
    assert outcome.status != "ok" or platform is None or outcome.platforms
