"""Registry match patterns, matched the way Valohai matches them.

A pattern is a glob over the whole image string in which ``*`` stands for any
run of characters (``/`` and ``:`` included); every other character is
literal.  Valohai matches the image *as written* in valohai.yaml, and the first
matching entry wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from yamlcheck.core.settings import RegistryEntry
from yamlcheck.images.providers import classify
from yamlcheck.images.reference import Reference


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.S)


def matches(pattern: str, image: str) -> bool:
    return _compile(pattern).fullmatch(image) is not None


def first_match(entries: Sequence[RegistryEntry], image: str) -> RegistryEntry | None:
    for entry in entries:
        if matches(entry.match, image):
            return entry
    return None


def _is_host(part: str) -> bool:
    """Whether a pattern's first component names a registry host (Docker's rule)."""
    return "." in part or ":" in part or part == "localhost" or part.lower() != part


def namespace(pattern: str) -> str | None:
    """``host/first-part`` when both are literal in the pattern (once
    normalised: a pattern without a host stands for Docker Hub), else None."""
    literal = pattern.split("*", 1)[0]
    parts = literal.split("/")
    if parts and parts[0] == "index.docker.io":
        parts[0] = "docker.io"
    if not _is_host(parts[0]):
        parts = ["docker.io", *parts]
    if len(parts) < 3:  # the first path part must be complete: host/part/...
        return None
    return f"{parts[0]}/{parts[1]}"


def qualified_pattern(pattern: str) -> str:
    """The pattern with Docker Hub's host written out (``acme/*`` -> ``docker.io/acme/*``)."""
    first = pattern.split("/", 1)[0]
    if _is_host(first) or pattern.startswith("*"):
        return pattern
    return f"docker.io/{pattern}" if "/" in pattern else f"docker.io/library/{pattern}"


def image_namespace(ref: Reference) -> str:
    return f"{ref.registry}/{ref.repository.split('/', 1)[0]}"


class Classification(NamedTuple):
    """How the configured patterns see one image."""

    match: RegistryEntry | None  # the entry Valohai would use
    qualified_match: RegistryEntry | None = None  # matches only once fully qualified
    needs_credentials: bool = False  # no match, but the image cannot be pulled anonymously
    usually_private: bool = False  # no match, and the host is one that is usually private
    reason: str = ""
    configured: bool = True  # the configuration lists the organisation's patterns
    keeps_match: bool = True  # the fully qualified name still matches the same entry
    hint: str = ""  # how to make a pattern match


def classify_image(
    ref: Reference, entries: Sequence[RegistryEntry], private_hosts: Sequence[str] = ()
) -> Classification:
    written = ref.original
    configured = bool(entries)
    entry = first_match(entries, written)
    if entry is not None:
        keeps = ref.normalized == written or first_match(entries, ref.normalized) is entry
        return Classification(entry, keeps_match=keeps)
    if ref.normalized != written:
        qualified = first_match(entries, ref.normalized)
        if qualified is not None:
            return Classification(None, qualified_match=qualified)
    provider = classify(ref.registry)
    hint = (f"add a `registries:` entry whose pattern matches {written!r} as written, "
            f"such as {_suggested_pattern(ref)!r}, in Valohai and in .yamlcheck.yaml")
    if provider.private_only:
        return Classification(None, needs_credentials=True, configured=configured, hint=hint,
                              reason=f"{ref.registry} is a private AWS ECR registry")
    own = image_namespace(ref)
    for candidate in entries:
        if namespace(candidate.match) == own:
            if qualified_pattern(candidate.match) != candidate.match:
                reason = (f"pattern {candidate.match!r} covers the namespace {own} only once "
                          "normalised, while Valohai matches patterns as written")
                hint = (f"write the pattern as {qualified_pattern(candidate.match)!r} in Valohai "
                        "and in .yamlcheck.yaml")
            else:
                reason = f"pattern {candidate.match!r} covers the namespace {own}"
            return Classification(None, needs_credentials=True, reason=reason, hint=hint)
    listed = ref.registry.lower() in {h.lower() for h in private_hosts}
    if provider.usually_private or (listed and provider.kind != "docker-hub"):
        return Classification(None, usually_private=True, configured=configured, hint=hint)
    return Classification(None, configured=configured)


def _suggested_pattern(ref: Reference) -> str:
    """A pattern covering the image's namespace (host and first path part)."""
    return f"{image_namespace(ref)}/*"
