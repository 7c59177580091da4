"""A small Language Server Protocol client over a subprocess's pipes (standard library only).

It speaks JSON-RPC with Content-Length framing, answers the requests a server
sends (``workspace/configuration`` from ``settings``, registrations, progress),
and keeps the latest ``textDocument/publishDiagnostics`` of every document.
Imported by the tests as ``lsp_client``.
"""

from __future__ import annotations

import itertools
import json
import queue
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


class LspError(RuntimeError):
    pass


class LspClient:
    """One server process; use as a context manager (shutdown, exit, wait)."""

    def __init__(self, command: Sequence[str], settings: dict[str, Any] | None = None,
                 cwd: Path | None = None, timeout: float = 20.0) -> None:
        self.settings = settings or {}
        self.timeout = timeout
        self.process = subprocess.Popen(
            list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, cwd=cwd)
        self._ids = itertools.count(1)
        self._responses: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._published = threading.Condition()
        self.log: list[str] = []
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self._stderr = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr.start()

    # --- plumbing -------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        with self._write_lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read_message(self) -> dict[str, Any] | None:
        stream = self.process.stdout
        assert stream is not None
        length = None
        while True:
            line = stream.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if length is None:
            raise LspError("a message without Content-Length")
        return json.loads(stream.read(length))

    def _read_loop(self) -> None:
        while True:
            message = self._read_message()
            if message is None:
                with self._published:
                    self._published.notify_all()
                return
            if "method" in message and "id" in message:
                self._answer(message)
            elif "id" in message:
                with self._lock:
                    waiter = self._responses.get(message["id"])
                if waiter is not None:
                    waiter.put(message)
            elif message["method"] == "textDocument/publishDiagnostics":
                params = message["params"]
                with self._published:
                    self._diagnostics[params["uri"]] = params["diagnostics"]
                    self._published.notify_all()
            elif message["method"] == "window/logMessage":
                self.log.append(message["params"]["message"])

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line.decode("utf-8", "replace").rstrip())

    def _answer(self, request: dict[str, Any]) -> None:
        result: Any = None
        if request["method"] == "workspace/configuration":
            result = [self._section(item.get("section")) for item in request["params"]["items"]]
        self._send({"id": request["id"], "result": result})

    def _section(self, name: str | None) -> Any:
        if not name:
            return self.settings
        value: Any = self.settings
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    # --- the protocol -----------------------------------------------------

    def request(self, method: str, params: Any) -> Any:
        number = next(self._ids)
        waiter: queue.Queue[dict[str, Any]] = queue.Queue()
        with self._lock:
            self._responses[number] = waiter
        self._send({"id": number, "method": method, "params": params})
        try:
            response = waiter.get(timeout=self.timeout)
        except queue.Empty:
            raise LspError(f"no answer to {method} in {self.timeout} s; log: {self.log[-5:]}") from None
        finally:
            with self._lock:
                self._responses.pop(number, None)
        if "error" in response:
            raise LspError(f"{method}: {response['error']}")
        return response.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def initialize(self, root: Path) -> dict[str, Any]:
        capabilities = {
            "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
            "textDocument": {
                "publishDiagnostics": {"relatedInformation": True},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "synchronization": {"dynamicRegistration": False},
            },
        }
        result = self.request("initialize", {
            "processId": None, "rootUri": root.as_uri(), "capabilities": capabilities,
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
        })
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})
        return result

    def open(self, path: Path, text: str | None = None, language: str = "yaml") -> str:
        uri = path.as_uri()
        if text is None:
            text = path.read_text(encoding="utf-8")
        with self._published:
            self._diagnostics.pop(uri, None)
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language, "version": 1, "text": text}})
        return uri

    def close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def diagnostics(self, uri: str,
                    until: Callable[[list[dict[str, Any]]], bool] | None = None) -> list[dict[str, Any]]:
        """The diagnostics published for ``uri`` since it was opened: the first
        ones, or the first that satisfy ``until``."""

        def ready() -> bool:
            if self.process.poll() is not None:
                return True
            found = self._diagnostics.get(uri)
            return found is not None and (until is None or until(found))

        with self._published:
            self._published.wait_for(ready, self.timeout)
            found = self._diagnostics.pop(uri, None)
        if found is None or (until is not None and not until(found)):
            state = "has exited" if self.process.poll() is not None else "is still running"
            raise LspError(f"no fitting diagnostics for {uri} (the server {state}); log: {self.log[-5:]}")
        return found

    def hover(self, uri: str, line: int, character: int) -> Any:
        return self.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}})

    def __enter__(self) -> LspClient:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.process.poll() is None:
                self.request("shutdown", None)
                self.notify("exit", None)
                self.process.wait(timeout=5)
        except (LspError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
