"""Linting open documents as they change: debounced, in a worker thread, the
newest version only.

Each change (re)schedules one task per document.  After the debounce the
text is linted off the event loop, so requests are answered meanwhile; a
result for a version that is no longer current is dropped (the newer version's
task publishes).  Every publish replaces the last one; a failure inside the
engine is logged and publishes an empty list, never stale findings.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple
from urllib.parse import unquote, urlparse

from lsprotocol import types

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.core.options import LintOptions
from yamlcheck.core.settings import Config
from yamlcheck.document.findings import DocumentTooComplex
from yamlcheck.engine import FileResult, analyse
from yamlcheck.engine.run import complete
from yamlcheck.repository.stage import RepositoryView
from yamlcheck.server.chunks import ChunkLoader, SchemaMemo
from yamlcheck.server.configs import ConfigProblem, Configs
from yamlcheck.server.diagnostics import to_lsp
from yamlcheck.server.documents import DocumentStore, TextDocument
from yamlcheck.targets import is_valohai_file

FULL_COLLECTION_EVERY = 200  # lints
REPOSITORY_VIEW_SECONDS = 3.0  # how long what git said is reused while typing
OFFLINE = LintOptions()  # never --remote: no network call while typing


class Settings(NamedTuple):
    """What a client may set in ``initializationOptions``."""

    debounce: float = 0.15  # seconds between the last change and the lint
    max_bytes: int = 2 * 1024 * 1024  # larger buffers get VH005 instead of a lint

    @classmethod
    def parse(cls, options: Any) -> Settings:
        if not isinstance(options, dict):
            return cls()
        settings = cls()
        debounce = options.get("debounceMs")
        if isinstance(debounce, (int, float)) and 0 <= debounce <= 10_000:
            settings = settings._replace(debounce=debounce / 1000)
        limit = options.get("maxFileBytes")
        if isinstance(limit, int) and limit > 0:
            settings = settings._replace(max_bytes=limit)
        return settings


class Snapshot(NamedTuple):
    """One linted version of a document: what hover, completion and the code
    actions read.  ``result`` is None when the text was not linted."""

    document: TextDocument  # a frozen copy of the text that was linted
    result: FileResult | None
    diagnostics: list[types.Diagnostic]
    problem: ConfigProblem | None = None


def lint_again(memo: SchemaMemo, path: str, text: str, config: Config,
               repository: RepositoryView | None = None) -> FileResult:
    """What ``yamlcheck lint`` finds in ``text``, reusing what did not change
    since the last version linted with ``memo`` (its items and their schema
    findings) and what ``repository`` knows of the disk and git."""
    collecting = gc.isenabled()
    gc.disable()  # many small acyclic objects: the cycle collector would rescan them
    try:
        result = analyse(memo.loader.load(path, text), config, memo)
        complete([result], OFFLINE, repository)
    finally:
        if collecting:
            gc.enable()
    return result


def uri_to_path(uri: str) -> str:
    """The file of a ``file:`` URI; any other (an unsaved ``untitled:``
    buffer) is named by its URI, which no file on disk has, so the checks
    that read the disk skip it, as they skip unnamed stdin."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return os.path.abspath(unquote(parsed.path))
    return uri


def is_linted(uri: str) -> bool:
    """Whether the server lints this document (the names folder discovery lints)."""
    return is_valohai_file(os.path.basename(uri_to_path(uri)))


