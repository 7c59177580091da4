"""Local faults with --remote: a missing CA file, a bad Docker config or
service-account variable affects only the images that use it (VH317, reported
once per registry pattern and cause); a bad cache entry is ignored."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from helpers import run_cli
from lab import ALICE_PASSWORD, Lab
from remote_support import findings, project, remote, steps


def test_a_missing_ca_bundle_is_vh317_on_the_images_of_that_host(lab: Lab,
                                                                 tmp_path: Path) -> None:
    config = f"registry-hosts:\n  {lab.tls.host}:\n    ca-bundle: certs/ca.pem\n"
    path = project(tmp_path, steps(f"{lab.tls.host}/team/app:1.0", f"{lab.tls.host}/team/app:1.1",
                                   f"{lab.token.host}/public/tool:1.0"), config)
    status, report, err = remote(path)
    ((line, code, message),) = findings(report)
    assert (status, line, code) == (1, 3, "VH317") and "Traceback" not in err
    assert f"the ca-bundle {tmp_path / 'certs' / 'ca.pem'} set for {lab.tls.host} under " \
        "registry-hosts does not exist" in message
    assert f"this also affects {lab.tls.host}/team/app:1.1 (line 7)" in message
    assert report["images"][2]["remote"]["status"] == "ok"  # another host: unaffected
    assert run_cli("lint", str(path))[0] == 0  # offline, nothing is needed


@pytest.mark.parametrize("name", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_a_ca_variable_naming_a_missing_file_is_vh317_on_https_images(
        lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.setenv(name, str(tmp_path / "nowhere.pem"))
    config = "registry-hosts:\n  registry.example.com:\n    endpoint: https://127.0.0.1:9\n"
    path = project(tmp_path, steps("registry.example.com/team/app:1.0",
                                   f"{lab.token.host}/public/tool:1.0"), config)
    status, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert (status, code) == (1, "VH317")
    assert f"{name} names {tmp_path / 'nowhere.pem'}, which does not exist; point it at a CA " \
        "bundle or unset it" in message
    assert report["images"][1]["remote"]["status"] == "ok"  # plain http on loopback: unaffected


def _docker_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: object) -> None:
    folder = tmp_path / "docker"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text(data if isinstance(data, str) else json.dumps(data))
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))


@pytest.mark.parametrize(("data", "expected"), [
    ([], "config.json is not a JSON object"),
    ("{not json", "config.json is not valid JSON"),
    ({"auths": []}, "'auths' in {path} is not a JSON object"),
    ({"auths": {"HOST": "alice"}}, "the auths entry 'HOST' in {path} is not a JSON object"),
    ({"auths": {"HOST": {"auth": "%%%not base64%%%"}}},
     "the auth value of 'HOST' in {path} is not base64 of user:password"),
    ({"auths": {"HOST": {"auth": base64.b64encode(b"alice-no-colon").decode()}}},
     "the auth value of 'HOST' in {path} has no ':' between user and password"),
    ({"auths": {"HOST": {}}}, "{path} holds an empty entry for HOST"),
    ({"credHelpers": ["x"]}, "'credHelpers' in {path} is not a JSON object"),
    ({"credsStore": 7}, "the credential helper named for HOST in {path} is not a name"),
])
def test_a_bad_docker_config_is_one_finding_per_registry_pattern(
        lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: object,
        expected: str) -> None:
    host = lab.basic.host
    text = data if isinstance(data, str) else json.dumps(data).replace("HOST", host)
    _docker_config(tmp_path, monkeypatch, text)
    config = f'registries:\n  - match: "{host}/*"\n    type: basic\n    docker-config: true\n'
    path = project(tmp_path, steps(f"{host}/team/app:1.0", f"{host}/team/app:1.1",
                                   f"{lab.token.host}/public/tool:1.0"), config)
    status, report, err = remote(path)
    ((line, code, message),) = findings(report)
    where = tmp_path / "docker" / "config.json"
    assert (status, line, code) == (1, 3, "VH317") and "Traceback" not in err
    assert expected.replace("{path}", str(where)).replace("HOST", host) in message
    assert f"this also affects {host}/team/app:1.1 (line 7)" in message
    statuses = [image["remote"]["status"] for image in report["images"]]
    assert statuses == ["credentials-unresolved", "credentials-unresolved", "ok"]
    assert "alice-no-colon" not in json.dumps(report)


def test_an_unset_variable_is_reported_once_per_registry_pattern(lab: Lab, tmp_path: Path) -> None:
    config = ('registries:\n  - match: "docker.io/acme/*"\n    type: docker-hub\n'
              "    username: alice\n    password-env: DOCKERHUB_TOKEN\n"
              '  - match: "docker.io/team/*"\n    type: docker-hub\n'
              "    username: bob\n    password-env: TEAM_TOKEN\n"
              f"registry-hosts:\n  docker.io:\n    endpoint: {lab.token.url}\n")
    images = ("docker.io/acme/app:1.0", "docker.io/acme/other:2", "docker.io/team/app:1.0",
              "docker.io/acme/app:1.0")
    path = project(tmp_path, steps(*images), config)
    _, report, _ = remote(path, env={"DOCKERHUB_TOKEN": "", "TEAM_TOKEN": ""})
    acme, team = findings(report)
    assert acme[:2] == (3, "VH317") and team[:2] == (11, "VH317")
    assert "DOCKERHUB_TOKEN is not set" in acme[2]
    assert "this also affects docker.io/acme/other:2 (line 7), docker.io/acme/app:1.0 " \
        "(line 15)" in acme[2]
    assert "TEAM_TOKEN is not set" in team[2] and "also affects" not in team[2]


@pytest.mark.parametrize(("value", "expected"), [
    ("[1, 2, 3]", "service account from $GCP_SA holds JSON that is not a service-account "
                  "object"),
    ("not json", "$GCP_SA does not hold service-account JSON"),
    ('{"type": "service_account"}', "is not usable"),
])
def test_a_bad_service_account_variable(lab: Lab, tmp_path: Path, value: str,
                                        expected: str) -> None:
    host = "europe-west1-docker.pkg.dev"
    config = (f'registries:\n  - match: "{host}/*"\n    type: gcp\n    service-account-env: GCP_SA\n'
              f"registry-hosts:\n  {host}:\n    endpoint: {lab.token.url}\n")
    path = project(tmp_path, steps(f"{host}/acme/app:1.0"), config)
    status, report, err = remote(path, env={"GCP_SA": value})
    ((_, code, message),) = findings(report)
    assert (status, code) == (1, "VH317") and expected in message and "Traceback" not in err


def test_a_corrupted_cache_entry_is_ignored_and_overwritten(
        lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    host = lab.basic.host
    _docker_config(tmp_path, monkeypatch, {"auths": {host: {"auth": base64.b64encode(
        f"alice:{ALICE_PASSWORD}".encode()).decode()}}})
    config = f'registries:\n  - match: "{host}/*"\n    type: basic\n    docker-config: true\n'
    path = project(tmp_path, steps(f"{host}/team/app:1.0"), config)
    assert remote(path)[0] == 0
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "yamlcheck" / "registry-results.json"
    data = json.loads(cache.read_text())
    for entry in data["results"].values():
        entry.update(status=["ok"], platforms="linux/amd64", expires="never")
    cache.write_text(json.dumps(data))
    status, report, err = remote(path)
    assert status == 0 and "Traceback" not in err
    assert report["images"][0]["remote"]["platforms"] == ["linux/amd64"]
    rewritten = json.loads(cache.read_text())["results"]
    assert all(entry["status"] == "ok" for entry in rewritten.values())


@pytest.mark.parametrize(("answer", "code", "expected"), [
    ((400, b'{"error": "invalid_grant", "error_description": "Invalid JWT Signature."}'),
     "VH312", "Google refused a token for the service-account file sa.json: invalid_grant"),
    ((503, b'{"error": "backend_error"}'), "VH315", "Google's token endpoint {host} failed"),
])
def test_google_token_endpoint_faults(lab: Lab, tmp_path: Path, answer: tuple[int, bytes],
                                      code: str, expected: str) -> None:
    from lab import rsa_private_pem
    from lab.scripted import Answer
    from remote_support import serving

    host = "europe-west1-docker.pkg.dev"
    config = (f'registries:\n  - match: "{host}/*"\n    type: gcp\n'
              "    service-account-file: sa.json\n"
              f"registry-hosts:\n  {host}:\n    endpoint: {lab.token.url}\n")
    path = project(tmp_path, steps(f"{host}/acme/app:1.0"), config)
    with serving() as google:
        google.answer(r"^/token", Answer(answer[0], {"Content-Type": "application/json"},
                                         answer[1]))
        (tmp_path / "sa.json").write_text(json.dumps({
            "type": "service_account", "project_id": "p", "private_key_id": "k",
            "private_key": rsa_private_pem(), "client_email": "ci@p.iam.gserviceaccount.com",
            "client_id": "1", "token_uri": f"{google.url}/token"}))
        _, report, _ = remote(path, "--timeout", "10")
    ((_, found, message),) = findings(report)
    assert found == code and expected.format(host=google.host) in message
