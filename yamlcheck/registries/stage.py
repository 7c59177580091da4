"""``--remote``: check every distinct image once, concurrently, and turn the
outcomes into findings (VH310-VH317) at each place the image is written."""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from yamlcheck.core.diagnostic import Diagnostic, Fix
from yamlcheck.core.options import LintOptions
from yamlcheck.core.settings import Config, HostSettings, RegistryEntry
from yamlcheck.images.fix import scalar_fix
from yamlcheck.images.reference import Reference
from yamlcheck.registries.cache import ResultCache, key
from yamlcheck.registries.check import ImageCheck, Wanted
from yamlcheck.registries.client import Client, Deadline, Endpoint
from yamlcheck.registries.credentials import (
    Credential,
    CredentialError,
    CredentialRejected,
    resolve,
)
from yamlcheck.registries.outcomes import STATUS_RULES, Outcome
from yamlcheck.rules.context import LintContext


class LintedFile(Protocol):
    """What this stage reads and extends of one linted file (the engine's FileResult)."""

    path: str
    source: Any
    context: LintContext | None
    images: list[Any]
    diagnostics: list[Diagnostic]
    fixes: list[Fix]

log = logging.getLogger("yamlcheck.registries")
PROGRESS_FROM = 4  # images; fewer finish before a bar would be worth drawing


class Job(NamedTuple):
    ref: Reference
    entry: RegistryEntry | None
    config_dir: str
    settings: HostSettings
    platform: str | None

    def cache_key(self) -> str:
        who = "anonymous" if self.entry is None else json.dumps(
            [self.entry.match, self.entry.type, sorted(self.entry.options.items())], default=str)
        endpoint = Endpoint(self.ref.registry, self.settings).base
        return key(endpoint, self.ref.repository, self.ref.reference, self.platform or "", who)


def _platform(options: LintOptions, config: Config) -> str | None:
    text = options.platform or config.platform
    return None if text.lower() in ("any", "none") else text


class RemoteStage:
    def __init__(self, options: LintOptions) -> None:
        self.options = options
        self.client = Client(Deadline(options.timeout))
        self.cache = ResultCache(enabled=not options.no_cache)
        self.platforms = self.cache.platform_map()
        self._credentials: dict[Any, Credential | Exception] = {}
        self._lock = threading.Lock()

    def credential(self, job: Job) -> Credential:
        ident = (job.config_dir, job.entry)
        with self._lock:  # one resolution per source, never in parallel
            if ident not in self._credentials:
                try:
                    self._credentials[ident] = resolve(job.entry, job.ref.registry,
                                                       Path(job.config_dir))
                except (CredentialError, CredentialRejected) as exc:
                    self._credentials[ident] = exc
            found = self._credentials[ident]
        if isinstance(found, Exception):
            raise found
        return found

    def check(self, job: Job) -> Outcome:
        cache_key = job.cache_key()
        cached = self.cache.get(cache_key)
        if cached is not None:
            log.info("cache hit for %s", job.ref.original)
            return cached
        source = "anonymous" if job.entry is None else f"{job.entry.type} ({job.entry.match})"
        try:
            credential = self.credential(job)
        except CredentialError as exc:
            return Outcome("credentials-unresolved", f"{job.ref.original}: {exc}",
                           credential_source=source)
        except CredentialRejected as exc:
            return Outcome("unauthorized", f"{job.ref.original}: {exc}", credential_source=source)
        try:
            wanted = Wanted(job.platform)
        except ValueError as exc:
            return Outcome("platform-missing", str(exc), credential_source=credential.source)
        endpoint = Endpoint(job.ref.registry, job.settings)
        outcome = ImageCheck(self.client, endpoint, credential, wanted, self.platforms).run(job.ref)
        self.cache.put(cache_key, outcome, by_digest=job.ref.digest is not None)
        return outcome

    def run(self, jobs: list[Job]) -> dict[Job, Outcome]:
        distinct = list(dict.fromkeys(jobs))
        outcomes: dict[Job, Outcome] = {}
        with _progress(len(distinct)) as advance, \
                ThreadPoolExecutor(max_workers=max(1, self.options.jobs)) as pool:
            for job, outcome in zip(distinct, pool.map(self._checked(advance), distinct),
                                   strict=True):
                outcomes[job] = outcome
        self.cache.save(self.platforms)
        log.info("registry requests: %s", self.client.counts)
        return outcomes

    def _checked(self, advance: Callable[[], None]) -> Callable[[Job], Outcome]:
        def work(job: Job) -> Outcome:
            try:
                return self.check(job)
            finally:
                advance()

        return work


class _progress:
    """A rich progress bar on stderr when it is a terminal and there is work."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> Callable[[], None]:
        if self.total >= PROGRESS_FROM and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            # stderr: stdout may carry a JSON or SARIF report
            self.bar = Progress(transient=True, console=Console(file=sys.stderr))
            self.bar.start()
            task = self.bar.add_task("checking images", total=self.total)
            return lambda: self.bar.advance(task)
        return lambda: None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def check_remote(results: list[LintedFile], options: LintOptions) -> None:
    """Check every image of ``results`` and add the findings to them."""
    stage = RemoteStage(options)
    placed: list[tuple[LintedFile, Any, Job]] = []
    for result in results:
        ctx = result.context
        if ctx is None:
            continue
        config = ctx.config
        config_dir = str(Path(config.path).parent) if config.path else "."
        for image in result.images:
            ref = image.reference
            if ref is None:
                continue
            entry = image.classification.match if image.classification else None
            settings = config.registry_hosts.get(ref.registry) or HostSettings()
            placed.append((result, image, Job(ref, entry, config_dir, settings,
                                              _platform(options, config))))
    outcomes = stage.run([job for _, _, job in placed])
    for result, image, job in placed:
        outcome = outcomes[job]
        image.remote = outcome.to_json()
        if result.context is not None:
            result.context.remote = True
        rule = STATUS_RULES.get(outcome.status)
        if rule is not None:
            message = f"{outcome.message} [credentials: {outcome.credential_source}]"
            result.diagnostics.append(rule.at(result.path, image.span, message))
        elif options.pin_digests and outcome.digest and job.ref.digest is None:
            _pin(result, image, job.ref, outcome.digest)


def _pin(result: LintedFile, image: Any, ref: Reference, digest: str) -> None:
    written = ref.normalized if ref.domain is None else ref.original
    text = result.source.text if result.source else ""
    fix = scalar_fix(text, image.span, f"{written}@{digest}")
    if fix is not None:
        result.fixes.append(fix)
