"""Platforms (os/arch[/variant]) as containerd normalises them, and the
platforms an image index or a single image provides."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

INDEX_TYPES = frozenset((
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
))
MANIFEST_TYPES = frozenset((
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
))
ACCEPT = ", ".join(sorted(INDEX_TYPES) + sorted(MANIFEST_TYPES))


class Platform(NamedTuple):
    os: str
    architecture: str
    variant: str = ""

    def __str__(self) -> str:
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)


class PlatformError(ValueError):
    pass


def normalize(os_name: str, arch: str, variant: str = "") -> Platform:
    os_name, arch, variant = os_name.lower(), arch.lower(), variant.lower()
    if os_name == "macos":
        os_name = "darwin"
    if arch in ("x86_64", "x86-64"):
        arch, variant = "amd64", "" if variant == "v1" else variant
    elif arch == "aarch64":
        arch = "arm64"
    elif arch == "armhf":
        arch, variant = "arm", "v7"
    elif arch == "armel":
        arch, variant = "arm", "v6"
    elif arch == "i386":
        arch = "386"
    if arch == "arm64" and variant in ("8", "v8", "v8.0"):
        variant = ""
    elif arch == "arm64" and variant in ("9", "v9.0"):
        variant = "v9"
    elif arch == "arm":
        variant = {"": "v7", "7": "v7", "5": "v5", "6": "v6", "8": "v8"}.get(variant, variant)
    return Platform(os_name, arch, variant)


def parse(text: str) -> Platform:
    """``linux/amd64``, ``linux/arm64/v8``, ``linux/arm/v7``..."""
    parts = text.strip().split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise PlatformError(f"{text!r} is not a platform; write os/arch or os/arch/variant")
    return normalize(*parts)


def matches(wanted: Platform, offered: Platform, wanted_variant_given: bool) -> bool:
    if (wanted.os, wanted.architecture) != (offered.os, offered.architecture):
        return False
    return not wanted_variant_given or wanted.variant == offered.variant


def from_descriptor(descriptor: dict[str, Any]) -> Platform | None:
    """The platform of an index entry, or None for attestations and artifacts."""
    platform = descriptor.get("platform")
    if not isinstance(platform, dict):
        return None
    annotations = descriptor.get("annotations")
    if isinstance(annotations, dict) and \
            annotations.get("vnd.docker.reference.type") == "attestation-manifest":
        return None
    os_name, arch, variant = (platform.get(k) or "" for k in ("os", "architecture", "variant"))
    if not all(isinstance(v, str) for v in (os_name, arch, variant)):
        return None
    if not os_name or not arch or (os_name, arch) == ("unknown", "unknown"):
        return None
    return normalize(os_name, arch, variant)


def from_config(config: dict[str, Any]) -> Platform | None:
    os_name, arch, variant = (config.get(k) or "" for k in ("os", "architecture", "variant"))
    if not all(isinstance(v, str) for v in (os_name, arch, variant)) or not os_name or not arch:
        return None
    return normalize(os_name, arch, variant)


def available(platforms: Iterable[Platform], wanted: Platform, variant_given: bool) -> bool:
    return any(matches(wanted, offered, variant_given) for offered in platforms)
