"""The credentials Valohai would use for an image: those of the first registry
pattern that matches it as written, or none.

Each source is resolved once per run.  A ``Credential`` keeps its secrets out
of ``repr`` and every message names only the *source* (an environment
variable, a file, a profile), never the secret itself.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any

from yamlcheck.core.settings import RegistryEntry
from yamlcheck.images.providers import classify

log = logging.getLogger("yamlcheck.registries")
GCP_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


class CredentialError(Exception):
    """The source yields nothing usable (VH317)."""


class CredentialRejected(Exception):
    """The source answered, but refused (VH312)."""


class Credential:
    __slots__ = ("identity_token", "password", "source", "username")

    def __init__(self, source: str, username: str | None = None, password: str | None = None,
                 identity_token: str | None = None) -> None:
        self.source = source
        self.username = username
        self.password = password
        self.identity_token = identity_token

    @property
    def anonymous(self) -> bool:
        return self.password is None and self.identity_token is None

    def basic(self) -> str | None:
        """An ``Authorization: Basic`` value, when there is a user and password."""
        if self.username is None or self.password is None:
            return None
        pair = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def __repr__(self) -> str:  # never the secret
        return f"Credential({self.source!r})"


ANONYMOUS = Credential("anonymous")


def _env(name: str, entry: RegistryEntry) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise CredentialError(f"environment variable {name} is not set (registry pattern "
                              f"{entry.match!r}, type {entry.type})")
    return value


def _username(entry: RegistryEntry) -> tuple[str, str]:
    """(user, how it was given) from ``username`` or ``username-env``."""
    options = entry.options
    if isinstance(options.get("username"), str):
        return str(options["username"]), f"user {options['username']}"
    if isinstance(options.get("username-env"), str):
        name = str(options["username-env"])
        return _env(name, entry), f"user from ${name}"
    raise CredentialError(f"registry pattern {entry.match!r} ({entry.type}) names no username")


def _password_pair(entry: RegistryEntry) -> Credential:
    user, who = _username(entry)
    name = str(entry.options.get("password-env", ""))
    if not name:
        raise CredentialError(f"registry pattern {entry.match!r} ({entry.type}) names no "
                              "password-env")
    secret = _env(name, entry)
    return Credential(f"{entry.type} credentials from ${name} ({who})", user, secret)


def resolve(entry: RegistryEntry | None, registry: str, base: Path | None = None) -> Credential:
    """The credential for ``entry`` (``None``: anonymous) on ``registry``."""
    if entry is None:
        return ANONYMOUS
    kind = entry.type
    log.info("resolving %s credentials for pattern %r", kind, entry.match)
    if kind in ("docker-hub", "azure-acr"):
        return _password_pair(entry)
    if kind == "basic":
        if entry.options.get("docker-config"):
            return docker_config(registry)
        return _password_pair(entry)
    if kind == "aws-ecr":
        return ecr(entry, registry)
    if kind == "gcp":
        return gcp(entry, base)
    raise CredentialError(f"unknown registry type {kind!r}")


# -- AWS ECR (boto3) -----------------------------------------------------------
def _boto3() -> Any:
    try:
        import boto3
        import botocore.config
        import botocore.exceptions
    except ImportError:
        raise CredentialError("boto3 is not installed; pip install 'yamlcheck[aws]'") from None
    return boto3, botocore


def ecr(entry: RegistryEntry, registry: str) -> Credential:
    boto3, botocore = _boto3()
    options = entry.options
    provider = classify(registry)
    profile = options.get("profile")
    keys = {}
    how = f"profile {profile}" if profile else "boto3's default chain"
    if options.get("access-key-id-env"):
        keys = {"aws_access_key_id": _env(str(options["access-key-id-env"]), entry),
                "aws_secret_access_key": _env(str(options["secret-access-key-env"]), entry)}
        if options.get("session-token-env"):
            keys["aws_session_token"] = _env(str(options["session-token-env"]), entry)
        how = f"${options['access-key-id-env']}"
    public = provider.kind == "aws-ecr-public"
    region = str(options.get("region") or provider.region or "us-east-1")
    if public:
        region = "us-east-1"  # the ECR Public API lives only there
    try:
        session = boto3.Session(profile_name=profile, **keys) if (profile or keys) \
            else boto3.Session()
        config = botocore.config.Config(use_fips_endpoint=provider.fips,
                                        retries={"max_attempts": 2})
        if public:
            data = session.client("ecr-public", region_name=region, config=config) \
                .get_authorization_token()["authorizationData"]
        else:
            client = session.client("ecr", region_name=region, config=config)
            ids = [provider.account] if provider.account else []
            data = client.get_authorization_token(registryIds=ids)["authorizationData"][0] \
                if ids else client.get_authorization_token()["authorizationData"][0]
    except (botocore.exceptions.NoCredentialsError,
            botocore.exceptions.PartialCredentialsError) as exc:
        raise CredentialError(f"no AWS credentials found ({how}): {exc}") from None
    except botocore.exceptions.ProfileNotFound as exc:
        raise CredentialError(str(exc)) from None
    except botocore.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        raise CredentialRejected(f"AWS refused GetAuthorizationToken ({code}) for the "
                                 f"credentials from {how}") from None
    except botocore.exceptions.BotoCoreError as exc:
        raise CredentialError(f"could not get an ECR token ({how}): {exc}") from None
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    where = "ECR Public" if public else f"account {provider.account} in {region}"
    return Credential(f"aws-ecr token from {how} for {where}", user, password)


# -- Google (google-auth) ------------------------------------------------------
def gcp(entry: RegistryEntry, base: Path | None) -> Credential:
    try:
        import google.auth
        import google.auth.exceptions
        import google.auth.transport.requests
        from google.oauth2 import service_account
    except ImportError:
        raise CredentialError("google-auth is not installed; pip install 'yamlcheck[gcp]'") \
            from None
    options = entry.options
    how = "Application Default Credentials"
    try:
        if options.get("service-account-file"):
            path = Path(str(options["service-account-file"]))
            if not path.is_absolute() and base is not None:
                path = base / path
            how = f"service-account file {path.name}"
            if not path.is_file():
                raise CredentialError(f"service-account file {path} does not exist")
            creds = service_account.Credentials.from_service_account_file(
                str(path), scopes=[GCP_SCOPE])
        elif options.get("service-account-env"):
            name = str(options["service-account-env"])
            how = f"service account from ${name}"
            try:
                info = json.loads(_env(name, entry))
            except json.JSONDecodeError:
                raise CredentialError(f"${name} does not hold service-account JSON") from None
            creds = service_account.Credentials.from_service_account_info(info,
                                                                          scopes=[GCP_SCOPE])
        else:
            creds, _ = google.auth.default(scopes=[GCP_SCOPE])
        creds.refresh(google.auth.transport.requests.Request())
    except google.auth.exceptions.DefaultCredentialsError as exc:
        raise CredentialError(f"no Google credentials: {exc}") from None
    except google.auth.exceptions.RefreshError as exc:
        raise CredentialRejected(f"Google refused a token for the {how}: {_short(exc)}") \
            from None
    except (google.auth.exceptions.TransportError, ValueError) as exc:
        raise CredentialError(f"could not get a Google access token: {_short(exc)}") from None
    email = getattr(creds, "service_account_email", None)
    label = f"gcp token for {email} ({how})" if email else f"gcp token ({how})"
    return Credential(label, "oauth2accesstoken", creds.token)


def _short(exc: BaseException) -> str:
    text = str(exc.args[0]) if exc.args else str(exc)
    return text.split("\n")[0][:200]


# -- ~/.docker/config.json (docker-py) ------------------------------------------
def docker_config(registry: str) -> Credential:
    try:
        import docker.auth
        import docker.errors
    except ImportError:
        raise CredentialError("docker (docker-py) is not installed; pip install "
                              "'yamlcheck[docker]'") from None
    where = os.environ.get("DOCKER_CONFIG", "~/.docker") + "/config.json"
    try:
        config = docker.auth.load_config()
    except docker.errors.DockerException as exc:
        raise CredentialError(f"cannot read {where}: {_short(exc)}") from None
    key = registry if registry != "docker.io" else None
    try:
        with warnings.catch_warnings():  # docker-py also warns about a missing helper
            warnings.simplefilter("ignore")
            found = config.resolve_authconfig(key)
    except docker.errors.DockerException:
        helper = (config.get("credHelpers") or {}).get(registry) or config.get("credsStore")
        raise CredentialError(f"the Docker credential helper docker-credential-{helper} "
                              f"(named in {where}) is not installed or failed") from None
    if not found:
        raise CredentialError(f"{where} holds no credentials for {registry}")
    user = found.get("username") or found.get("Username")
    secret = found.get("password") or found.get("Password")
    identity = found.get("IdentityToken") or found.get("identitytoken")
    if not (secret or identity):
        raise CredentialError(f"{where} holds an empty entry for {registry}")
    return Credential(f"docker config {where} for {registry}", user, secret or None,
                      identity or None)
