"""Which provider a registry host belongs to."""

from __future__ import annotations

import re
from typing import NamedTuple

# amazon-ecr-credential-helper's host rule: account, FIPS flag, region, partition suffix.
_ECR = re.compile(
    r"(\d{12})\.dkr[.\-]ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\."
    r"(?:amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)"
    r"|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)",
    re.ASCII,
)
_ECR_PUBLIC = frozenset(("public.ecr.aws", "ecr-public.aws.com"))
_ACR_SUFFIXES = (".azurecr.io", ".azurecr.cn", ".azurecr.us", ".azurecr.de")


class Provider(NamedTuple):
    kind: str  # docker-hub | aws-ecr | aws-ecr-public | gcp | azure-acr | jfrog | generic
    account: str | None = None
    region: str | None = None
    fips: bool = False

    @property
    def private_only(self) -> bool:
        """Hosts whose images are never pullable without credentials."""
        return self.kind == "aws-ecr"

    @property
    def usually_private(self) -> bool:
        return self.kind in ("gcp", "azure-acr", "jfrog")


def host_of(registry: str) -> str:
    """Lower-case host without the port."""
    host = registry.lower()
    if host.startswith("["):
        return host[: host.index("]") + 1]
    return host.split(":", 1)[0]


def classify(registry: str) -> Provider:
    host = host_of(registry)
    if host == "docker.io":
        return Provider("docker-hub")
    match = _ECR.fullmatch(host)
    if match:
        return Provider("aws-ecr", match.group(1), match.group(3), bool(match.group(2)))
    if host in _ECR_PUBLIC:
        return Provider("aws-ecr-public", region="us-east-1")
    if host == "gcr.io" or host.endswith((".gcr.io", ".pkg.dev")):
        return Provider("gcp")
    if host.endswith(_ACR_SUFFIXES):
        return Provider("azure-acr")
    if host.endswith(".jfrog.io"):
        return Provider("jfrog")
    return Provider("generic")


def is_loopback(host: str) -> bool:
    host = host_of(host)
    return host in ("localhost", "[::1]", "::1") or host.startswith("127.") or host.endswith(
        ".localhost"
    )
