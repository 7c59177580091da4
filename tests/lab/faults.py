"""Real sockets that misbehave: a proxy in front of a registry that injects
429s, 500s or 403s, and a server that accepts connections and never answers."""

from __future__ import annotations

import re
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-encoding",
               "content-length"}


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early (the checks close what they do not read)."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | ssl.SSLError | TimeoutError):
            super().handle_error(request, client_address)


def serve(handler: type[BaseHTTPRequestHandler],
          tls: tuple[str, str] | None = None) -> ThreadingHTTPServer:
    """A threaded server on 127.0.0.1 (TLS with ``tls`` = (certificate chain, key)),
    serving in a daemon thread; ``stop`` it when done."""
    server = QuietServer(("127.0.0.1", 0), handler)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    return server


def stop(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive, no request log on stderr."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        return


class FaultProxy:
    """Forwards to ``upstream``; requests whose path matches a rule's pattern
    first get that rule's canned answers (``times`` of them, or forever)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.rules: list[list[Any]] = []  # [pattern, status, headers, remaining]
        self.hits: list[tuple[str, str, int]] = []
        self.lock = threading.Lock()
        self.session = requests.Session()
        self.session.trust_env = False
        self.server = serve(self._handler())
        self.port = self.server.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        self.url = f"http://{self.host}"

    def inject(self, pattern: str, status: int, headers: dict[str, str] | None = None,
               times: int | None = 1) -> None:
        with self.lock:
            self.rules.append([re.compile(pattern), status, headers or {}, times])

    def clear(self) -> None:
        with self.lock:
            self.rules.clear()
            self.hits.clear()

    def stop(self) -> None:
        stop(self.server)

    def _canned(self, path: str) -> tuple[int, dict[str, str]] | None:
        with self.lock:
            for rule in self.rules:
                pattern, status, headers, remaining = rule
                if pattern.search(path) and (remaining is None or remaining > 0):
                    if remaining is not None:
                        rule[3] = remaining - 1
                    return status, headers
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(QuietHandler):
            def _serve(self) -> None:
                canned = proxy._canned(self.path)
                if canned is not None:
                    status, headers = canned
                    body = b'{"errors":[{"code":"INJECTED","message":"injected fault"}]}'
                    with proxy.lock:
                        proxy.hits.append((self.command, self.path, status))
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(body)
                    return
                length = int(self.headers.get("Content-Length", "0") or 0)
                data = self.rfile.read(length) if length else None
                forwarded = {k: v for k, v in self.headers.items()
                             if k.lower() in ("authorization", "accept", "content-type")}
                upstream = proxy.session.request(self.command, proxy.upstream + self.path,
                                                 headers=forwarded, data=data, timeout=10,
                                                 allow_redirects=False)
                with proxy.lock:
                    proxy.hits.append((self.command, self.path, upstream.status_code))
                self.send_response(upstream.status_code)
                for name, value in upstream.headers.items():
                    if name.lower() not in HOP_HEADERS:
                        self.send_header(name, value)
                body = upstream.content
                self.send_header("Content-Length", str(len(body)) if self.command != "HEAD"
                                 else upstream.headers.get("Content-Length", "0"))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = do_POST = do_PUT = _serve

        return Handler


class SilentServer:
    """Accepts TCP connections and never sends a byte."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.host = f"127.0.0.1:{self.port}"
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.connections.append(conn)
            except OSError:
                continue

    def stop(self) -> None:
        self._stop.set()
        for conn in self.connections:
            conn.close()
        self.sock.close()

