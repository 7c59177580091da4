"""--remote when the network misbehaves: real sockets, real registries."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from lab import ALICE_PASSWORD, FaultProxy, Lab, SilentServer, free_port
from remote_support import findings, project, remote, steps


def _auth(host: str) -> dict[str, dict[str, str]]:
    return {host: {"auth": base64.b64encode(f"alice:{ALICE_PASSWORD}".encode()).decode()}}


@pytest.fixture
def proxied(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A project whose images on the basic registry go through a fault proxy."""
    proxy = FaultProxy(lab.basic.url)
    folder = tmp_path / "docker"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"auths": _auth(lab.basic.host)}))
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    host = lab.basic.host
    config = (f'registries:\n  - match: "{host}/*"\n    type: basic\n    docker-config: true\n'
              f"registry-hosts:\n  {host}:\n    endpoint: {proxy.url}\n")
    path = project(tmp_path, steps(f"{host}/team/app:1.0"), config)
    yield proxy, path
    proxy.stop()


def test_429_with_retry_after_then_success(proxied: Any) -> None:
    proxy, path = proxied
    proxy.inject(r"/manifests/1\.0", 429, {"Retry-After": "1"}, times=1)
    started = time.monotonic()
    status, report, _ = remote(path, "--platform", "any")
    assert status == 0, report["diagnostics"]
    assert time.monotonic() - started >= 1.0  # it waited as told
    assert [h[2] for h in proxy.hits if "/manifests/" in h[1]] == [429, 200]


def test_429_that_does_not_end_is_rate_limited(proxied: Any) -> None:
    proxy, path = proxied
    proxy.inject(r"/manifests/", 429, {"Retry-After": "0"}, times=None)
    status, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert (status, code) == (0, "VH314")  # a warning: the check could not finish
    assert "429" in message
    assert len([h for h in proxy.hits if "/manifests/" in h[1]]) == 4  # bounded retries


def test_500_then_success(proxied: Any) -> None:
    proxy, path = proxied
    proxy.inject(r"/manifests/", 500, times=2)
    status, report, _ = remote(path)
    assert status == 0, report["diagnostics"]


def test_persistent_500_is_unreachable(proxied: Any) -> None:
    proxy, path = proxied
    proxy.inject(r"/manifests/", 503, times=None)
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH315" and "503" in message


def test_403_is_denied(proxied: Any) -> None:
    proxy, path = proxied
    proxy.inject(r"/manifests/", 403, times=None)
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH313" and "may not pull" in message and "docker config" in message


def test_closed_port(lab: Lab, tmp_path: Path) -> None:
    port = free_port()
    path = project(tmp_path, steps(f"127.0.0.1:{port}/team/app:1.0"))
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH315" and "refused" in message


def test_server_that_never_answers_is_bounded_by_the_deadline(lab: Lab, tmp_path: Path) -> None:
    silent = SilentServer()
    try:
        path = project(tmp_path, steps(f"{silent.host}/team/app:1.0"))
        started = time.monotonic()
        _, report, _ = remote(path, "--timeout", "2")
        elapsed = time.monotonic() - started
    finally:
        silent.stop()
    ((_, code, message),) = findings(report)
    assert code == "VH315" and ("did not answer" in message or "deadline" in message)
    assert elapsed < 6


def test_unknown_host_name(tmp_path: Path) -> None:
    config = "registry-hosts:\n  registry.invalid:\n    endpoint: http://nonexistent.invalid:5000\n" \
             "    insecure-http: true\n"
    path = project(tmp_path, steps("registry.invalid/team/app:1.0"), config)
    _, report, _ = remote(path, "--timeout", "5")
    ((_, code, message),) = findings(report)
    assert code == "VH315" and ("resolve" in message or "connect" in message)


