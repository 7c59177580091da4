"""AWS ECR credentials: the default chain, a profile, key variables, FIPS,
and ECR Public (AWS itself is mocked: moto, or botocore's Stubber where moto
has no ECR Public)."""

from __future__ import annotations

import base64
import datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from lab import ECR_PASSWORD, Lab
from lab.scripted import Answer, Scripted
from remote_support import findings, project, remote, steps

from yamlcheck.core.settings import Options, RegistryEntry
from yamlcheck.registries.cloud import ecr
from yamlcheck.registries.credentials import CredentialRejected
from yamlcheck.registries.deadline import Deadline

ECR_HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


@pytest.fixture
def no_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return tmp_path


def test_profile(lab: Lab, no_aws_environment: Path) -> None:
    from moto import mock_aws

    (no_aws_environment / "aws-credentials").write_text(
        "[ml-ci]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    config = (f'registries:\n  - match: "{ECR_HOST}/*"\n    type: aws-ecr\n    profile: ml-ci\n'
              f"registry-hosts:\n  {ECR_HOST}:\n    endpoint: {lab.basic.url}\n")
    path = project(no_aws_environment, steps(f"{ECR_HOST}/team/app:1.0"), config)
    with mock_aws():
        status, report, _ = remote(path)
    assert status == 0, report["diagnostics"]
    assert "profile ml-ci" in report["images"][0]["remote"]["credential_source"]


def test_key_variables(lab: Lab, no_aws_environment: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    monkeypatch.setenv("CI_AWS_KEY", "testing")
    monkeypatch.setenv("CI_AWS_SECRET", "testing")
    config = (f'registries:\n  - match: "{ECR_HOST}/*"\n    type: aws-ecr\n'
              "    access-key-id-env: CI_AWS_KEY\n    secret-access-key-env: CI_AWS_SECRET\n"
              f"registry-hosts:\n  {ECR_HOST}:\n    endpoint: {lab.basic.url}\n")
    path = project(no_aws_environment, steps(f"{ECR_HOST}/team/app:1.0"), config)
    with mock_aws():
        status, report, _ = remote(path)
    assert status == 0, report["diagnostics"]
    assert "$CI_AWS_KEY" in report["images"][0]["remote"]["credential_source"]
    monkeypatch.delenv("CI_AWS_SECRET")
    status, report, _ = remote(path, "--no-cache")
    ((_, code, message),) = findings(report)
    assert code == "VH317" and "CI_AWS_SECRET is not set" in message


class _StubbedSession:
    """Stands in for boto3.Session: records how clients are made and answers
    GetAuthorizationToken from botocore's Stubber."""

    made: ClassVar[list[tuple[str, str, bool]]] = []

    def __init__(self, **kwargs: Any) -> None:
        import boto3

        self.real = boto3.session.Session(aws_access_key_id="k", aws_secret_access_key="s")

    def client(self, service: str, region_name: str, config: Any) -> Any:
        from botocore.stub import Stubber

        client = self.real.client(service, region_name=region_name, config=config)
        type(self).made.append((service, region_name, bool(config.use_fips_endpoint)))
        stub = Stubber(client)
        token = base64.b64encode(f"AWS:{ECR_PASSWORD}".encode()).decode()
        expires = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
        if service == "ecr-public":
            stub.add_response("get_authorization_token", {
                "authorizationData": {"authorizationToken": token, "expiresAt": expires}})
        else:
            stub.add_response("get_authorization_token", {"authorizationData": [{
                "authorizationToken": token, "expiresAt": expires,
                "proxyEndpoint": f"https://{ECR_HOST}"}]}, {"registryIds": ["123456789012"]})
        stub.activate()
        return client


@pytest.mark.parametrize(("host", "service", "region", "fips"), [
    ("public.ecr.aws", "ecr-public", "us-east-1", False),
    ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "ecr", "us-gov-west-1", True),
    ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "ecr", "cn-north-1", False),
])
def test_region_fips_and_public_come_from_the_host(monkeypatch: pytest.MonkeyPatch, host: str,
                                                   service: str, region: str,
                                                   fips: bool) -> None:
    import boto3

    _StubbedSession.made = []
    monkeypatch.setattr(boto3, "Session", _StubbedSession)
    entry = RegistryEntry(f"{host}/*", "aws-ecr", Options())
    credential = ecr(entry, host, Deadline(10))
    assert (credential.username, credential.password) == ("AWS", ECR_PASSWORD)
    assert _StubbedSession.made == [(service, region, fips)]


def test_access_denied_is_a_rejection(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    class Denied(_StubbedSession):
        def client(self, service: str, region_name: str, config: Any) -> Any:
            from botocore.stub import Stubber

            client = self.real.client(service, region_name=region_name, config=config)
            stub = Stubber(client)
            stub.add_client_error("get_authorization_token", "AccessDeniedException")
            stub.activate()
            return client

    monkeypatch.setattr(boto3, "Session", Denied)
    with pytest.raises(CredentialRejected, match="AccessDeniedException"):
        ecr(RegistryEntry(f"{ECR_HOST}/*", "aws-ecr", Options()), ECR_HOST, Deadline(10))


def ecr_project(folder: Path, monkeypatch: pytest.MonkeyPatch, registry_url: str,
                api: str | None, *tags: str) -> Path:
    """Key variables for boto3, the ECR API at ``api`` (None: AWS's, that moto mocks),
    and a project whose ECR images are served by the registry at ``registry_url``."""
    if api is not None:
        monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", api)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    config = (f'registries:\n  - match: "{ECR_HOST}/*"\n    type: aws-ecr\n'
              f"registry-hosts:\n  {ECR_HOST}:\n    endpoint: {registry_url}\n")
    return project(folder, steps(*(f"{ECR_HOST}/team/app:{tag}" for tag in tags)), config)


ECR_ERROR = {"Content-Type": "application/x-amz-json-1.1"}


@pytest.mark.parametrize(("answer", "code", "expected"), [
    (Answer(500, ECR_ERROR, b'{"__type": "ServerException", "message": "boom"}'), "VH315",
     "failed GetAuthorizationToken (500 ServerException)"),
    (Answer(503, {"Content-Type": "text/html"}, b"<html>unavailable</html>"), "VH315",
     "failed GetAuthorizationToken (503"),
    (Answer(400, ECR_ERROR, b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'),
     "VH314", "throttled GetAuthorizationToken (ThrottlingException)"),
    (Answer(400, ECR_ERROR, b'{"__type": "UnrecognizedClientException", "message": "bad"}'),
     "VH312", "AWS refused GetAuthorizationToken (UnrecognizedClientException)"),
])
def test_ecr_api_faults(lab: Lab, no_aws_environment: Path, monkeypatch: pytest.MonkeyPatch,
                        answer: Answer, code: str, expected: str) -> None:
    """moto mocks AWS; a loopback server in place of the ECR API answers with faults
    (moto passes requests to an endpoint it does not know through)."""
    from moto import mock_aws

    server = Scripted()
    server.answer(r"^/", answer)
    path = ecr_project(no_aws_environment, monkeypatch, lab.basic.url, server.url, "1.0", "1.1")
    try:
        with mock_aws():
            status, report, err = remote(path)
    finally:
        server.stop()
    (_, found, message), (_, again, _) = findings(report)
    assert found == again == code and status == (0 if code == "VH314" else 1)  # 314: a warning
    assert expected in message and "Traceback" not in err
    assert len(server.hits) <= 2  # botocore retries once, and the source is asked once


def test_ecr_api_refusing_connections(lab: Lab, no_aws_environment: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from lab import free_port

    path = ecr_project(no_aws_environment, monkeypatch, lab.basic.url,
                       f"http://127.0.0.1:{free_port()}", "1.0")
    _, report, _ = remote(path)
    ((_, code, message),) = findings(report)
    assert code == "VH315" and "did not answer (EndpointConnectionError)" in message


def test_ecr_policy_without_layer_download_is_vh318(lab: Lab, no_aws_environment: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The token works and the manifest is readable, but the registry refuses the
    blobs (an IAM policy without ecr:GetDownloadUrlForLayer)."""
    from lab import FaultProxy
    from moto import mock_aws

    proxy = FaultProxy(lab.basic.url)
    proxy.inject(r"/blobs/", 403, times=None)
    path = ecr_project(no_aws_environment, monkeypatch, proxy.url, None, "1.0")
    try:
        with mock_aws():
            status, report, _ = remote(path)
    finally:
        proxy.stop()
    ((_, code, message),) = findings(report)
    assert (status, code) == (1, "VH318")
    assert "the config blob sha256:" in message and f"{proxy.host} answered 403" in message
    assert "aws-ecr token from boto3's default chain" in message
    assert report["images"][0]["remote"]["status"] == "layer-pull-denied"
    assert report["images"][0]["remote"]["digest"] == lab.digests[f"{lab.basic.host}/team/app:1.0"]


def test_an_unusable_ecr_endpoint_variable_is_vh317(lab: Lab, no_aws_environment: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = ecr_project(no_aws_environment, monkeypatch, lab.basic.url, "http://[not-a-host",
                       "1.0")
    status, report, err = remote(path)
    ((_, code, message),) = findings(report)
    assert (status, code) == (1, "VH317") and "could not get an ECR token" in message
    assert "Traceback" not in err
