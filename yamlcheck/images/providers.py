"""Which provider a registry host belongs to."""

from __future__ import annotations

import ipaddress
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
    """Only ``localhost`` and IP literals in 127.0.0.0/8 or ``::1`` (a port is
    allowed).  Names that merely begin with ``127.`` or end in ``.localhost``
    are resolved by DNS like any other name, so they get no trust."""
    host = host.lower()
    if host.count(":") > 1 and not host.startswith("["):
        host = f"[{host}]"  # a bare IPv6 literal, as urlsplit's hostname gives it
    host = host_of(host)
    if host == "localhost":
        return True
    literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        address = ipaddress.ip_address(literal)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return address in _LOOPBACK_V4
    return address == ipaddress.IPv6Address("::1")


_LOOPBACK_V4 = ipaddress.IPv4Network("127.0.0.0/8")
