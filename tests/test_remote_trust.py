"""Trust per host actually contacted: look-alike loopback names get nothing,
a realm or a storage host on another host is verified with its own
registry-hosts settings, a loopback registry speaking TLS is found out, and
no credential follows a redirect to another host."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from lab import ALICE_PASSWORD, FaultProxy, Lab, Pusher, Registry, TokenServer, tls_files
from lab.registry import make_image
from lab.scripted import Answer, Scripted
from remote_support import findings, project, remote, serving, steps

HUB = ('registries:\n  - match: "docker.io/acme/*"\n    type: docker-hub\n    username: alice\n'
       "    password-env: HUB_TOKEN\nregistry-hosts:\n  docker.io:\n    endpoint: {endpoint}\n")


@pytest.fixture
def scripted():  # type: ignore[no-untyped-def]
    server = Scripted()
    yield server
    server.stop()


def test_a_look_alike_loopback_name_gets_no_plain_http(tmp_path: Path) -> None:
    config = "registry-hosts:\n  registry.example.com:\n    endpoint: http://127.0.0.1.evil.test:5000\n"
    path = project(tmp_path, steps("registry.example.com/team/app:1.0"), config)
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH315"
    assert "plain http to 127.0.0.1.evil.test:5000 is allowed only for loopback hosts" in message


@pytest.mark.parametrize("realm", ["http://127.0.0.1.evil.test:{port}/token",
                                   "http://127.attacker.example:{port}/token"])
def test_a_look_alike_loopback_realm_gets_no_credentials(scripted: Scripted, tmp_path: Path,
                                                         realm: str) -> None:
    realm = realm.format(port=scripted.port)
    scripted.answer(r"^/v2/$", Answer(401, {"WWW-Authenticate": f"Bearer realm={realm},service=s"}))
    path = project(tmp_path, steps("docker.io/acme/app:1.0"), HUB.format(endpoint=scripted.url))
    _, report, _ = remote(path, env={"HUB_TOKEN": "hub-MARKER-secret"})
    ((_, code, message),) = findings(report)
    assert code == "VH312"
    assert f"refusing to send docker-hub credentials from $HUB_TOKEN (user alice) to the " \
        f"plain-http realm {realm}" in message
    assert scripted.paths() == ["/v2/"]  # nothing else was asked, nothing was sent


@pytest.fixture(scope="module")
def tls_realm(lab: Lab, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A registry whose token realm is on another host (as GitLab and Harbor do), over TLS
    with a CA of its own."""
    folder = tmp_path_factory.mktemp("tls-realm")
    ca, chain, key = tls_files(folder, "realm")
    tokens = TokenServer(lab.pki.signing_pem, lab.pki.kid, tls=(str(chain), str(key)),
                         host="localhost")
    tokens.users["alice"] = ALICE_PASSWORD
    tokens.grants["alice"] = ["*"]
    registry = Registry(folder / "registry", {"token": {
        "realm": f"{tokens.url}/token", "service": "realm-registry", "issuer": tokens.issuer,
        "rootcertbundle": str(lab.pki.signing_cert)}})
    Pusher(registry, "alice", ALICE_PASSWORD, verify=str(ca)).image("acme/app", "1.0")
    yield registry, tokens, ca
    registry.stop()
    tokens.stop()


def test_a_realm_on_another_host_uses_its_own_ca_bundle(tls_realm: tuple[Registry, TokenServer,
                                                                        Path],
                                                        tmp_path: Path) -> None:
    registry, tokens, ca = tls_realm
    realm_host = f"localhost:{tokens.port}"
    config = HUB.format(endpoint=registry.url)
    path = project(tmp_path, steps("docker.io/acme/app:1.0"),
                   config + f"  {realm_host}:\n    ca-bundle: {ca}\n")
    status, report, _ = remote(path, env={"HUB_TOKEN": ALICE_PASSWORD})
    assert status == 0, report["diagnostics"]
    # the bundle set for the registry's own host does not reach the realm
    path = project(tmp_path, steps("docker.io/acme/app:1.0"),
                   config.replace("    endpoint:", f"    ca-bundle: {ca}\n    endpoint:"))
    _, report, _ = remote(path, "--no-cache", env={"HUB_TOKEN": ALICE_PASSWORD})
    ((_, code, message),) = findings(report)
    assert code == "VH315"
    assert f"TLS handshake with {realm_host} failed (certificate verify failed): set " \
        f"registry-hosts: {realm_host}: ca-bundle:" in message


