"""HTTP to registries: one session per host, the token flow, retries, a deadline.

Rules kept here:
- credentials go only to an https realm, or to a loopback host;
- plain http only for loopback hosts or with ``insecure-http: true``;
- ``verify=`` is passed on every request (a configured ``ca-bundle`` wins
  over REQUESTS_CA_BUNDLE); redirects are followed and requests drops the
  Authorization header when the host or port changes;
- 429 and 5xx are retried a few times with backoff, honouring Retry-After;
- every request is bounded by the run's overall deadline.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import requests

from yamlcheck.core.settings import HostSettings
from yamlcheck.images.providers import host_of, is_loopback
from yamlcheck.registries import challenge
from yamlcheck.registries.credentials import Credential, CredentialRejected

log = logging.getLogger("yamlcheck.registries")
REQUEST_TIMEOUT = 10.0
MAX_ATTEMPTS = 4
MAX_RETRY_WAIT = 20.0
USER_AGENT = "yamlcheck"


class Unreachable(Exception):
    """DNS, connection, TLS, timeout or persistent server errors (VH315)."""


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()


class Endpoint:
    """Where a registry is reached and how."""

    def __init__(self, registry: str, settings: HostSettings) -> None:
        self.registry = registry
        self.settings = settings
        if settings.endpoint:
            base = settings.endpoint.rstrip("/")
        else:
            api = "registry-1.docker.io" if registry == "docker.io" else registry
            plain = settings.insecure_http or (is_loopback(registry) and not settings.ca_bundle)
            base = f"{'http' if plain else 'https'}://{api}"
        self.base = base
        parts = urlsplit(base)
        self.netloc = parts.netloc
        self.http = parts.scheme == "http"
        self.loopback = is_loopback(parts.netloc)
        self.verify: bool | str = settings.ca_bundle or True

    def problem(self) -> str | None:
        if self.http and not (self.loopback or self.settings.insecure_http):
            return (f"plain http to {self.netloc} is allowed only for loopback hosts or with "
                    "insecure-http: true")
        return None


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _describe(exc: requests.RequestException, url: str) -> str:
    text = str(exc)
    host = urlsplit(url).netloc
    if isinstance(exc, requests.exceptions.SSLError):
        reason = "certificate verify failed" if "CERTIFICATE_VERIFY_FAILED" in text else "TLS error"
        return f"TLS handshake with {host} failed ({reason}); set ca-bundle for the host?"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"{host} did not answer in time"
    if "Name or service not known" in text or "NameResolutionError" in text \
            or "getaddrinfo" in text:
        return f"cannot resolve the host name {host.split(':')[0]}"
    if "Connection refused" in text:
        return f"connection to {host} refused"
    return f"cannot connect to {host}: {type(exc).__name__}"


class Client:
    """Shared by all checks of a run (thread-safe)."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.counts: dict[str, int] = {"HEAD": 0, "GET": 0, "token": 0, "ping": 0}
        self._sessions: dict[str, requests.Session] = {}
        self._pings: dict[str, challenge.Challenge | None] = {}
        self._tokens: dict[tuple[str, str, str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._key_locks: dict[Any, threading.Lock] = {}

    # -- plumbing ----------------------------------------------------------
    def _session(self, netloc: str) -> requests.Session:
        with self._lock:
            session = self._sessions.get(netloc)
            if session is None:
                session = requests.Session()
                session.headers["User-Agent"] = USER_AGENT
                self._sessions[netloc] = session
            return session

    def _key_lock(self, key: Any) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def _count(self, kind: str) -> None:
        with self._lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1

    def request(self, method: str, url: str, verify: bool | str, headers: dict[str, str],
                count: str | None = None) -> requests.Response:
        """One request with retries for 429/5xx; raises Unreachable."""
        session = self._session(urlsplit(url).netloc)
        for attempt in range(MAX_ATTEMPTS):
            remaining = self.deadline.remaining()
            if remaining <= 0:
                raise Unreachable("the overall deadline (--timeout) passed before "
                                  f"{urlsplit(url).netloc} answered")
            timeout = min(REQUEST_TIMEOUT, remaining)
            self._count(count or method)
            try:
                response = session.request(method, url, headers=headers, verify=verify,
                                           timeout=(min(5.0, timeout), timeout),
                                           allow_redirects=True)
            except requests.RequestException as exc:
                raise Unreachable(_describe(exc, url)) from None
            log.info("%s %s -> %s", method, url, response.status_code)
            if response.status_code != 429 and response.status_code < 500:
                return response
            if attempt == MAX_ATTEMPTS - 1:
                return response
            wait = _retry_after(response)
            if wait is None:
                wait = 0.2 * (2 ** attempt) + random.uniform(0, 0.1)
            if wait > MAX_RETRY_WAIT or wait >= self.deadline.remaining():
                return response
            time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- authentication ----------------------------------------------------
    def ping(self, endpoint: Endpoint) -> challenge.Challenge | None:
        """The registry's challenge on /v2/ (None: no authentication), once per host."""
        with self._key_lock(("ping", endpoint.base)):
            if endpoint.base not in self._pings:
                response = self.request("GET", f"{endpoint.base}/v2/", endpoint.verify, {},
                                        count="ping")
                found = None
                if response.status_code == 401:
                    found = challenge.choose(_challenges(response))
                self._pings[endpoint.base] = found
            return self._pings[endpoint.base]

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
        service = found.params.get("service", "")
        key = (realm, service, scope, credential.source)
        with self._key_lock(("token", *key)):
            cached = self._tokens.get(key)
            if cached and cached[1] > time.monotonic():
                return cached[0]
            value, lifetime = self._fetch_token(endpoint, credential, realm, service, scope)
            self._tokens[key] = (value, time.monotonic() + max(lifetime - 10, 30))
            return value

    def _fetch_token(self, endpoint: Endpoint, credential: Credential, realm: str, service: str,
                     scope: str) -> tuple[str, float]:
        parts = urlsplit(realm)
        if not credential.anonymous and parts.scheme != "https" and not is_loopback(parts.netloc):
            raise CredentialRejected(
                f"refusing to send {credential.source} to the plain-http realm {realm}")
        headers: dict[str, str] = {}
        session = self._session(parts.netloc)
        verify = endpoint.verify if host_of(parts.netloc) == host_of(endpoint.netloc) else True
        if credential.identity_token:  # OAuth2 refresh token (docker login to ACR)
            self._count("token")
            form = {"grant_type": "refresh_token", "refresh_token": credential.identity_token,
                    "service": service, "scope": scope, "client_id": USER_AGENT}
            try:
                response = session.post(realm, data=form, verify=verify,
                                        timeout=min(REQUEST_TIMEOUT, self.deadline.remaining()))
            except requests.RequestException as exc:
                raise Unreachable(_describe(exc, realm)) from None
        else:
            basic = credential.basic()
            if basic:
                headers["Authorization"] = basic
            params = "&".join(f"{k}={requests.utils.quote(v, safe='')}" for k, v in
                              (("service", service), ("scope", scope)) if v)
            url = f"{realm}{'&' if '?' in realm else '?'}{params}"
            response = self.request("GET", url, verify, headers, count="token")
        if response.status_code in (401, 403):
            who = credential.source
            raise CredentialRejected(f"the token service {parts.netloc} rejected {who}")
        if response.status_code != 200:
            raise Unreachable(f"the token service {parts.netloc} answered "
                              f"{response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise Unreachable(f"the token service {parts.netloc} did not send JSON") from None
        value = body.get("access_token") or body.get("token")
        if not value:
            raise Unreachable(f"the token service {parts.netloc} sent no token")
        return str(value), float(body.get("expires_in") or 60)


def _challenges(response: requests.Response) -> list[challenge.Challenge]:
    raw = getattr(getattr(response, "raw", None), "headers", None)
    values = raw.getlist("WWW-Authenticate") if raw is not None and hasattr(raw, "getlist") \
        else [response.headers.get("WWW-Authenticate", "")]
    found: list[challenge.Challenge] = []
    for value in values:
        found.extend(challenge.parse(value))
    return found
