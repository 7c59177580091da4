"""--remote against real registries on loopback, one provider type at a time."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import pytest
from lab import ACR_SECRET, ALICE_PASSWORD, IDENTITY_TOKEN, Lab, rsa_private_pem
from remote_support import findings, project, remote, steps

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def docker_config(tmp_path: Path, auths: dict[str, dict[str, str]], **extra: object) -> Path:
    folder = tmp_path / "docker-config"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"auths": auths, **extra}))
    return folder


def basic_config(registry_host: str) -> str:
    return f'registries:\n  - match: "{registry_host}/*"\n    type: basic\n    docker-config: true\n'


def alice_auth(host: str) -> dict[str, dict[str, str]]:
    return {host: {"auth": base64.b64encode(f"alice:{ALICE_PASSWORD}".encode()).decode()}}


def test_basic_with_docker_config(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    host = lab.basic.host
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, alice_auth(host))))
    path = project(tmp_path, steps(f"{host}/team/app:1.0", f"{host}/team/app:multi"),
                   basic_config(host))
    status, report, _ = remote(path)
    assert status == 0, report["diagnostics"]
    single, multi = (image["remote"] for image in report["images"])
    assert single["status"] == "ok" and single["media_type"] == OCI_MANIFEST
    assert single["digest"] == lab.digests[f"{host}/team/app:1.0"]
    assert single["platforms"] == ["linux/amd64"]
    assert "docker config" in single["credential_source"]
    assert multi["media_type"] == OCI_INDEX
    assert multi["platforms"] == ["linux/amd64", "linux/arm64"]  # the attestation is skipped


@pytest.mark.parametrize(("platform", "ok"), [
    ("linux/arm64", True), ("linux/aarch64", True), ("linux/arm64/v8", True),
    ("linux/s390x", False), ("any", True),
])
def test_platforms_of_an_index(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               platform: str, ok: bool) -> None:
    host = lab.basic.host
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, alice_auth(host))))
    path = project(tmp_path, steps(f"{host}/team/app:multi"), basic_config(host))
    status, report, _ = remote(path, "--platform", platform)
    if ok:
        assert status == 0, report["diagnostics"]
    else:
        ((_, code, message),) = findings(report)
        assert code == "VH316"
        assert "linux/s390x" in message and "linux/amd64, linux/arm64" in message


def test_single_arch_image_is_checked_through_its_config(lab: Lab, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    host = lab.basic.host
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, alice_auth(host))))
    path = project(tmp_path, steps(f"{host}/team/arm:1.0"), basic_config(host))
    status, report, _ = remote(path)
    ((line, code, message),) = findings(report)
    assert (status, line, code) == (1, 3, "VH316")
    assert "provides linux/arm64" in message


def test_missing_tag_and_missing_repository(lab: Lab, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    host = lab.basic.host
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, alice_auth(host))))
    path = project(tmp_path, steps(f"{host}/team/app:9.9", f"{host}/team/nope:1.0"),
                   basic_config(host))
    status, report, _ = remote(path)
    (first, second) = findings(report)
    assert status == 1
    assert first[1] == "VH310" and "tag '9.9' of team/app" in first[2]
    assert "1.0, 1.1, multi" in first[2]
    assert second[1] == "VH311" and "team/nope does not exist" in second[2]
    assert all(image["remote"]["status"] in ("manifest-unknown", "repository-unknown")
               for image in report["images"])


DOCKER_HUB = """\
registries:
  - match: "docker.io/acme/*"
    type: docker-hub
    username: alice
    password-env: DOCKERHUB_TOKEN
registry-hosts:
  docker.io:
    endpoint: {endpoint}
