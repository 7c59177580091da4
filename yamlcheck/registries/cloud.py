"""Credentials from cloud SDKs: AWS ECR (boto3) and Google (google-auth).

Both SDK calls are bounded by the run's deadline: botocore and google-auth
get timeouts and retries derived from the time left, and the call runs in a
daemon thread that is abandoned when the deadline passes.  A failing or
silent API is VH315 (VH314 when it throttles), rejected credentials VH312,
and missing ones VH317.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from yamlcheck.core.settings import RegistryEntry
from yamlcheck.images.providers import classify
from yamlcheck.registries.credentials import (
    Credential,
    CredentialError,
    CredentialRateLimited,
    CredentialRejected,
    CredentialUnreachable,
    env_value,
)
from yamlcheck.registries.deadline import Deadline, DeadlinePassed
from yamlcheck.registries.trust import netloc_of

GCP_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
THROTTLED = frozenset(("ThrottlingException", "TooManyRequestsException",
                       "RequestLimitExceeded", "Throttling", "SlowDown"))
T = TypeVar("T")


def bounded(call: Callable[[], T], deadline: Deadline, what: str) -> T:
    """``call()`` in a daemon thread, given up when the deadline passes."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # noqa: BLE001  (handed to the caller)
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name=f"yamlcheck {what}")
    thread.start()
    thread.join(max(0.0, deadline.remaining()))
    if thread.is_alive() or ("error" in box and deadline.passed()):
        # (a failure at the deadline is the deadline: its sockets were shut down)
        raise CredentialUnreachable(str(DeadlinePassed(deadline, what)))
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


# -- AWS ECR -------------------------------------------------------------------
def _boto3() -> Any:
    try:
        import boto3
        import botocore.config
        import botocore.exceptions
    except ImportError:
        raise CredentialError("boto3 is not installed; pip install 'yamlcheck[aws]'") from None
    return boto3, botocore


def ecr(entry: RegistryEntry, registry: str, deadline: Deadline) -> Credential:
    boto3, botocore = _boto3()
    options = entry.options
    provider = classify(registry)
    profile = options.get("profile")
    keys = {}
    how = f"profile {profile}" if profile else "boto3's default chain"
    if options.get("access-key-id-env"):
        keys = {"aws_access_key_id": env_value(str(options["access-key-id-env"]), entry),
                "aws_secret_access_key": env_value(str(options["secret-access-key-env"]), entry)}
        if options.get("session-token-env"):
            keys["aws_session_token"] = env_value(str(options["session-token-env"]), entry)
        how = f"${options['access-key-id-env']}"
    public = provider.kind == "aws-ecr-public"
    region = "us-east-1" if public else str(options.get("region") or provider.region
                                            or "us-east-1")  # ECR Public's API lives there
    left = max(0.1, deadline.remaining())
    config = botocore.config.Config(
        use_fips_endpoint=provider.fips, connect_timeout=min(5.0, left), read_timeout=left,
        retries={"total_max_attempts": 2, "mode": "standard"})
    api = "the ECR API"

    def call() -> Any:
        nonlocal api
        session = boto3.Session(profile_name=profile, **keys) if (profile or keys) \
            else boto3.Session()
        client = session.client("ecr-public" if public else "ecr", region_name=region,
                                config=config)
        api = f"the ECR API at {urlsplit(client.meta.endpoint_url).netloc}"
        if public:
            return client.get_authorization_token()["authorizationData"]
        ids = [provider.account] if provider.account else []
        found = client.get_authorization_token(registryIds=ids) if ids \
            else client.get_authorization_token()
        return found["authorizationData"][0]

    exc_ = botocore.exceptions
    try:
        data = bounded(call, deadline, "the ECR API (GetAuthorizationToken)")
    except (exc_.NoCredentialsError, exc_.PartialCredentialsError) as exc:
        raise CredentialError(f"no AWS credentials found ({how}): {exc}") from None
    except exc_.ProfileNotFound as exc:
        raise CredentialError(str(exc)) from None
    except exc_.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in THROTTLED or status == 429:
            raise CredentialRateLimited(f"{api} throttled GetAuthorizationToken ({code})") \
                from None
        if isinstance(status, int) and status >= 500:
            raise CredentialUnreachable(f"{api} failed GetAuthorizationToken ({status} {code})") \
                from None
        raise CredentialRejected(f"AWS refused GetAuthorizationToken ({code}) for the "
                                 f"credentials from {how}") from None
    except (exc_.EndpointConnectionError, exc_.ConnectTimeoutError, exc_.ReadTimeoutError,
            exc_.ConnectionClosedError) as exc:
        raise CredentialUnreachable(f"{api} did not answer ({type(exc).__name__})") from None
    except (exc_.BotoCoreError, ValueError) as exc:  # ValueError: e.g. a bad endpoint URL
        raise CredentialError(f"could not get an ECR token ({how}): {_short(exc)}") from None
    try:
        token = base64.b64decode(str(data["authorizationToken"]), validate=True).decode()
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise CredentialUnreachable(f"{api} sent an authorization token that is not base64 "
                                    "of user:password") from None
    user, _, password = token.partition(":")
    where = "ECR Public" if public else f"account {provider.account} in {region}"
    return Credential(f"aws-ecr token from {how} for {where}", user, password)


