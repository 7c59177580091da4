"""Talking to registries: where each is reached, the /v2/ ping, the token flow,
retries.

Rules kept here (trust.py decides per host):
- credentials go only to an https realm, or to one whose host allows plain
  http (loopback, ``insecure-http``); never to a private or loopback IP
  literal named by a registry that is not itself on such an address;
- a refresh token is POSTed without following any redirect;
- 429 and 5xx are retried a few times with backoff, honouring Retry-After;
- every request is bounded by the run's deadline (transport.py).
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from typing import Any
from urllib.parse import quote, urlsplit

from yamlcheck.core.settings import HostSettings
from yamlcheck.images.providers import is_loopback
from yamlcheck.registries import challenge
from yamlcheck.registries.credentials import Credential, CredentialRejected
from yamlcheck.registries.deadline import Deadline
from yamlcheck.registries.transport import (
    ERROR_BODY,
    REDIRECTS,
    USER_AGENT,
    Reply,
    Transport,
    Unreachable,
)
from yamlcheck.registries.trust import (
    HostTrust,
    endpoint_base,
    guessed_http,
    is_private_literal,
    netloc_of,
    resolve_url,
)

MAX_ATTEMPTS = 4
MAX_RETRY_WAIT = 20.0
MIN_TOKEN_LIFETIME = 60.0

__all__ = ["Client", "Deadline", "Endpoint", "Unreachable"]


class Endpoint:
    """Where a registry is reached and with which settings."""

    def __init__(self, registry: str, trust: HostTrust | HostSettings) -> None:
        if isinstance(trust, HostSettings):
            trust = HostTrust({registry: trust})
        self.registry = registry
        self.trust = trust
        settings = trust.by_name.get(registry) or HostSettings()
        self.settings = settings
        # plain http tried first, https when the answer shows TLS (as Docker does)
        self.guessed_http = guessed_http(registry, settings)
        self.base = endpoint_base(registry, settings)

    @property
    def netloc(self) -> str:
        return netloc_of(self.base)

    def problem(self) -> str | None:
        if resolve_url(self.base, self.base) is None:
            return f"the endpoint {self.base} set under registry-hosts is not a usable URL"
        if urlsplit(self.base).scheme == "http" and not self.trust.plain_http_allowed(self.netloc):
            return (f"plain http to {self.netloc} is allowed only for loopback hosts or with "
                    "insecure-http: true")
        return None


def retry_after(reply: Reply) -> float | None:
    """Seconds from Retry-After (a number or an HTTP date); None when absent or unusable."""
    value = reply.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class Client:
    """Shared by all checks of a run (thread-safe)."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.transport = Transport(deadline)
        self.counts: dict[str, int] = {}
        self._pings: dict[str, tuple[str, challenge.Challenge | None] | Unreachable] = {}
        self._tokens: dict[tuple[str, str, str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._key_locks: dict[Any, threading.Lock] = {}

    def _key_lock(self, key: Any) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def count(self, kind: str) -> None:
        with self._lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1

    def request(self, method: str, url: str, endpoint: Endpoint, headers: dict[str, str],
                what: str, count: str, cap: int = ERROR_BODY,
                probe_elsewhere: bool = False) -> Reply:
        """One request (redirects followed) with retries for 429 and 5xx."""
        for attempt in range(MAX_ATTEMPTS):
            self.count(count)
            reply = self.transport.fetch(method, url, headers, endpoint.trust, what, cap,
                                         probe_elsewhere)
            if (reply.status != 429 and reply.status < 500) or attempt == MAX_ATTEMPTS - 1:
                return reply
            wait = retry_after(reply)
            if wait is None:
                wait = 0.2 * (2 ** attempt) + random.uniform(0, 0.1)
            if wait > MAX_RETRY_WAIT or wait >= self.deadline.remaining():
                return reply
            time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- the /v2/ ping -----------------------------------------------------
    def ping(self, endpoint: Endpoint) -> challenge.Challenge | None:
        """The registry's challenge on /v2/ (None: no authentication), once per
        address; also settles http or https for a loopback registry."""
        key = endpoint.base
        with self._key_lock(("ping", key)):
            if key not in self._pings:
                try:
                    self._pings[key] = self._ping(endpoint)
                except Unreachable as exc:
                    self._pings[key] = exc
            found = self._pings[key]
        if isinstance(found, Unreachable):
            raise found
        endpoint.base = found[0]
        return found[1]

    def _ping(self, endpoint: Endpoint) -> tuple[str, challenge.Challenge | None]:
        base = endpoint.base
        try:
            reply = self.request("GET", f"{base}/v2/", endpoint, {}, "the /v2/ API", "ping")
        except Unreachable as exc:
            if endpoint.guessed_http and "closed the connection" in str(exc):
                return self._ping_https(endpoint, f"plain http: {exc}")
            raise
        if endpoint.guessed_http and reply.status == 400 and b"HTTPS" in reply.body:
            return self._ping_https(endpoint, "plain http was answered 400 (an https port)")
        return base, _challenge_of(reply, endpoint)

    def _ping_https(self, endpoint: Endpoint, why: str) -> tuple[str, challenge.Challenge | None]:
        base = f"https://{endpoint.netloc}"
        try:
            reply = self.request("GET", f"{base}/v2/", endpoint, {}, "the /v2/ API", "ping")
        except Unreachable as exc:
            raise Unreachable(f"{endpoint.netloc} seems to speak https ({why}); over https: "
                              f"{exc}") from None
        return base, _challenge_of(reply, endpoint)

    # -- authentication ----------------------------------------------------
    def authorization(self, endpoint: Endpoint, credential: Credential,
                      repository: str) -> str | None:
        """The Authorization header value for pulling ``repository``."""
        found = self.ping(endpoint)
        if found is None:
            return None
        if found.scheme == "basic":
            return credential.basic()
        return "Bearer " + self.token(endpoint, credential, found, f"repository:{repository}:pull")

    def token(self, endpoint: Endpoint, credential: Credential, found: challenge.Challenge,
              scope: str) -> str:
        realm = found.params.get("realm")
        if not realm:
            raise Unreachable(f"{endpoint.netloc} sent a Bearer challenge without a realm")
        resolved = resolve_url(f"{endpoint.base}/v2/", realm)
        if resolved is None:
            raise Unreachable(f"{endpoint.netloc} sent a Bearer challenge whose realm is not "
                              "an http(s) URL")
        realm = resolved
        service = found.params.get("service", "")
        key = (realm, service, scope, credential.source)
        with self._key_lock(("token", *key)):
            cached = self._tokens.get(key)
            if cached and cached[1] > time.monotonic():
                return cached[0]
            self._refuse_unsafe_realm(endpoint, credential, realm)
            value, lifetime = self._fetch_token(endpoint, credential, realm, service, scope)
            self._tokens[key] = (value, time.monotonic() + max(lifetime - 10, 30))
            return value

    def _refuse_unsafe_realm(self, endpoint: Endpoint, credential: Credential, realm: str) -> None:
        if credential.anonymous:
            return
        scheme, netloc = urlsplit(realm).scheme, netloc_of(realm)
        if scheme != "https" and not endpoint.trust.plain_http_allowed(netloc):
            raise CredentialRejected(
                f"refusing to send {credential.source} to the plain-http realm {realm}")
        if netloc != endpoint.netloc and is_private_literal(netloc) \
                and not is_private_literal(endpoint.netloc) and not is_loopback(endpoint.netloc):
            raise CredentialRejected(
                f"refusing to send {credential.source} to the realm {realm}: {endpoint.netloc} "
                "names a private or loopback address for it")

    def _fetch_token(self, endpoint: Endpoint, credential: Credential, realm: str, service: str,
                     scope: str) -> tuple[str, float]:
        netloc = netloc_of(realm)
        what = "a token"
        if credential.identity_token:  # OAuth2 refresh token (docker login to ACR)
            self.count("token")
            form = {"grant_type": "refresh_token", "refresh_token": credential.identity_token,
                    "service": service, "scope": scope, "client_id": USER_AGENT}
            reply = self.transport.send("POST", realm, {}, endpoint.trust, what, data=form)
            if reply.status in REDIRECTS:  # never re-send the refresh token elsewhere
                target = netloc_of(resolve_url(realm, reply.headers.get("Location", ""))
                                   or realm)
                raise Unreachable(f"the token service {netloc} answered {reply.status}, a "
                                  f"redirect to {target}; the refresh token is not sent there")
        else:
            headers: dict[str, str] = {}
            basic = credential.basic()
            if basic:
                headers["Authorization"] = basic
            params = "&".join(f"{k}={quote(v, safe='')}" for k, v in
                              (("service", service), ("scope", scope)) if v)
            url = f"{realm}{'&' if '?' in realm else '?'}{params}"
            reply = self.request("GET", url, endpoint, headers, what, "token")
        if reply.status in (401, 403):
            raise CredentialRejected(f"the token service {netloc} rejected {credential.source}")
        if reply.status != 200:
            raise Unreachable(f"the token service {netloc} answered {reply.status}")
        body = reply.json()
        if not isinstance(body, dict):
            raise Unreachable(f"the token service {netloc} answered 200 without a JSON object "
                              f"({_kind(reply)})")
        value = body.get("access_token") or body.get("token")
        if not isinstance(value, str) or not value:
            raise Unreachable(f"the token service {netloc} sent no token")
        return value, _lifetime(body.get("expires_in"))


def _lifetime(value: object) -> float:
    """``expires_in`` in seconds; at least 60, and 60 when it is not a number."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return MIN_TOKEN_LIFETIME
    return seconds if seconds == seconds and seconds > MIN_TOKEN_LIFETIME else MIN_TOKEN_LIFETIME


def _kind(reply: Reply) -> str:
    content_type = reply.headers.get("Content-Type", "").split(";")[0].strip() or "no type"
    return f"{content_type}, {len(reply.body)} bytes"


def _challenge_of(reply: Reply, endpoint: Endpoint) -> challenge.Challenge | None:
    if reply.status == 404:
        raise Unreachable(f"{endpoint.netloc} is not a registry: GET /v2/ answered 404 (no "
                          "registry API there; check the host, or its endpoint under "
                          "registry-hosts)")
    if reply.status != 401:
        return None
    found: list[challenge.Challenge] = []
    for value in reply.challenges:
        found.extend(challenge.parse(value))
    return challenge.choose(found)