"""


def test_docker_hub_via_endpoint_mapping(lab: Lab, tmp_path: Path) -> None:
    path = project(tmp_path, steps("docker.io/acme/app:1.0", "docker.io/library/python:1.0",
                                   "docker.io/public/tool:1.0"),
                   DOCKER_HUB.format(endpoint=lab.token.url))
    status, report, _ = remote(path, env={"DOCKERHUB_TOKEN": ALICE_PASSWORD})
    assert status == 0, report["diagnostics"]
    sources = [image["remote"]["credential_source"] for image in report["images"]]
    assert sources[0] == "docker-hub credentials from $DOCKERHUB_TOKEN (user alice)"
    assert sources[1:] == ["anonymous", "anonymous"]


def test_docker_hub_anonymous_private_image_is_unauthorized(lab: Lab, tmp_path: Path) -> None:
    path = project(tmp_path, steps("docker.io/private/secret:1.0"),
                   DOCKER_HUB.format(endpoint=lab.token.url))
    status, report, _ = remote(path, env={"DOCKERHUB_TOKEN": ALICE_PASSWORD})
    ((_, code, message),) = findings(report)
    assert (status, code) == (1, "VH312")
    assert "private/secret" in message and "anonymous" in message


def test_docker_hub_rejected_and_unset_credentials(lab: Lab, tmp_path: Path) -> None:
    path = project(tmp_path, steps("docker.io/acme/app:1.0"),
                   DOCKER_HUB.format(endpoint=lab.token.url))
    _, report, _ = remote(path, env={"DOCKERHUB_TOKEN": "wrong-password"})
    ((_, code, message),) = findings(report)
    assert code == "VH312" and "$DOCKERHUB_TOKEN" in message and "wrong-password" not in message
    assert message.count("$DOCKERHUB_TOKEN") == 1 and "[credentials:" not in message  # once
    _, report, _ = remote(path, env={"DOCKERHUB_TOKEN": ""})
    ((_, code, message),) = findings(report)
    assert code == "VH317" and "DOCKERHUB_TOKEN is not set" in message
    assert report["images"][0]["remote"]["status"] == "credentials-unresolved"


def test_token_without_access_to_the_repository(lab: Lab, tmp_path: Path) -> None:
    config = DOCKER_HUB.format(endpoint=lab.token.url).replace("alice", "bob").replace(
        "docker.io/acme/*", "docker.io/*")
    path = project(tmp_path, steps("docker.io/private/secret:1.0", "docker.io/team/app:1.0"),
                   config)
    _, report, _ = remote(path, env={"DOCKERHUB_TOKEN": "bob-pw"})
    ((line, code, message),) = findings(report)
    # bob's token was issued without pull rights on private/secret: denied, not unauthorized
    assert (line, code) == (3, "VH313") and "user bob" in message
    assert "insufficient_scope" in message and message.count("user bob") == 1
    assert "the registry accepted docker-hub credentials from $DOCKERHUB_TOKEN (user bob), " \
        "which may not pull" in message


ECR_HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def ecr_config(endpoint: str, extra: str = "") -> str:
    return (f'registries:\n  - match: "{ECR_HOST}/*"\n    type: aws-ecr\n{extra}'
            f"registry-hosts:\n  {ECR_HOST}:\n    endpoint: {endpoint}\n")


def test_aws_ecr_with_moto(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "eu-west-1")):
        monkeypatch.setenv(name, value)
    path = project(tmp_path, steps(f"{ECR_HOST}/team/app:1.0"), ecr_config(lab.basic.url))
    with mock_aws():
        status, report, _ = remote(path)
    assert status == 0, report["diagnostics"]
    source = report["images"][0]["remote"]["credential_source"]
    assert source == "aws-ecr token from boto3's default chain for account 123456789012 in eu-west-1"


def test_aws_ecr_without_credentials(lab: Lab, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    path = project(tmp_path, steps(f"{ECR_HOST}/team/app:1.0"), ecr_config(lab.basic.url))
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH317" and "no AWS credentials" in message


def test_missing_extra_is_named(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "boto3", None)  # as if not installed
    path = project(tmp_path, steps(f"{ECR_HOST}/team/app:1.0"), ecr_config(lab.basic.url))
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH317" and "pip install 'yamlcheck[aws]'" in message


GAR_HOST = "europe-west1-docker.pkg.dev"


def test_gcp_service_account_with_loopback_token_endpoint(lab: Lab, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    pem = rsa_private_pem()
    email = "ci@acme-project.iam.gserviceaccount.com"
    public = serialization.load_pem_private_key(pem.encode(), None).public_key()
    lab.tokens.google_keys[email] = public
    (tmp_path / "sa.json").write_text(json.dumps({
        "type": "service_account", "project_id": "acme-project", "private_key_id": "k1",
        "private_key": pem, "client_email": email, "client_id": "1",
        "token_uri": f"{lab.tokens.url}/google/token",
    }))
    config = (f'registries:\n  - match: "{GAR_HOST}/acme/*"\n    type: gcp\n'
              f"    service-account-file: sa.json\nregistry-hosts:\n  {GAR_HOST}:\n"
              f"    endpoint: {lab.token.url}\n")
    path = project(tmp_path, steps(f"{GAR_HOST}/acme/ml/trainer:1.0"), config)
    status, report, _ = remote(path)
    assert status == 0, report["diagnostics"]
    assert report["images"][0]["remote"]["credential_source"] == (
        f"gcp token for {email} (service-account file sa.json)")
    (tmp_path / "sa.json").unlink()
    _, report, _ = remote(path, "--no-cache")
    ((_, code, message),) = findings(report)
    assert code == "VH317" and "does not exist" in message


ACR_HOST = "acme.azurecr.io"


def test_azure_acr_service_principal(lab: Lab, tmp_path: Path) -> None:
    config = (f'registries:\n  - match: "{ACR_HOST}/*"\n    type: azure-acr\n'
              "    username-env: ACR_CLIENT_ID\n    password-env: ACR_CLIENT_SECRET\n"
              f"registry-hosts:\n  {ACR_HOST}:\n    endpoint: {lab.acr.url}\n")
    path = project(tmp_path, steps(f"{ACR_HOST}/samples/nginx:1.25"), config)
    status, report, _ = remote(path, env={"ACR_CLIENT_ID": "sp-client",
                                          "ACR_CLIENT_SECRET": ACR_SECRET})
    assert status == 0, report["diagnostics"]
    assert report["images"][0]["remote"]["credential_source"] == (
        "azure-acr credentials from $ACR_CLIENT_SECRET (user from $ACR_CLIENT_ID)")


def test_identity_token_from_docker_config(lab: Lab, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    auths = {ACR_HOST: {"auth": base64.b64encode(b"00000000-0000-0000-0000-000000000000:").decode(),
                        "identitytoken": IDENTITY_TOKEN}}
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, auths)))
    config = (f'registries:\n  - match: "{ACR_HOST}/*"\n    type: basic\n    docker-config: true\n'
              f"registry-hosts:\n  {ACR_HOST}:\n    endpoint: {lab.acr.url}\n")
    path = project(tmp_path, steps(f"{ACR_HOST}/samples/nginx:1.25"), config)
    status, report, _ = remote(path)
    assert status == 0, report["diagnostics"]


def test_missing_credential_helper_is_named(lab: Lab, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    host = lab.basic.host
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, {host: {}},
                                                          credsStore="lab-missing-helper")))
    path = project(tmp_path, steps(f"{host}/team/app:1.0"), basic_config(host))
    status, report, err = remote(path)
    ((_, code, message),) = findings(report)
    assert (status, code) == (1, "VH317")
    assert "docker-credential-lab-missing-helper" in message and "Traceback" not in err


def tls_config(lab: Lab, ca: bool) -> str:
    host = lab.tls.host
    lines = f"registry-hosts:\n  {host}:\n    endpoint: https://{host}\n"
    if ca:
        lines += f"    ca-bundle: {lab.pki.ca_file}\n"
    return basic_config(host) + lines


def test_tls_with_the_lab_ca(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    host = lab.tls.host
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, alice_auth(host))))
    # A configured ca-bundle must win over REQUESTS_CA_BUNDLE (set to the system CAs here).
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    path = project(tmp_path, steps(f"{host}/team/app:1.0"), tls_config(lab, ca=True))
    status, report, _ = remote(path)
    assert status == 0, report["diagnostics"]


def test_tls_with_the_wrong_ca(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    host = lab.tls.host
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, alice_auth(host))))
    path = project(tmp_path, steps(f"{host}/team/app:1.0"), tls_config(lab, ca=False))
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH315" and "TLS" in message and "certificate verify failed" in message


def test_pin_digests(lab: Lab, tmp_path: Path) -> None:
    text = steps("docker.io/acme/app:1.0", "acme/app:1.0")
    path = project(tmp_path, "# keep me\n" + text, DOCKER_HUB.format(endpoint=lab.token.url))
    status, report, _ = remote(path, "--fix", "--pin-digests", "--ignore", "VH302",
                               env={"DOCKERHUB_TOKEN": ALICE_PASSWORD})
    digest = lab.digests["token/acme/app:1.0"]
    fixed = path.read_text()
    assert fixed.startswith("# keep me\n")
    assert f"image: docker.io/acme/app:1.0@{digest}\n" in fixed
    assert fixed.count(f"@{digest}") == 2  # the unqualified one is qualified and pinned
    assert status == 0, report["diagnostics"]


def test_one_token_per_repository_and_one_manifest_request_per_image(lab: Lab, tmp_path: Path) -> None:
    from yamlcheck.registries import stage
    from yamlcheck.runner import LintOptions, Runner

    path = project(tmp_path, steps(*[f"docker.io/acme/app:1.0@{lab.digests['token/acme/app:1.0']}",
                                     "docker.io/acme/app:1.0", "docker.io/acme/app:missing",
                                     "docker.io/public/tool:1.0"]),
                   DOCKER_HUB.format(endpoint=lab.token.url))
    os.environ["DOCKERHUB_TOKEN"] = ALICE_PASSWORD
    try:
        seen: list[object] = []
        original = stage.RemoteStage.run

        def spy(self: stage.RemoteStage, jobs: list[stage.Job]) -> object:
            seen.append(self)
            return original(self, jobs)

        stage.RemoteStage.run = spy  # type: ignore[method-assign]
        try:
            Runner(LintOptions(paths=[str(path)], remote=True, platform="any", jobs=1)).lint()
        finally:
            stage.RemoteStage.run = original  # type: ignore[method-assign]
    finally:
        del os.environ["DOCKERHUB_TOKEN"]
    counts = seen[0].client.counts  # type: ignore[attr-defined]
    # the manifest is fetched at once (its body is needed); a HEAD comes first only for a
    # tag whose last digest the cache knows
    assert counts["manifest GET"] == 4 and "manifest HEAD" not in counts
    assert counts["ping"] == 1
    assert counts["token"] == 2  # acme/app (as alice) and public/tool (anonymous)
    assert counts["tags"] == 1  # to tell the missing tag from a missing repository
    # the digest and the tag of acme/app:1.0 name the same manifest: its blobs are checked
    # once; public/tool's once more
    assert counts["blob HEAD"] == 4


def test_warm_cache_makes_no_requests(lab: Lab, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from lab import FaultProxy

    proxy = FaultProxy(lab.basic.url)
    try:
        host = lab.basic.host
        monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, alice_auth(host))))
        config = basic_config(host) + f"registry-hosts:\n  {host}:\n    endpoint: {proxy.url}\n"
        path = project(tmp_path, steps(f"{host}/team/app:1.0", f"{host}/team/app:multi"), config)
        assert remote(path)[0] == 0
        assert proxy.hits
        proxy.clear()
        status, report, _ = remote(path)
        assert status == 0 and proxy.hits == []
        assert report["images"][0]["remote"]["digest"] == lab.digests[f"{host}/team/app:1.0"]
        cache = Path(os.environ["XDG_CACHE_HOME"]) / "yamlcheck" / "registry-results.json"
        assert oct(cache.stat().st_mode & 0o777) == "0o600"
        assert "MARKER" not in cache.read_text()
        remote(path, "--no-cache")
        assert proxy.hits  # bypassed
    finally:
        proxy.stop()


def test_a_cached_result_is_not_reused_once_its_credentials_variable_is_gone(
        lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every image of the entry then reports the missing variable, as
    without a cache; none claims credentials from it."""
    host = lab.basic.host
    config = (f'registries:\n  - match: "{host}/*"\n    type: basic\n    username: alice\n'
              f"    password-env: LAB_PASSWORD\n")
    images = [f"{host}/team/app:1.0", f"{host}/team/app:multi"]
    path = project(tmp_path, steps(*images), config)
    monkeypatch.setenv("LAB_PASSWORD", ALICE_PASSWORD)
    status, report, _ = remote(path)
    assert status == 0, report["diagnostics"]
    assert all("$LAB_PASSWORD" in image["remote"]["credential_source"]
               for image in report["images"])
    monkeypatch.delenv("LAB_PASSWORD")
    status, report, _ = remote(path)
    assert status == 1
    assert [image["remote"]["status"] for image in report["images"]] == \
        ["credentials-unresolved"] * 2
    ((_, code, message),) = findings(report)  # one finding per source, naming the others
    assert code == "VH317" and "LAB_PASSWORD is not set" in message
    assert "multi" in message
    monkeypatch.setenv("LAB_PASSWORD", ALICE_PASSWORD)
    assert remote(path)[0] == 0  # set again: the cached result serves


