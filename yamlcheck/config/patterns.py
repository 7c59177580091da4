"""Registry entries that can never do what they are for: a match pattern
that no image name can match, or a credential type for another provider's
host.  Valohai would keep them; they only ever leave images without
credentials, so the configuration is refused with the reason, located."""

from __future__ import annotations

from typing import Any

from yamlcheck.core.diagnostic import Diagnostic
from yamlcheck.document.tree import PosList, PosMap
from yamlcheck.images.providers import classify
from yamlcheck.images.reference import is_registry_host
from yamlcheck.schema.findings import InvalidValue

# The providers whose hosts each credential type works with (basic: any).
_TYPE_PROVIDERS = {
    "docker-hub": ("docker-hub",),
    "aws-ecr": ("aws-ecr", "aws-ecr-public"),
    "gcp": ("gcp",),
    "azure-acr": ("azure-acr",),
}


def _literal_host(pattern: str) -> str | None:
    """The registry host a pattern names literally, if it names one."""
    first, slash, _ = pattern.partition("/")
    if not slash or "*" in first or not ("." in first or ":" in first or first == "localhost"):
        return "docker.io" if slash and "*" not in first else None
    return "docker.io" if first == "index.docker.io" else first


def pattern_problem(pattern: str, kind: str) -> str | None:
    """Why a registry entry can never give an image its credentials, or None."""
    if "://" in pattern:
        return (f"match pattern {pattern!r} is a URL; Valohai matches patterns against image "
                f"names, so write {pattern.split('://', 1)[1]!r}")
    if pattern.endswith("/"):
        return (f"match pattern {pattern!r} ends with '/', which no image name does; write "
                f"{pattern + '*'!r}")
    host = _literal_host(pattern)
    providers = _TYPE_PROVIDERS.get(kind)
    if host is None or providers is None:
        return None
    provider = classify(host).kind
    if provider != "generic" and provider not in providers:
        return (f"type {kind!r} cannot give credentials for {host} (a {provider} registry); "
                f"use the type of that registry, or 'basic'")
    return None


def host_problem(key: str) -> str | None:
    """Why a ``registry-hosts`` key can never be the host of an image, or None."""
    if is_registry_host(key):
        return None
    if "://" in key:
        host = key.split("://", 1)[1].split("/", 1)[0]
        return (f"{key!r} is a URL; settings apply per host as image names write it: "
                f"write {host!r} (an address to reach it at goes in 'endpoint')")
    if "/" in key:
        return (f"{key!r} has a path; settings apply per host: write {key.split('/', 1)[0]!r}")
    return f"{key!r} is not a registry host (host or host:port, as in image names)"


def registry_problems(root: Any, display: str) -> list[Diagnostic]:
    found = []
    hosts = root.get("registry-hosts") if isinstance(root, PosMap) else None
    if isinstance(hosts, PosMap):
        for key in hosts:
            problem = host_problem(key) if isinstance(key, str) else \
                f"{'null' if key is None else key!r} is not a registry host (host or " \
                "host:port, as in image names)"
            if problem is not None:
                found.append(InvalidValue.at(display, hosts.key_span(key),
                                             f"registry-hosts: {problem}"))
    registries = root.get("registries") if isinstance(root, PosMap) else None
    if not isinstance(registries, PosList):
        return found
    for index, entry in enumerate(registries):
        if not isinstance(entry, PosMap):
            continue
        pattern, kind = entry.get("match"), entry.get("type")
        if not isinstance(pattern, str) or not isinstance(kind, str):
            continue
        problem = pattern_problem(pattern, kind)
        if problem is not None:
            found.append(InvalidValue.at(display, entry.value_span("match"),
                                         f"registries[{index}]: {problem}"))
    return found
