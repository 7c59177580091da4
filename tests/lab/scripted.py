"""A small HTTP(S) server on 127.0.0.1 whose answers are scripted per path:
plain answers, headers or bodies dripped a byte at a time, endless streams,
and a static registry serving fixed manifests and blobs (to lie about a
Content-Type, or to stand where no registry should be)."""

from __future__ import annotations

import json
import re
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from .faults import QuietHandler, serve, stop
from .registry import OCI_MANIFEST, _digest


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    drip_headers: float | None = None  # seconds between bytes of the status line and headers
    drip_body: float | None = None  # seconds between bytes of the body
    stream: int | None = None  # send this many bytes (chunked), as fast as the reader takes them
    times: int | None = None  # answer this many times, then fall through


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Scripted:
    def __init__(self, tls: tuple[str, str] | None = None) -> None:
        """``tls``: (certificate chain file, key file)."""
        self.routes: list[tuple[str | None, re.Pattern[str], Answer]] = []
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.server = serve(self._handler(), tls)
        self.port = self.server.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        self.url = f"{'https' if tls else 'http'}://{self.host}"

    def answer(self, pattern: str, answer: Answer | None = None, method: str | None = None,
               **fields: Any) -> None:
        """Answer requests whose path matches ``pattern`` (first rule wins)."""
        with self.lock:
            self.routes.append((method, re.compile(pattern), answer or Answer(**fields)))

    def json(self, pattern: str, data: Any, status: int = 200, method: str | None = None,
             **headers: str) -> None:
        self.answer(pattern, Answer(status, {"Content-Type": "application/json", **headers},
                                    json.dumps(data).encode()), method)

    def serve_image(self, repo: str, tag: str, manifest: bytes, blobs: list[tuple[str, bytes]],
                    content_type: str = OCI_MANIFEST) -> str:
        """Act as an anonymous registry holding one manifest; returns its digest."""
        digest = _digest(manifest)
        headers = {"Content-Type": content_type, "Docker-Content-Digest": digest}
        for name in (tag, digest):
            self.answer(rf"^/v2/{repo}/manifests/{re.escape(name)}$",
                        Answer(200, headers, manifest))
        for blob_digest, data in blobs:
            self.answer(rf"^/v2/{repo}/blobs/{re.escape(blob_digest)}$",
                        Answer(200, {"Content-Type": "application/octet-stream"}, data))
        self.json(r"^/v2/$", {})
        return digest

    def paths(self, method: str | None = None) -> list[str]:
        with self.lock:
            return [h.path for h in self.hits if method is None or h.method == method]

    def stop(self) -> None:
        stop(self.server)

    def _find(self, method: str, path: str) -> Answer | None:
        with self.lock:
            for wanted, pattern, answer in self.routes:
                if (wanted is None or wanted == method) and pattern.search(path):
                    if answer.times is not None:
                        if answer.times <= 0:
                            continue
                        answer.times -= 1
                    return answer
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        lab = self

        class Handler(QuietHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length", "0") or 0)
                body = self.rfile.read(length) if length else b""
                with lab.lock:
                    lab.hits.append(Hit(self.command, self.path,
                                        {k.lower(): v for k, v in self.headers.items()}, body))
                answer = lab._find(self.command, self.path) or Answer(
                    404, {"Content-Type": "application/json"},
                    b'{"errors":[{"code":"NOT_FOUND","message":"no such route"}]}')
                try:
                    self._write(answer)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                    self.close_connection = True

            def _write(self, answer: Answer) -> None:
                head_only = self.command == "HEAD"
                lines = [f"HTTP/1.1 {answer.status} Scripted"]
                headers = dict(answer.headers)
                if answer.stream is not None:
                    headers["Transfer-Encoding"] = "chunked"
                else:
                    headers.setdefault("Content-Length", str(len(answer.body)))
                lines += [f"{k}: {v}" for k, v in headers.items()]
                head = ("\r\n".join(lines) + "\r\n\r\n").encode()
                if answer.drip_headers is not None:
                    for byte in head:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(answer.drip_headers)
                else:
                    self.wfile.write(head)
                if head_only:
                    return
                if answer.stream is not None:
                    self._stream(answer.stream)
                elif answer.drip_body is not None:
                    for byte in answer.body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(answer.drip_body)
                else:
                    self.wfile.write(answer.body)
                self.wfile.flush()

            def _stream(self, total: int) -> None:
                chunk = b'{"schemaVersion": 2, "padding": "' + b"x" * (256 * 1024)
                sent = 0
                while sent < total:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                self.wfile.write(b"0\r\n\r\n")

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _serve

        return Handler