def test_jobs_run_concurrently(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lab import FaultProxy

    proxy = FaultProxy(lab.basic.url)
    try:
        host = lab.basic.host
        monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, alice_auth(host))))
        proxy.inject(r"/manifests/", 500, times=8)  # every first attempt waits a backoff
        config = basic_config(host) + f"registry-hosts:\n  {host}:\n    endpoint: {proxy.url}\n"
        path = project(tmp_path, steps(*[f"{host}/team/app:1.0"] * 1, f"{host}/team/app:1.1",
                                       f"{host}/team/app:multi", f"{host}/team/arm:1.0"), config)
        started = time.monotonic()
        status, report, _ = remote(path, "--jobs", "4", "--platform", "any")
        assert status == 0, report["diagnostics"]
        assert time.monotonic() - started < 8
    finally:
        proxy.stop()


def test_local_docker_login_does_not_make_an_unmatched_image_pass(
        lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Valohai pulls an image that no pattern matches anonymously; so does the check,
    whatever ~/.docker/config.json holds."""
    auths = {lab.token.host: {"auth": base64.b64encode(
        f"alice:{ALICE_PASSWORD}".encode()).decode()}}
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(tmp_path, auths)))
    path = project(tmp_path, steps(f"{lab.token.host}/private/secret:1.0"))
    status, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert (status, code) == (1, "VH312") and "anonymous" in message


def test_missing_google_auth_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "google.auth", None)
    config = f'registries:\n  - match: "{GAR_HOST}/*"\n    type: gcp\n'
    path = project(tmp_path, steps(f"{GAR_HOST}/acme/x:1"), config)
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH317" and "pip install 'yamlcheck[gcp]'" in message