def _alice_docker_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, host: str,
                         **entry: str) -> None:
    folder = tmp_path / "docker"
    folder.mkdir(exist_ok=True)
    entry = entry or {"auth": base64.b64encode(f"alice:{ALICE_PASSWORD}".encode()).decode()}
    (folder / "config.json").write_text(json.dumps({"auths": {host: entry}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))


def _basic(host: str) -> str:
    return f'registries:\n  - match: "{host}/*"\n    type: basic\n    docker-config: true\n'


def test_a_loopback_registry_speaking_tls_is_found_out(lab: Lab, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    host = lab.tls.host
    _alice_docker_config(tmp_path, monkeypatch, host)
    path = project(tmp_path, steps(f"{host}/team/app:1.0"), _basic(host))
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH315"
    assert f"{host} seems to speak https (plain http was answered 400 (an https port)); " \
        f"over https: TLS handshake with {host} failed (certificate verify failed): set " \
        f"registry-hosts: {host}: ca-bundle:" in message
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(lab.pki.ca_file))  # trusted now: https it is
    status, report, _ = remote(path)
    assert status == 0, report["diagnostics"]


def test_blob_redirects_are_verified_with_the_storage_hosts_settings(
        lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ca, chain, key = tls_files(tmp_path / "pki", "storage")
    storage = Scripted(tls=(str(chain), str(key)))
    storage.answer(r".", Answer(200, {"Content-Type": "application/octet-stream"}, b"x" * 10))
    proxy = FaultProxy(lab.basic.url)
    proxy.inject(r"/blobs/", 307, {"Location": f"{storage.url}/bucket/blob?X-Sig=abc"},
                 times=None)
    host = lab.basic.host
    _alice_docker_config(tmp_path, monkeypatch, host)
    hosts = f"registry-hosts:\n  {host}:\n    endpoint: {proxy.url}\n"
    try:
        path = project(tmp_path, steps(f"{host}/team/app:1.0"),
                       _basic(host) + hosts + f"  {storage.host}:\n    ca-bundle: {ca}\n")
        status, report, _ = remote(path, "--platform", "any")
        assert status == 0, findings(report)
        # HEADs became GETs of the first byte there: pre-signed URLs are signed for GET
        assert [(h.method, h.headers.get("range")) for h in storage.hits] == [
            ("GET", "bytes=0-0"), ("GET", "bytes=0-0")]  # the config and the smallest layer
        assert all("authorization" not in h.headers for h in storage.hits)
        storage.hits.clear()
        # the storage host's CA set under the registry's name does not count
        path = project(tmp_path, steps(f"{host}/team/app:1.0"),
                       _basic(host) + hosts + f"    ca-bundle: {ca}\n")
        _, report, _ = remote(path, "--no-cache", "--platform", "any")
    finally:
        storage.stop()
        proxy.stop()
    ((_, code, message),) = findings(report)
    assert code == "VH315"
    assert f"TLS handshake with {storage.host} failed (certificate verify failed): set " \
        f"registry-hosts: {storage.host}: ca-bundle:" in message


def _identity_registry(server: Scripted) -> None:
    manifest, blobs = make_image("amd64")
    server.serve_image("samples/nginx", "1.25", manifest, blobs)
    server.routes.insert(0, (None, re.compile(r"^/v2/$"), Answer(
        401, {"WWW-Authenticate": f'Bearer realm="{server.url}/oauth2/token",service=acr'})))


def test_a_refresh_token_post_follows_no_redirect(scripted: Scripted, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _identity_registry(scripted)
    _alice_docker_config(tmp_path, monkeypatch, scripted.host,
                         identitytoken="identity-MARKER-token")
    path = project(tmp_path, steps(f"{scripted.host}/samples/nginx:1.25"), _basic(scripted.host))
    with serving() as elsewhere:
        elsewhere.json(r".", {"access_token": "stolen"})
        scripted.answer(r"^/oauth2/token", Answer(307, {"Location": f"{elsewhere.url}/steal"}),
                        method="POST")
        _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH315"
    assert f"the token service {scripted.host} answered 307, a redirect to {elsewhere.host}; " \
        "the refresh token is not sent there" in message
    assert elsewhere.hits == []
    assert next(h.body for h in scripted.hits if h.method == "POST").count(b"MARKER") == 1


def test_a_token_get_redirected_elsewhere_loses_its_credentials(
        scripted: Scripted, tmp_path: Path) -> None:
    manifest, blobs = make_image("amd64")
    scripted.answer(r"^/v2/$", Answer(401, {"WWW-Authenticate":
                                            f'Bearer realm="{scripted.url}/token",service=s'}))
    scripted.serve_image("acme/app", "1.0", manifest, blobs)
    path = project(tmp_path, steps("docker.io/acme/app:1.0"), HUB.format(endpoint=scripted.url))
    with serving() as elsewhere:
        elsewhere.json(r"^/token", {"token": "t0k3n"})
        scripted.routes.insert(0, (None, re.compile(r"^/token"), Answer(
            307, {"Location": f"{elsewhere.url}/token?x=1"})))
        status, report, _ = remote(path, env={"HUB_TOKEN": ALICE_PASSWORD})
    assert status == 0, report["diagnostics"]
    assert [h.path for h in elsewhere.hits] == ["/token?x=1"]
    assert "authorization" not in elsewhere.hits[0].headers
    token_request = next(h for h in scripted.hits if h.path.startswith("/token"))
    assert token_request.headers["authorization"].startswith("Basic ")
