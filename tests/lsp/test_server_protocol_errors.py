"""Messages an LSP client library would never send, written byte for byte:
every request gets an answer with its id, a message that is no JSON gets a
parse error, and the server carries on."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
from lsp_support import SERVER


class RawServer:
    def __init__(self) -> None:
        self.process = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)

    def send(self, body: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def send_json(self, message: dict[str, Any]) -> None:
        self.send(json.dumps({"jsonrpc": "2.0", **message}).encode())

    def read(self) -> dict[str, Any]:
        """The next message that is not a notification from the server."""
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while line := stream.readline().strip():
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length, "the server closed its output"
            message: dict[str, Any] = json.loads(stream.read(length))
            if "id" in message:
                return message


@pytest.fixture
def server() -> Any:
    raw = RawServer()
    raw.send_json({"id": 1, "method": "initialize",
                   "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    assert raw.read()["id"] == 1
    raw.send_json({"method": "initialized", "params": {}})
    yield raw
    raw.send_json({"id": 2, "method": "shutdown"})
    assert raw.read() == {"jsonrpc": "2.0", "id": 2, "result": None}
    raw.send_json({"method": "exit"})
    assert raw.process.wait(timeout=10) == 0
    assert raw.process.stderr is not None
    assert "Traceback" not in raw.process.stderr.read().decode()  # the answers say it all


@pytest.mark.parametrize("params", [
    {"textDocument": {"uri": "file:///p/valohai.yaml"}, "position": "x"},
    {"textDocument": {"uri": "file:///p/valohai.yaml"}},
    "not an object",
])
def test_a_request_whose_params_do_not_fit_gets_an_error_with_its_id(server: RawServer,
                                                                       params: Any) -> None:
    server.send_json({"id": 999, "method": "textDocument/hover", "params": params})
    answer = server.read()
    assert answer["id"] == 999 and answer["error"]["code"] == -32602, answer


def test_a_request_of_another_version_or_after_shutdown_gets_no_answer() -> None:
    raw = RawServer()
    raw.send_json({"id": 1, "method": "initialize",
                   "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    assert raw.read()["id"] == 1
    raw.send(json.dumps({"jsonrpc": "1.0", "id": 3, "method": "textDocument/hover",
                         "params": {"position": "x"}}).encode())
    raw.send_json({"id": 4, "method": "shutdown"})
    assert raw.read()["id"] == 4  # not 3
    raw.send_json({"id": 5, "method": "textDocument/hover", "params": {"position": "x"}})
    raw.send_json({"method": "exit"})
    assert raw.process.wait(timeout=10) == 0
    assert raw.process.stdout is not None and b'"id": 5' not in raw.process.stdout.read()


def test_a_string_id_is_answered_too(server: RawServer) -> None:
    server.send_json({"id": "abc", "method": "textDocument/completion",
                      "params": {"textDocument": {"uri": "file:///p/valohai.yaml"},
                                 "position": {"line": 0, "character": 0},
                                 "context": {"includeDeclaration": True}}})
    answer = server.read()
    assert answer["id"] == "abc" and answer["error"]["code"] == -32602, answer


@pytest.mark.parametrize("body", [
    b'{"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover", "params": {"x": "\xff"}}',
    b"{not json",
])
def test_a_message_that_is_not_json_gets_a_parse_error(server: RawServer, body: bytes) -> None:
    server.send(body)
    answer = server.read()
    assert answer["id"] is None and answer["error"]["code"] == -32700, answer
    server.send_json({"id": 7, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": "file:///p/valohai.yaml"}, "position": {"line": 0,
                                                                      "character": 0}}})
    assert server.read() == {"jsonrpc": "2.0", "id": 7, "result": None}  # still serving

