"""Registry results remembered between runs.

One JSON file (mode 0600) under the user cache folder
($XDG_CACHE_HOME/yamlcheck or ~/.cache/yamlcheck).  Keys are hashes; values
hold statuses, digests and platforms, never a credential.  A result for a
digest reference never expires (the content cannot change); one for a tag
lives TAG_TTL seconds.  Only results that cannot flip on their own are kept:
"ok" and "platform-missing".
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from yamlcheck.core.settings import HostSettings, RegistryEntry
from yamlcheck.images.providers import is_loopback
from yamlcheck.registries.outcomes import Outcome

log = logging.getLogger("yamlcheck.registries")
TAG_TTL = 300.0
VERSION = 1
_KEEP = ("ok", "platform-missing")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "yamlcheck"


def key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def endpoint_base(registry: str, settings: HostSettings) -> str:
    """The URL a registry is reached at (the configured endpoint, or https)."""
    if settings.endpoint:
        return settings.endpoint.rstrip("/")
    api = "registry-1.docker.io" if registry == "docker.io" else registry
    plain = settings.insecure_http or (is_loopback(registry) and not settings.ca_bundle)
    return f"{'http' if plain else 'https'}://{api}"


def image_key(registry: str, repository: str, reference: str, platform: str | None,
              entry: RegistryEntry | None, settings: HostSettings) -> str:
    """The cache key of one image check: where, what, for which platform, as whom."""
    who = "anonymous" if entry is None else json.dumps(
        [entry.match, entry.type, sorted(entry.options.items())], default=str)
    return key(endpoint_base(registry, settings), repository, reference, platform or "", who)


class ResultCache:
    def __init__(self, enabled: bool, path: Path | None = None) -> None:
        self.enabled = enabled
        self.path = path or cache_dir() / "registry-results.json"
        self.results: dict[str, dict[str, Any]] = {}
        self.platforms: dict[str, list[str]] = {}
        self._dirty = False
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return
        now = time.time()
        self.results = {k: v for k, v in (data.get("results") or {}).items()
                        if isinstance(v, dict) and v.get("expires", 0) > now}
        self.platforms = dict(data.get("platforms") or {})

    def get(self, cache_key: str) -> Outcome | None:
        if not self.enabled:
            return None
        entry = self.results.get(cache_key)
        if entry is None:
            return None
        return Outcome(entry["status"], entry.get("message", ""), entry.get("digest"),
                       entry.get("media_type"), tuple(entry.get("platforms", ())),
                       entry.get("credential_source", "anonymous"))

    def put(self, cache_key: str, outcome: Outcome, by_digest: bool) -> None:
        if not self.enabled or outcome.status not in _KEEP:
            return
        expires = float("inf") if by_digest else time.time() + TAG_TTL
        entry = outcome.to_json()
        entry["message"] = outcome.message
        entry["expires"] = expires if expires != float("inf") else 1e18
        self.results[cache_key] = entry
        self._dirty = True

    def platform_map(self) -> dict[str, tuple[str, ...]]:
        return {digest: tuple(found) for digest, found in self.platforms.items()}

    def save(self, platform_map: dict[str, tuple[str, ...]]) -> None:
        if not self.enabled:
            return
        merged = {d: list(p) for d, p in platform_map.items()}
        if not self._dirty and merged == self.platforms:
            return
        data = {"version": VERSION, "results": self.results, "platforms": merged}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temp = self.path.with_suffix(f".{os.getpid()}.tmp")
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(temp, self.path)
        except OSError as exc:  # a cache must never break a run
            log.info("could not write the cache %s: %s", self.path, exc)
