"""HTTP exchanges bounded in time and memory, with redirects followed by hand.

- Bodies are streamed and read in chunks up to a cap: memory stays flat
  whatever a server sends, and the deadline is checked between chunks.
- Every connection is tracked; when the run's deadline passes, their sockets
  are shut down, which ends reads that a dripping server keeps alive.
- Redirects are followed one hop at a time under the trust rules of the host
  each hop leads to (trust.HostTrust); ``Authorization`` never leaves its
  origin (scheme, host and port), and plain http is refused where the target
  host does not allow it.
- The environment is read once per run, not per request: REQUESTS_CA_BUNDLE /
  CURL_CA_BUNDLE for hosts without a ca-bundle, the proxy variables per origin;
  ~/.netrc is never consulted (an unmatched image stays anonymous).
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import weakref
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

import certifi
import urllib3
import urllib3.exceptions
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
    headers: Mapping[str, str]  # case-insensitive
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


class Tracker:
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


def pool_classes(tracker: Tracker) -> dict[str, type]:
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


def describe(exc: BaseException, url: str, trust: HostTrust) -> str:
    """What went wrong talking to the host of ``url``, and what to set."""
    text = str(exc)
    host = netloc_of(url)
    if isinstance(exc, urllib3.exceptions.SSLError) or _requests_error(exc, "SSLError"):
        if "CERTIFICATE_VERIFY_FAILED" in text:
            return f"TLS handshake with {host} failed (certificate verify failed): " \
                   f"{trust.tls_advice(host)}"
        if "WRONG_VERSION_NUMBER" in text or "record layer failure" in text:
            return f"{host} does not speak TLS (https) on this port"
        return f"TLS handshake with {host} failed ({type(exc).__name__})"
    if "Name or service not known" in text or "NameResolutionError" in text \
            or "getaddrinfo" in text or "No address associated" in text \
            or isinstance(exc, urllib3.exceptions.NameResolutionError):
        return f"cannot resolve the host name {host.split(':')[0]}"
    if "Connection refused" in text:
        return f"connection to {host} refused"
    if isinstance(exc, urllib3.exceptions.TimeoutError | TimeoutError) \
            or _requests_error(exc, "Timeout"):
        return f"{host} did not answer in time"
    if "RemoteDisconnected" in text or "Connection reset" in text \
            or "Connection aborted" in text:
        return f"{host} closed the connection without an answer"
    return f"cannot connect to {host}: {type(exc).__name__}"


def _requests_error(exc: BaseException, name: str) -> bool:
    """Whether ``exc`` is requests' exception ``name`` (requests is loaded only
    for google-auth's session, so it is never imported here for this)."""
    module = sys.modules.get("requests.exceptions")
    kind = getattr(module, name, None) if module is not None else None
    return kind is not None and isinstance(exc, kind)


def environ_proxy(url: str) -> str | None:
    """The proxy the environment names for ``url`` (``https_proxy``, then
    ``all_proxy``; lower case before upper case, as curl reads them), None
    where ``no_proxy`` exempts its host (a name, a domain suffix, or ``*``)."""
    def variable(name: str) -> str:
        return os.environ.get(name) or os.environ.get(name.upper()) or ""

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for entry in variable("no_proxy").split(","):
        entry = entry.strip().lower().lstrip(".").rsplit(":", 1)[0] if "]" not in entry \
            else entry.strip().lower()
        if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
            return None
    return variable(f"{parts.scheme}_proxy") or variable("all_proxy") or None


class Transport:
    """Single exchanges and redirect chains, shared by the checks of a run.

    urllib3 directly (requests costs about twice the CPU per request): one pool
    manager per (proxy, CA file), each host's pool tracked for the deadline."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.tracker = Tracker()
        deadline.at_expiry(self.tracker.abort)
        self.default_ca = os.environ.get("REQUESTS_CA_BUNDLE") \
            or os.environ.get("CURL_CA_BUNDLE") or certifi.where()
        self._managers: dict[tuple[str | None, str | None], urllib3.PoolManager] = {}
        self._proxies: dict[tuple[str, str], str | None] = {}
        self._lock = threading.Lock()

    def _manager(self, url: str, trust: HostTrust) -> urllib3.PoolManager:
        """The pool manager for ``url``: its proxy from the environment (read once per
        origin) and, for https, its host's ca-bundle or the default one."""
        key = origin(url)
        with self._lock:
            if key not in self._proxies:
                self._proxies[key] = environ_proxy(url)
            ca = None
            if key[0] == "https":
                verify = trust.verify(key[1])
                ca = self.default_ca if verify is True else str(verify)
            ident = (self._proxies[key], ca)
            manager = self._managers.get(ident)
            if manager is None:
                options: dict[str, Any] = {"num_pools": 32, "maxsize": 16,
                                           "headers": {"User-Agent": USER_AGENT}}
                if ca:
                    options["cert_reqs"] = "CERT_REQUIRED"
                    options["ca_cert_dir" if os.path.isdir(ca) else "ca_certs"] = ca
                manager = urllib3.ProxyManager(ident[0], **options) if ident[0] \
                    else urllib3.PoolManager(**options)
                manager.pool_classes_by_scheme = pool_classes(self.tracker)
                self._managers[ident] = manager
            return manager

    def send(self, method: str, url: str, headers: dict[str, str], trust: HostTrust,
             what: str, cap: int = ERROR_BODY, data: dict[str, str] | None = None) -> Reply:
        """One request, no redirect followed; the body read up to ``cap`` bytes
        (``cap=0``: only the status and headers matter)."""
        netloc = netloc_of(url)
        where = f"{netloc} ({what})"
        left = self.deadline.check(where)
        body = None
        headers = {"User-Agent": USER_AGENT, **headers}
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        timeout = urllib3.Timeout(connect=min(CONNECT_TIMEOUT, left),
                                  read=min(REQUEST_TIMEOUT, left))
        try:
            response = self._manager(url, trust).urlopen(
                method, url, body=body, headers=headers, redirect=False, retries=False,
                timeout=timeout, preload_content=False, decode_content=True)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if self.deadline.passed():
                raise DeadlinePassed(self.deadline, where) from None
            raise Unreachable(describe(exc, url, trust)) from None
        except ValueError:
            raise Unreachable(f"{where}: the URL cannot be used") from None
        keep = True
        try:
            log.info("%s %s -> %s", method, url, response.status)
            if method == "HEAD" or cap == 0:
                answer = b""
                keep = self._drain(response, where)
            else:
                answer = self._read(response, cap, where, url)
            return Reply(response.status, response.headers,
                         response.headers.getlist("WWW-Authenticate"), answer, url)
        except BaseException:
            keep = False
            raise
        finally:
            if not keep:
                response.close()
            response.release_conn()

    def _drain(self, response: urllib3.BaseHTTPResponse, where: str) -> bool:
        """Read a small unwanted body so that the connection is kept (True); a large
        one is left unread, and the connection is not kept (False)."""
        try:
            self._read(response, ERROR_BODY, where, "")
        except TooLarge:
            return False
        return True

    def _read(self, response: urllib3.BaseHTTPResponse, cap: int, where: str,
              url: str) -> bytes:
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > cap:
            raise TooLarge(where, cap)
        read = getattr(response, "read1", None) or response.read
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                self.deadline.check(where)
                chunk = read(CHUNK)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > cap:
                    raise TooLarge(where, cap)
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if self.deadline.passed():
                raise DeadlinePassed(self.deadline, where) from None
            raise Unreachable(f"{where}: the answer broke off "
                              f"({describe(exc, url or where, HostTrust({}))})") from None

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
