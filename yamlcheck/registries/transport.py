"""HTTP exchanges bounded in time and memory, with redirects followed by hand.

- Bodies are streamed and read in chunks up to a cap: memory stays flat
  whatever a server sends, and the deadline is checked between chunks.
- Every connection is tracked; when the run's deadline passes, their sockets
  are shut down, which ends reads that a dripping server keeps alive.
- Redirects are followed one hop at a time under the trust rules of the host
  each hop leads to (trust.HostTrust); ``Authorization`` never leaves its
  origin (scheme, host and port), and plain http is refused where the target
  host does not allow it.
- ~/.netrc is never consulted: an unmatched image stays anonymous.
"""

from __future__ import annotations

import logging
import socket
import threading
import weakref
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3.exceptions
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from yamlcheck.registries.deadline import Deadline, DeadlinePassed
from yamlcheck.registries.trust import HostTrust, netloc_of, origin, resolve_url

log = logging.getLogger("yamlcheck.registries")
USER_AGENT = "yamlcheck"
REQUEST_TIMEOUT = 10.0
CONNECT_TIMEOUT = 5.0
CHUNK = 64 * 1024
MAX_REDIRECTS = 5
REDIRECTS = frozenset((301, 302, 303, 307, 308))
ERROR_BODY = 64 * 1024  # enough for a registry's JSON error or a token


class Unreachable(Exception):
    """DNS, connection, TLS, timeout, a server fault or persistent 5xx (VH315)."""


class Reply(NamedTuple):
    status: int
    headers: CaseInsensitiveDict[str]
    challenges: list[str]  # every WWW-Authenticate value
    body: bytes
    url: str  # where the answer came from, after redirects

    def json(self) -> Any:
        """The body as JSON; None when it is not JSON."""
        import json

        try:
            return json.loads(self.body)
        except ValueError:
            return None


