"""Manifest bodies classified by what they hold, not by the Content-Type a
server claims: the ``mediaType`` field first, then the shape (a ``manifests``
list is an index, ``config`` plus ``layers`` an image)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, NamedTuple

from yamlcheck.registries import platforms as plat
from yamlcheck.registries.transport import Unreachable

MAX_BODY = 4 * 1024 * 1024
DIGEST = re.compile(r"sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}", re.ASCII)
FOREIGN_LAYERS = ("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                  "application/vnd.docker.image.rootfs.foreign.diff.tar")


def digest_of(body: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm}:{hashlib.new(algorithm, body).hexdigest()}"


def matches(body: bytes, digest: str) -> bool:
    """Whether ``body`` has ``digest`` (True for an algorithm hashlib lacks)."""
    algorithm = digest.split(":")[0]
    if algorithm not in ("sha256", "sha512"):
        return True
    return digest_of(body, algorithm) == digest


def describe_body(body: bytes, content_type: str) -> str:
    """A few words on a body that is not what was expected (never its text)."""
    start = body[:512].lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
        return "an HTML page (a login page or a captive portal?)"
    if not body:
        return "an empty body"
    return f"{len(body)} bytes of {content_type or 'untyped content'}"


class Manifest(NamedTuple):
    kind: str  # "index", "image" or "other"
    media_type: str
    data: dict[str, Any]

    @property
    def schema1(self) -> bool:
        return self.data.get("schemaVersion") == 1


def parse(body: bytes, content_type: str, where: str) -> Manifest:
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise Unreachable(f"{where} is not a manifest: the registry sent "
                          f"{describe_body(body, content_type)}")
    declared = data.get("mediaType") if isinstance(data.get("mediaType"), str) else ""
    if declared in plat.INDEX_TYPES or (not declared and isinstance(data.get("manifests"), list)):
        kind = "index"
    elif declared in plat.MANIFEST_TYPES or (not declared and isinstance(data.get("config"), dict)
                                             and isinstance(data.get("layers"), list)):
        kind = "image"
    else:
        kind = "other"
    if not declared:
        declared = {"index": "application/vnd.oci.image.index.v1+json",
                    "image": "application/vnd.oci.image.manifest.v1+json"}.get(kind, "")
    if kind == "other" and data.get("schemaVersion") == 1:
        declared = declared or "application/vnd.docker.distribution.manifest.v1+json"
    return Manifest(kind, declared or content_type, data)


class IndexEntry(NamedTuple):
    platform: plat.Platform
    digest: str


def index_entries(manifest: Manifest) -> tuple[list[IndexEntry], str]:
    """The runnable platforms of an index, and a note on what else it holds."""
    entries: list[IndexEntry] = []
    skipped: dict[str, int] = {}
    for descriptor in manifest.data.get("manifests", []):
        if not isinstance(descriptor, dict):
            skipped["malformed entries"] = skipped.get("malformed entries", 0) + 1
            continue
        platform = plat.from_descriptor(descriptor)
        digest = descriptor.get("digest")
        if platform is None or not isinstance(digest, str) or not DIGEST.fullmatch(digest):
            what = _skipped_kind(descriptor)
            skipped[what] = skipped.get(what, 0) + 1
            continue
        if all(entry.platform != platform for entry in entries):
            entries.append(IndexEntry(platform, digest))
    note = ", ".join(f"{count} {what if count > 1 else _one(what)}"
                     for what, count in skipped.items())
    return entries, note


def _one(kinds: str) -> str:
    """"attestation manifests" -> "attestation manifest"."""
    return kinds.replace("manifests", "manifest").replace("entries", "entry")


def _skipped_kind(descriptor: dict[str, Any]) -> str:
    annotations = descriptor.get("annotations")
    if isinstance(annotations, dict) and \
            annotations.get("vnd.docker.reference.type") == "attestation-manifest":
        return "attestation manifests"
    platform = descriptor.get("platform")
    if isinstance(platform, dict) and (platform.get("os"), platform.get("architecture")) == \
            ("unknown", "unknown"):
        return "attestation manifests"
    return "entries without a platform"


class Blob(NamedTuple):
    role: str  # "config" or "smallest layer"
    digest: str
    size: int | None


def _blob(descriptor: Any, role: str) -> Blob | None:
    if not isinstance(descriptor, dict):
        return None
    digest = descriptor.get("digest")
    if not isinstance(digest, str) or not DIGEST.fullmatch(digest):
        return None
    size = descriptor.get("size")
    return Blob(role, digest, size if isinstance(size, int) and size >= 0 else None)


def config_blob(manifest: Manifest) -> Blob | None:
    return _blob(manifest.data.get("config"), "config")


def config_media_type(manifest: Manifest) -> str:
    config = manifest.data.get("config")
    value = config.get("mediaType") if isinstance(config, dict) else None
    return value if isinstance(value, str) else "no media type"


def smallest_layer(manifest: Manifest) -> Blob | None:
    """The smallest layer a pull downloads from the registry (foreign layers are not)."""
    layers = manifest.data.get("layers")
    found: list[Blob] = []
    for descriptor in layers if isinstance(layers, list) else []:
        if isinstance(descriptor, dict) and descriptor.get("mediaType") in FOREIGN_LAYERS:
            continue
        blob = _blob(descriptor, "smallest layer")
        if blob is not None:
            found.append(blob)
    if not found:
        return None
    return min(found, key=lambda b: b.size if b.size is not None else 1 << 62)


def platform_of_config(body: bytes) -> plat.Platform | None:
    try:
        config = json.loads(body)
    except ValueError:
        return None
    return plat.from_config(config) if isinstance(config, dict) else None