# -- Google --------------------------------------------------------------------
def gcp(entry: RegistryEntry, base: Path | None, deadline: Deadline) -> Credential:
    try:
        import google.auth
        import google.auth.exceptions
        import google.auth.transport.requests
        from google.oauth2 import service_account
    except ImportError:
        raise CredentialError("google-auth is not installed; pip install 'yamlcheck[gcp]'") \
            from None
    from yamlcheck.registries.sessions import tracked_session
    from yamlcheck.registries.transport import environ_proxy

    class BoundedRequest(google.auth.transport.requests.Request):  # type: ignore[misc]
        def __call__(self, url: str, method: str = "GET", body: Any = None, headers: Any = None,
                     timeout: Any = None, **kwargs: Any) -> Any:
            left = deadline.check(f"Google's token endpoint {netloc_of(url)}")
            return super().__call__(url, method, body, headers, timeout=min(left, 30.0), **kwargs)

    options = entry.options
    how = "Application Default Credentials"
    token_host = "Google's token endpoint"
    if options.get("service-account-file"):
        path = Path(str(options["service-account-file"]))
        if not path.is_absolute() and base is not None:
            path = base / path
        how = f"service-account file {path.name}"
        if not path.is_file():
            raise CredentialError(f"service-account file {path} does not exist")
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            raise CredentialError(f"{how} does not hold service-account JSON") from None
    elif options.get("service-account-env"):
        name = str(options["service-account-env"])
        how = f"service account from ${name}"
        try:
            info = json.loads(env_value(name, entry))
        except ValueError:
            raise CredentialError(f"${name} does not hold service-account JSON") from None
    else:
        info = None
    if info is not None and not isinstance(info, dict):
        raise CredentialError(f"{how} holds JSON that is not a service-account object")
    token_uri = "https://oauth2.googleapis.com/token"
    if isinstance(info, dict) and isinstance(info.get("token_uri"), str):
        token_uri = info["token_uri"]
        token_host = f"Google's token endpoint {netloc_of(token_uri)}"
    errors = google.auth.exceptions

    def call() -> Any:
        if info is not None:
            creds = service_account.Credentials.from_service_account_info(info, scopes=[GCP_SCOPE])
        else:
            creds, _ = google.auth.default(scopes=[GCP_SCOPE])
        session = tracked_session(deadline)  # proxy and CA variables, never ~/.netrc
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") \
            or os.environ.get("CURL_CA_BUNDLE") or True
        with contextlib.suppress(ValueError):  # a malformed token_uri fails below, in its turn
            proxy = environ_proxy(token_uri)
            if proxy:
                session.proxies[urlsplit(token_uri).scheme] = proxy
        creds.refresh(BoundedRequest(session))
        return creds

    try:
        creds = bounded(call, deadline, token_host)
    except errors.RefreshError as exc:
        if getattr(exc, "retryable", False):  # 5xx, 429, 408 after google-auth's retries
            raise CredentialUnreachable(f"{token_host} failed: {_short(exc)}") from None
        raise CredentialRejected(f"Google refused a token for the {how}: {_short(exc)}") \
            from None
    except errors.TransportError as exc:
        raise CredentialUnreachable(f"{token_host} did not answer: {_short(exc)}") from None
    except (ValueError, KeyError, TypeError) as exc:  # MalformedError too
        raise CredentialError(f"the {how} is not usable: {_short(exc)}") from None
    except errors.DefaultCredentialsError as exc:
        raise CredentialError(f"no Google credentials: {_short(exc)}") from None
    email = getattr(creds, "service_account_email", None)
    label = f"gcp token for {email} ({how})" if email else f"gcp token ({how})"
    return Credential(label, "oauth2accesstoken", creds.token)


def _short(exc: BaseException) -> str:
    text = str(exc.args[0]) if exc.args else str(exc)
    return text.split("\n")[0][:200]