class _NoNetrc(requests.auth.AuthBase):
    """Set as the session's auth so that requests never reads ~/.netrc."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


class _Tracker:
    """The connections of one run, shut down together at the deadline."""

    def __init__(self) -> None:
        self.connections: weakref.WeakSet[Any] = weakref.WeakSet()
        self.lock = threading.Lock()
        self.aborted = False

    def opened(self, connection: Any) -> None:
        with self.lock:
            self.connections.add(connection)
            aborted = self.aborted
        if aborted:
            _shutdown(connection)

    def abort(self) -> None:
        with self.lock:
            self.aborted = True
            connections = list(self.connections)
        for connection in connections:
            _shutdown(connection)


def _shutdown(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:  # the plain socket call also works on a TLS socket's descriptor
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass


def _pool_classes(tracker: _Tracker) -> dict[str, type]:
    class Tracked(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            tracker.opened(self)

    class TrackedTLS(HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            tracker.opened(self)

    class Pool(HTTPConnectionPool):
        ConnectionCls = Tracked

    class TLSPool(HTTPSConnectionPool):
        ConnectionCls = TrackedTLS

    return {"http": Pool, "https": TLSPool}


class _Adapter(requests.adapters.HTTPAdapter):
    def __init__(self, tracker: _Tracker) -> None:
        self.tracker = tracker
        super().__init__(pool_maxsize=16)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self.tracker)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = _pool_classes(self.tracker)
        return manager


def tracked_session(deadline: Deadline) -> requests.Session:
    """A session whose sockets are shut down when ``deadline`` passes."""
    tracker = _Tracker()
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.auth = _NoNetrc()
    adapter = _Adapter(tracker)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    deadline.at_expiry(tracker.abort)
    return session


def describe(exc: BaseException, url: str, trust: HostTrust) -> str:
    """What went wrong talking to the host of ``url``, and what to set."""
    text = str(exc)
    host = netloc_of(url)
    if isinstance(exc, requests.exceptions.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" in text:
            return f"TLS handshake with {host} failed (certificate verify failed): " \
                   f"{trust.tls_advice(host)}"
        if "WRONG_VERSION_NUMBER" in text or "record layer failure" in text:
            return f"{host} does not speak TLS (https) on this port"
        return f"TLS handshake with {host} failed ({type(exc).__name__})"
    if isinstance(exc, requests.exceptions.Timeout | urllib3.exceptions.TimeoutError):
        return f"{host} did not answer in time"
    if "Name or service not known" in text or "NameResolutionError" in text \
            or "getaddrinfo" in text or "No address associated" in text:
        return f"cannot resolve the host name {host.split(':')[0]}"
    if "Connection refused" in text:
        return f"connection to {host} refused"
    if "RemoteDisconnected" in text or "Connection reset" in text \
            or "Connection aborted" in text:
        return f"{host} closed the connection without an answer"
    return f"cannot connect to {host}: {type(exc).__name__}"


class Transport:
    """Single exchanges and redirect chains, shared by the checks of a run."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.session = tracked_session(deadline)

    def send(self, method: str, url: str, headers: dict[str, str], trust: HostTrust,
             what: str, cap: int = ERROR_BODY, data: Any = None) -> Reply:
        """One request, no redirect followed; the body read up to ``cap`` bytes
        (``cap=0``: only the status and headers matter)."""
        netloc = netloc_of(url)
        where = f"{netloc} ({what})"
        left = self.deadline.check(where)
        timeout = (min(CONNECT_TIMEOUT, left), min(REQUEST_TIMEOUT, left))
        try:
            response = self.session.request(method, url, headers=headers, data=data,
                                            verify=trust.verify(netloc), timeout=timeout,
                                            allow_redirects=False, stream=True)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            if self.deadline.passed():
                raise DeadlinePassed(self.deadline, where) from None
            if isinstance(exc, OSError) and not isinstance(exc, requests.RequestException):
                raise Unreachable(f"cannot use the TLS settings for {netloc}: {exc}") from None
            raise Unreachable(describe(exc, url, trust)) from None
        except ValueError:  # requests parses a redirect's Location even when not following
            raise Unreachable(f"{netloc} redirected {what} to an unusable URL") from None
        try:
            log.info("%s %s -> %s", method, url, response.status_code)
            if method == "HEAD" or cap == 0:
                body = b""
                self._drain(response, where)
            else:
                body = self._read(response, cap, where)
            raw = getattr(response.raw, "headers", None)
            challenges = raw.getlist("WWW-Authenticate") if hasattr(raw, "getlist") else \
                [v for v in [response.headers.get("WWW-Authenticate")] if v]
            return Reply(response.status_code, response.headers, challenges, body, url)
        finally:
            response.close()

    def _drain(self, response: requests.Response, where: str) -> None:
        """Read a small unwanted body so that the connection is kept; a large one is
        left unread (closing the response then closes the connection)."""
        try:
            self._read(response, ERROR_BODY, where)
        except TooLarge:
            pass

    def _read(self, response: requests.Response, cap: int, where: str) -> bytes:
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > cap:
            raise TooLarge(where, cap)
        raw = response.raw
        read = getattr(raw, "read1", None) or raw.read
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                self.deadline.check(where)
                chunk = read(CHUNK, decode_content=True)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > cap:
                    raise TooLarge(where, cap)
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
            if self.deadline.passed():
                raise DeadlinePassed(self.deadline, where) from None
            raise Unreachable(f"{where}: the answer broke off "
                              f"({describe(exc, response.url, HostTrust({}))})") from None

    def fetch(self, method: str, url: str, headers: dict[str, str], trust: HostTrust,
              what: str, cap: int = ERROR_BODY, probe_elsewhere: bool = False) -> Reply:
        """``send`` that follows redirects under the trust rules of each hop.

        ``probe_elsewhere``: a HEAD redirected to another origin becomes a GET
        of the first byte (pre-signed storage URLs are signed for GET only)."""
        start = origin(url)
        for _ in range(MAX_REDIRECTS + 1):
            scheme, netloc = origin(url)
            if scheme == "http" and not trust.plain_http_allowed(netloc):
                raise Unreachable(f"{what}: refusing plain http to {netloc} (allowed only for "
                                  "loopback hosts or with insecure-http: true)")
            reply = self.send(method, url, headers, trust, what, cap)
            location = reply.headers.get("Location")
            if reply.status not in REDIRECTS or not location:
                return reply
            target = resolve_url(url, location)
            if target is None:
                raise Unreachable(f"{netloc} redirected {what} to an unusable URL")
            if origin(target) != start:
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
                if probe_elsewhere and method == "HEAD":
                    method, headers = "GET", {**headers, "Range": "bytes=0-0"}
            if reply.status == 303:
                method = "GET"
            log.info("redirect %s -> %s", netloc, urlsplit(target).netloc)
            url = target
        raise Unreachable(f"{what}: more than {MAX_REDIRECTS} redirects")


class TooLarge(Unreachable):
    def __init__(self, where: str, cap: int) -> None:
        super().__init__(f"{where}: the answer is larger than {cap // 1024} KiB; refused")