class Linter:
    def __init__(self, documents: DocumentStore, configs: Configs,
                 publish: Callable[[str, int | None, list[types.Diagnostic]], None],
                 report_problem: Callable[[ConfigProblem | None], None],
                 report_failure: Callable[[str], None]) -> None:
        self.documents = documents
        self.configs = configs
        self.settings = Settings()
        self.snapshots: dict[str, Snapshot] = {}
        self._publish = publish
        self._report_problem = report_problem
        self._report_failure = report_failure
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._memos: dict[str, SchemaMemo] = {}  # each with its document's ChunkLoader
        self._lints = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="yamlcheck-lint")
        self._repository: tuple[float, RepositoryView] | None = None

    def schedule(self, uri: str, debounce: bool = True) -> None:
        """Lint the document's current version after the debounce delay."""
        document = self.documents.get(uri)
        if document is None or not is_linted(uri):
            return
        earlier = self._pending.pop(uri, None)
        if earlier is not None and not earlier.done():
            earlier.cancel()
        delay = self.settings.debounce if debounce else 0.0
        task = asyncio.get_running_loop().create_task(self._run(uri, document.version, delay))
        self._pending[uri] = task

    def schedule_all(self) -> None:
        for document in self.documents:
            self.schedule(document.uri, debounce=False)

    def close(self, uri: str) -> None:
        task = self._pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self._memos.pop(uri, None)
        self.snapshots.pop(uri, None)
        self._publish(uri, None, [])

    async def _run(self, uri: str, version: int | None, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        document = self.documents.get(uri)
        if document is None or document.version != version:
            return
        frozen = TextDocument(uri, document.text, version, document.language_id,
                              document.encoding)
        loop = asyncio.get_running_loop()
        try:
            snapshot = await loop.run_in_executor(self._pool, self.lint, frozen)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001  (a bug in a rule must not take the server down)
            self._report_failure(f"linting {uri} failed")
            snapshot = Snapshot(frozen, None, [])
        current = self.documents.get(uri)
        if current is None or current.version != version:
            return  # superseded: the newer version's task publishes
        self.snapshots[uri] = snapshot
        self._report_problem(snapshot.problem)
        self._publish(uri, version, snapshot.diagnostics)

    def lint(self, document: TextDocument) -> Snapshot:
        """Lint one frozen text (in the worker thread)."""
        path = uri_to_path(document.uri)
        config, problem = self.configs.for_file(path)
        text = document.text
        if len(text) > self.settings.max_bytes // 4 and \
                len(text.encode("utf-8", "surrogatepass")) > self.settings.max_bytes:
            return Snapshot(document, None, [to_lsp(self._too_large(path, text), document)],
                            problem)
        memo = self._memos.get(document.uri)
        if memo is None:
            memo = self._memos[document.uri] = SchemaMemo(ChunkLoader())
        result = lint_again(memo, path, text, config, self.repository_view())
        self._spare_the_collector()
        return Snapshot(document, result, [to_lsp(d, document) for d in result.diagnostics],
                        problem)

    def repository_view(self) -> RepositoryView:
        """What git and the disk said, reused for a few seconds (lints run in
        one worker thread, so this needs no lock)."""
        now = time.monotonic()
        if self._repository is None or now - self._repository[0] > REPOSITORY_VIEW_SECONDS:
            self._repository = (now, RepositoryView())
        return self._repository[1]

    def files_changed(self) -> None:
        """Files on disk changed (a save, a watched file): ask git again."""
        self._repository = None

    def _spare_the_collector(self) -> None:
        """Keep what a lint leaves (the document's items, mostly acyclic and
        freed by reference counting) out of the cycle collector's full passes,
        which would otherwise rescan them after every change; now and then
        let it look at everything once, so that no cyclic garbage stays."""
        self._lints += 1
        if self._lints % FULL_COLLECTION_EVERY == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()

    def _too_large(self, path: str, text: str) -> Diagnostic:
        size = len(text.encode("utf-8", "surrogatepass")) / (1024 * 1024)
        limit = self.settings.max_bytes / (1024 * 1024)
        return DocumentTooComplex.at(
            path, (0, 0, 0, 1, 0, 1),
            f"file is {size:.1f} MiB; the editor lints up to {limit:g} MiB as you type "
            "(run 'yamlcheck lint' on it)").with_severity(Severity.INFO)  # a limit of the editor

    def shutdown(self) -> None:
        for task in self._pending.values():
            task.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)
