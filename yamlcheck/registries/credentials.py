"""The credentials Valohai would use for an image: those of the first registry
pattern that matches it as written, or none.

Each source is resolved once per run.  A ``Credential`` keeps its secrets out
of ``repr`` and every message names only the *source* (an environment
variable, a file, a profile, a credential helper), never the secret itself.
"""

from __future__ import annotations

import base64
import logging
import os
from pathlib import Path

from yamlcheck.core.settings import RegistryEntry
from yamlcheck.registries.deadline import Deadline

log = logging.getLogger("yamlcheck.registries")


class CredentialError(Exception):
    """The source yields nothing usable (VH317)."""


class CredentialRejected(Exception):
    """The source answered, but refused (VH312)."""


class CredentialUnreachable(Exception):
    """The service that hands out credentials failed or did not answer (VH315)."""


class CredentialRateLimited(Exception):
    """The service that hands out credentials throttled the request (VH314)."""


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


def env_value(name: str, entry: RegistryEntry) -> str:
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
        return env_value(name, entry), f"user from ${name}"
    raise CredentialError(f"registry pattern {entry.match!r} ({entry.type}) names no username")


def _password_pair(entry: RegistryEntry) -> Credential:
    user, who = _username(entry)
    name = str(entry.options.get("password-env", ""))
    if not name:
        raise CredentialError(f"registry pattern {entry.match!r} ({entry.type}) names no "
                              "password-env")
    secret = env_value(name, entry)
    return Credential(f"{entry.type} credentials from ${name} ({who})", user, secret)


def source_identity(entry: RegistryEntry | None) -> tuple[str, ...]:
    """What, besides the entry itself, decides which credentials a source yields:
    names and paths only, never a secret (it keys the result cache)."""
    if entry is None:
        return ("anonymous",)
    return _provider_identity(entry) + _variables_set(entry)


def _provider_identity(entry: RegistryEntry) -> tuple[str, ...]:
    env = os.environ.get
    if entry.type == "basic" and entry.options.get("docker-config"):
        return ("docker-config", env("DOCKER_CONFIG", ""), os.path.expanduser("~"))
    if entry.type == "aws-ecr":
        return ("aws", env("AWS_PROFILE", ""), env("AWS_CONFIG_FILE", ""),
                env("AWS_SHARED_CREDENTIALS_FILE", ""), env("AWS_ENDPOINT_URL_ECR", ""))
    if entry.type == "gcp":
        return ("gcp", env("GOOGLE_APPLICATION_CREDENTIALS", ""))
    return (entry.type,)


def _variables_set(entry: RegistryEntry) -> tuple[str, ...]:
    """Which of the variables the entry names are set (never their values): a
    result found with credentials is not reused once their variable is gone."""
    return tuple(f"{key}={'set' if os.environ.get(name) else 'unset'}"
                 for key, name in sorted(entry.options.items())
                 if key.endswith("-env") and isinstance(name, str))


def resolve(entry: RegistryEntry | None, registry: str, base: Path | None = None,
            deadline: Deadline | None = None) -> Credential:
    """The credential for ``entry`` (``None``: anonymous) on ``registry``."""
    if entry is None:
        return ANONYMOUS
    bound = deadline or Deadline(60.0)
    kind = entry.type
    log.info("resolving %s credentials for pattern %r", kind, entry.match)
    if kind in ("docker-hub", "azure-acr"):
        return _password_pair(entry)
    if kind == "basic":
        if entry.options.get("docker-config"):
            from yamlcheck.registries.docker_config import docker_config

            return docker_config(registry, bound)
        return _password_pair(entry)
    if kind == "aws-ecr":
        from yamlcheck.registries.cloud import ecr

        return ecr(entry, registry, bound)
    if kind == "gcp":
        from yamlcheck.registries.cloud import gcp

        return gcp(entry, base, bound)
    raise CredentialError(f"unknown registry type {kind!r}")
