#!/usr/bin/env python3
"""The language server's latency: didChange -> publishDiagnostics over stdio.

    python bench/lsp.py            # full runs
    python bench/lsp.py --short    # fewer repetitions, as CI runs it

A real client (pygls) starts ``yamlcheck server`` as an editor does, opens a
document and then, again and again, types one character into a value in the
middle of it (and takes it out the next time), timing each change until the
diagnostics for that version arrive.  The server's debounce is set to 0 for
the measurement (``initializationOptions: {"debounceMs": 0}``): an editor adds
the default 150 ms of waiting for the typing to pause on top.  Medians, with
the targets, against a whole lint of the same text in process (what the
server would cost without reusing the items an edit did not touch).  The
table is printed and written to bench/results/lsp.md.
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REAL_WORLD = ROOT.parent / "shared" / "corpus" / "real-world"
sys.path.insert(0, str(HERE))
from bench import command_line, ms, section, synthetic  # noqa: E402

TYPICAL_LINES = 150


def typical_text() -> tuple[str, str]:
    """The real-world valohai.yaml closest to 150 lines (the example file,
    repeated to that length, where the corpus is absent)."""
    if REAL_WORLD.is_dir():
        files = sorted(REAL_WORLD.rglob("*.y*ml"))
        best = min(files, key=lambda p: (abs(len(p.read_text(errors="replace").splitlines())
                                             - TYPICAL_LINES), str(p)))
        return best.read_text(encoding="utf-8"), best.name
    text = (ROOT / "examples" / "valohai.yaml").read_text(encoding="utf-8")
    return text, "examples/valohai.yaml"


class Session:
    """One server process and the client talking to it."""

    def __init__(self) -> None:
        self.client = LanguageClient("yamlcheck-bench", "1")
        self.arrived: dict[tuple[str, int | None], float] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.arrived[(params.uri, params.version)] = time.perf_counter()

    async def start(self, root: Path) -> None:
        await self.client.start_io(sys.executable, "-m", "yamlcheck", "server")
        await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=root.as_uri(),
            initialization_options={"debounceMs": 0}))
        self.client.initialized(types.InitializedParams())

    def cpu_seconds(self) -> float | None:
        """The server process's CPU time so far (Linux), or None."""
        process = getattr(self.client, "_server", None)
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (AttributeError, OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def wait(self, uri: str, version: int, timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while (uri, version) not in self.arrived:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no diagnostics for version {version}")
            await asyncio.sleep(0.0005)
        return self.arrived[(uri, version)]

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


async def round_trips(text: str, runs: int) -> tuple[list[float], float | None]:
    """Seconds from each didChange to its publishDiagnostics, and the server's
    mean CPU seconds per change (less sensitive to other load on the machine)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".git").mkdir()
        (root / "run.py").write_text("print('step')\n")  # the script the synthetic steps run
        path = root / "valohai.yaml"
        path.write_text(text, encoding="utf-8")
        uri = path.as_uri()
        session = Session()
        await session.start(root)
        session.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1,
                                                 text=text)))
        await session.wait(uri, 1)
        lines = text.split("\n")
        middle = len(lines) // 2
        line = next(n for n in range(middle, len(lines)) if ": " in lines[n])
        column = len(lines[line])
        samples = []
        cpu_before = None
        for version in range(2, runs + 3):
            if version == 3:
                cpu_before = session.cpu_seconds()
            typed = version % 2 == 0
            change = types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=line, character=column),
                                  end=types.Position(line=line,
                                                     character=column + (0 if typed else 1))),
                text="x" if typed else "")
            sent = time.perf_counter()
            session.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change]))
            samples.append(await session.wait(uri, version) - sent)
        cpu_after = session.cpu_seconds()
        await session.stop()
        cpu = (cpu_after - cpu_before) / runs if cpu_before is not None and cpu_after else None
        return samples[1:], cpu  # the first change after opening warms the item cache


def whole_lint(text: str, runs: int) -> float:
    from yamlcheck.engine.run import lint_text

    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        lint_text("valohai.yaml", text)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(short: bool) -> str:
    runs = 10 if short else 40
    typical, name = typical_text()
    with tempfile.TemporaryDirectory() as folder:
        large = synthetic(2000, Path(folder)).read_text(encoding="utf-8")
    cases = [
        (f"typical file ({name}, {len(typical.splitlines())} lines)", typical, 0.030),
        (f"2,000 steps ({len(large.splitlines()):,} lines, {len(large) / 1e6:.1f} MB)", large,
         0.300),
    ]
    rows = []
    for label, text, target in cases:
        samples, cpu = asyncio.run(round_trips(text, runs))
        median = statistics.median(samples)
        rows.append((label, ms(median), f"< {ms(target)}", "met" if median < target else "MISSED",
                     ms(cpu) if cpu is not None else "n/a", ms(whole_lint(text, max(3, runs // 4)))))
    header = (f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
              f"{platform.python_version()}; medians of {runs} changes, debounce 0.\n")
    return header + "\n" + section(
        "didChange -> publishDiagnostics over stdio", rows,
        ("document", "median round trip", "target", "", "server CPU per change",
         "whole lint in process"))


def main(argv: list[str] | None = None) -> int:
    return command_line(run, "lsp.md", __doc__ or "", argv)


if __name__ == "__main__":
    sys.exit(main())
