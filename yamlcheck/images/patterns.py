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


def namespace(pattern: str) -> str | None:
    """``host/first-part`` when both are literal in the pattern, else None."""
    literal = pattern.split("*", 1)[0]
    parts = literal.split("/")
    if len(parts) < 3:  # the first path part must be complete: host/part/...
        return None
    return f"{parts[0]}/{parts[1]}"


def image_namespace(ref: Reference) -> str:
    return f"{ref.registry}/{ref.repository.split('/', 1)[0]}"


class Classification(NamedTuple):
    """How the configured patterns see one image."""

    match: RegistryEntry | None  # the entry Valohai would use
    qualified_match: RegistryEntry | None = None  # matches only once fully qualified
    needs_credentials: bool = False  # no match, but the image cannot be pulled anonymously
    usually_private: bool = False  # no match, and the host is one that is usually private
    reason: str = ""


def classify_image(
    ref: Reference, entries: Sequence[RegistryEntry], private_hosts: Sequence[str] = ()
) -> Classification:
    written = ref.original
    entry = first_match(entries, written)
    if entry is not None:
        return Classification(entry)
    if ref.normalized != written:
        qualified = first_match(entries, ref.normalized)
        if qualified is not None:
            return Classification(None, qualified_match=qualified)
    provider = classify(ref.registry)
    if provider.private_only:
        return Classification(None, needs_credentials=True,
                              reason=f"{ref.registry} is a private AWS ECR registry")
    own = image_namespace(ref)
    for candidate in entries:
        if namespace(candidate.match) == own:
            return Classification(None, needs_credentials=True,
                                  reason=f"pattern {candidate.match!r} covers the namespace {own}")
    listed = ref.registry.lower() in {h.lower() for h in private_hosts}
    if provider.usually_private or (listed and provider.kind != "docker-hub"):
        return Classification(None, usually_private=True)
    return Classification(None)
