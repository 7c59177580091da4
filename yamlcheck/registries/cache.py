"""Registry results remembered between runs.

One JSON file (mode 0600) under the user cache folder
($XDG_CACHE_HOME/yamlcheck or ~/.cache/yamlcheck).  Keys are hashes of what
decides the outcome (address, ca-bundle and other host settings, credential
source, repository, reference, platform); values hold statuses, digests and
platforms, never a credential.  A result for a tag lives TAG_TTL seconds, one
for a digest DIGEST_TTL (a day: manifests are deleted by garbage collection
and lifecycle policies).  Only results that cannot flip on their own are
kept: "ok" and "platform-missing".  An entry of the wrong shape is ignored
and overwritten; a cache that cannot be written is skipped without leaving
files behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import time
from pathlib import Path
from typing import Any

from yamlcheck.core.settings import HostSettings, RegistryEntry
from yamlcheck.registries.credentials import source_identity
from yamlcheck.registries.outcomes import Outcome
from yamlcheck.registries.trust import endpoint_base

log = logging.getLogger("yamlcheck.registries")
TAG_TTL = 300.0
DIGEST_TTL = 86400.0
VERSION = 2
_KEEP = ("ok", "platform-missing")
_TEXT_FIELDS = ("status", "detail", "credential_source")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "yamlcheck"


def key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


Hosts = dict[str, HostSettings] | tuple[tuple[str, HostSettings], ...]


def image_key(registry: str, repository: str, reference: str, platform: str | None,
              entry: RegistryEntry | None, hosts: Hosts) -> str:
    """The cache key of one image check: where (address and every registry-hosts
    setting), as whom (the registry pattern and its credential source), what, and
    for which platform.  Light to import: an editor can read the cache with it."""
    items = sorted(hosts.items() if isinstance(hosts, dict) else hosts)
    settings = dict(items).get(registry) or HostSettings()
    who = "anonymous" if entry is None else json.dumps(
        [entry.match, entry.type, sorted(entry.options.items())], default=str)
    return key(endpoint_base(registry, settings), json.dumps(items, default=str), who,
               *source_identity(entry), repository, platform or "", reference)


def _unexpired(entry: dict[str, Any], now: float) -> bool:
    expires = entry.get("expires")
    return isinstance(expires, int | float) and not isinstance(expires, bool) \
        and math.isfinite(expires) and expires > now


def _valid(entry: Any, now: float) -> bool:
    if not isinstance(entry, dict) or not _unexpired(entry, now):
        return False
    if not all(isinstance(entry.get(name), str) for name in _TEXT_FIELDS):
        return False
    if entry["status"] not in _KEEP:
        return False
    for name in ("digest", "media_type"):
        if entry.get(name) is not None and not isinstance(entry.get(name), str):
            return False
    found = entry.get("platforms")
    return isinstance(found, list) and all(isinstance(p, str) for p in found)


class ResultCache:
    def __init__(self, enabled: bool, path: Path | None = None) -> None:
        self.enabled = enabled
        self.path = path or cache_dir() / "registry-results.json"
        self.results: dict[str, dict[str, Any]] = {}
        self.tags: dict[str, dict[str, Any]] = {}  # tag key -> the digest it last named
        self._dirty = False
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return
        if not isinstance(data, dict) or data.get("version") != VERSION \
                or not isinstance(data.get("results"), dict):
            self._dirty = True
            return
        now = time.time()
        self.results = {k: v for k, v in data["results"].items() if _valid(v, now)}
        tags = data.get("tags") if isinstance(data.get("tags"), dict) else {}
        self.tags = {k: v for k, v in tags.items() if isinstance(v, dict)
                     and isinstance(v.get("digest"), str) and _unexpired(v, now)}
        self._dirty = len(self.results) != len(data["results"]) or len(self.tags) != len(tags)

    def get(self, cache_key: str, what: str = "") -> Outcome | None:
        """The remembered outcome; ``what`` names the reference in its message."""
        if not self.enabled:
            return None
        entry = self.results.get(cache_key)
        if entry is None or not _valid(entry, time.time()):
            return None
        detail = entry["detail"]
        return Outcome(entry["status"], f"{what}{detail}" if detail else "", entry.get("digest"),
                       entry.get("media_type"), tuple(entry["platforms"]),
                       entry["credential_source"])

    def last_digest(self, tag_key: str) -> str | None:
        """The digest a tag named when last checked (kept a day, as digest results are)."""
        entry = self.tags.get(tag_key) if self.enabled else None
        if not isinstance(entry, dict) or not isinstance(entry.get("digest"), str) \
                or not _unexpired(entry, time.time()):
            return None
        return str(entry["digest"])

    def put(self, cache_key: str, outcome: Outcome, what: str, lifetime: float) -> None:
        """Remember ``outcome`` (its message begins with ``what``)."""
        if not self.enabled or outcome.status not in _KEEP:
            return
        entry = outcome.to_json()
        message = outcome.message
        entry["detail"] = message[len(what):] if message.startswith(what) else message
        entry["expires"] = time.time() + lifetime
        self.results[cache_key] = entry
        if outcome.digest and lifetime < DIGEST_TTL:
            self.tags[cache_key] = {"digest": outcome.digest, "expires": time.time() + DIGEST_TTL}
        self._dirty = True

    def save(self) -> None:
        if not self.enabled or not self._dirty:
            return
        data = {"version": VERSION, "results": self.results, "tags": self.tags}
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(temp, self.path)
        except OSError as exc:  # a cache must never break a run
            log.info("could not write the cache %s: %s", self.path, exc)
            try:
                temp.unlink()
            except OSError:
                pass
