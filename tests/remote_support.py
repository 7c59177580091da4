"""Running ``yamlcheck lint --remote`` against the lab, in process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from helpers import run_cli


def project(tmp_path: Path, valohai: str, config: str = "") -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "valohai.yaml").write_text(valohai)
    if config:
        (tmp_path / ".yamlcheck.yaml").write_text(config)
    return tmp_path / "valohai.yaml"


def steps(*images: str) -> str:
    return "".join(f"- step:\n    name: s{i}\n    image: {image}\n    command: run\n"
                   for i, image in enumerate(images))


def remote(path: Path, *args: str, env: dict[str, str] | None = None
           ) -> tuple[int, dict[str, Any], str]:
    status, out, err = run_cli("lint", "--remote", "--format", "json", *args, str(path),
                               env=env)
    assert out, err
    return status, json.loads(out), err


def findings(report: dict[str, Any], prefix: str = "VH31") -> list[tuple[int, str, str]]:
    return [(d["line"], d["code"], d["message"]) for d in report["diagnostics"]
            if d["code"].startswith(prefix)]


@contextmanager
def serving(tls: tuple[str, str] | None = None) -> Iterator[Any]:
    """A scripted server on 127.0.0.1 for the length of a ``with``."""
    from lab.scripted import Scripted

    server = Scripted(tls)
    try:
        yield server
    finally:
        server.stop()