def test_plain_http_is_refused_for_remote_hosts(tmp_path: Path) -> None:
    config = "registry-hosts:\n  registry.example.com:\n    endpoint: http://registry.example.com\n"
    path = project(tmp_path, steps("registry.example.com/team/app:1.0"), config)
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH315" and "insecure-http" in message


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []

    def log_message(self, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        type(self).seen.append(self.headers.get("Authorization"))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


def test_redirects_never_forward_authorization_to_another_host() -> None:
    from yamlcheck.registries.client import Client, Deadline

    target = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=target.serve_forever, daemon=True).start()

    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            self.send_response(307)
            self.send_header("Location", f"http://127.0.0.1:{target.server_address[1]}/blob")
            self.send_header("Content-Length", "0")
            self.end_headers()

    source = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=source.serve_forever, daemon=True).start()
    try:
        client = Client(Deadline(10))
        response = client.request("GET", f"http://127.0.0.1:{source.server_address[1]}/v2/x",
                                  True, {"Authorization": "Basic c2VjcmV0OnNlY3JldA=="})
        assert response.status_code == 200
        assert _Recorder.seen == [None]
    finally:
        source.shutdown()
        target.shutdown()


def test_credentials_go_only_to_https_or_loopback_realms() -> None:
    from yamlcheck.core.settings import HostSettings
    from yamlcheck.registries.challenge import Challenge
    from yamlcheck.registries.client import Client, Deadline, Endpoint
    from yamlcheck.registries.credentials import Credential, CredentialRejected

    client = Client(Deadline(5))
    endpoint = Endpoint("registry.example.com", HostSettings())
    found = Challenge("bearer", {"realm": "http://auth.example.com/token", "service": "s"})
    with pytest.raises(CredentialRejected, match="plain-http realm"):
        client.token(endpoint, Credential("test", "u", "p"), found, "repository:a:pull")
    assert client.counts["token"] == 0  # nothing was sent


SECRETS = {"DOCKERHUB_TOKEN": ALICE_PASSWORD, "ACR_CLIENT_SECRET": "acr-MARKER-secret",
           "AWS_SECRET_ACCESS_KEY": "aws-MARKER-secret", "AWS_ACCESS_KEY_ID": "AKIAMARKER",
           "GCP_SA_JSON": '{"type": "service_account", "private_key": "MARKER-key"}'}


def test_no_secret_in_any_output_log_or_cache(lab: Lab, tmp_path: Path) -> None:
    registries = f"""\
registries:
  - match: "docker.io/acme/*"
    type: docker-hub
    username: alice
    password-env: DOCKERHUB_TOKEN
  - match: "acme.azurecr.io/*"
    type: azure-acr
    username: sp-client
    password-env: ACR_CLIENT_SECRET
  - match: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/*"
    type: aws-ecr
    access-key-id-env: AWS_ACCESS_KEY_ID
    secret-access-key-env: AWS_SECRET_ACCESS_KEY
  - match: "europe-west1-docker.pkg.dev/*"
    type: gcp
    service-account-env: GCP_SA_JSON
registry-hosts:
  docker.io: {{endpoint: "{lab.token.url}"}}
  acme.azurecr.io: {{endpoint: "{lab.acr.url}"}}
  123456789012.dkr.ecr.eu-west-1.amazonaws.com: {{endpoint: "{lab.basic.url}"}}
"""
    path = project(tmp_path, steps("docker.io/acme/app:1.0", "docker.io/acme/missing:1.0",
                                   "acme.azurecr.io/samples/nginx:1.25",
                                   "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.0",
                                   "europe-west1-docker.pkg.dev/acme/x:1"), registries)
    cache = tmp_path / "cache"
    env = {**os.environ, **SECRETS, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1",
           "AWS_ENDPOINT_URL_ECR": f"http://127.0.0.1:{free_port()}",
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_DEFAULT_REGION": "eu-west-1"}
    env.pop("GITHUB_ACTIONS", None)
    outputs = []
    for fmt in ("text", "concise", "json", "sarif", "github"):
        result = subprocess.run([sys.executable, "-m", "yamlcheck", "lint", "--remote", "-vv",
                                 "--format", fmt, str(path)], capture_output=True, text=True,
                                env=env, timeout=120, check=False)
        assert result.returncode == 1, result.stderr[-2000:]
        outputs += [result.stdout, result.stderr]
    everything = "\n".join(outputs)
    assert "docker-hub credentials from $DOCKERHUB_TOKEN" in everything  # the source is named
    assert "HEAD http://127.0.0.1" in everything  # -vv logs the requests
    for secret in SECRETS.values():
        for fragment in (secret, base64.b64encode(f"alice:{secret}".encode()).decode()):
            assert fragment not in everything
    assert "MARKER" not in everything
    for file in cache.rglob("*"):
        if file.is_file():
            assert "MARKER" not in file.read_text(errors="replace")
