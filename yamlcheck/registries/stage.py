"""``--remote``: check every distinct image once, concurrently, and turn the
outcomes into findings (VH310-VH318) at each place the image is written."""

from __future__ import annotations

import logging
import os
import sys
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from yamlcheck.core.diagnostic import Diagnostic, Fix
from yamlcheck.core.options import LintOptions
from yamlcheck.core.settings import Config, HostSettings, RegistryEntry
from yamlcheck.images.fix import scalar_fix
from yamlcheck.images.reference import Reference
from yamlcheck.registries.cache import DIGEST_TTL, TAG_TTL, ResultCache, image_key
from yamlcheck.registries.check import ImageCheck, Wanted, describe
from yamlcheck.registries.client import Client, Endpoint
from yamlcheck.registries.credentials import (
    Credential,
    CredentialError,
    CredentialRateLimited,
    CredentialRejected,
    CredentialUnreachable,
    resolve,
)
from yamlcheck.registries.deadline import Deadline, DeadlinePassed
from yamlcheck.registries.outcomes import STATUS_RULES, Outcome
from yamlcheck.registries.trust import HostTrust
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
_CREDENTIAL_FAILURES: dict[type[Exception], str] = {
    CredentialError: "credentials-unresolved", CredentialRejected: "unauthorized",
    CredentialUnreachable: "unreachable", CredentialRateLimited: "rate-limited",
    DeadlinePassed: "unreachable"}
_REPOSITORY_SEEN = ("ok", "platform-missing", "layer-pull-denied", "manifest-unknown")


class Job(NamedTuple):
    ref: Reference
    entry: RegistryEntry | None
    config_dir: str
    hosts: tuple[tuple[str, HostSettings], ...]  # the config's registry-hosts
    platform: str | None

    def endpoint(self) -> Endpoint:
        return Endpoint(self.ref.registry, HostTrust(self.hosts))

    def cache_key(self, reference: str | None = None) -> str:
        return image_key(self.ref.registry, self.ref.repository, reference or self.ref.reference,
                         self.platform, self.entry, self.hosts)

    def repository_key(self) -> str:
        """The same repository, reached the same way, as the same identity."""
        return image_key(self.ref.registry, self.ref.repository, "", None, self.entry,
                         self.hosts)


def _platform(options: LintOptions, config: Config) -> str | None:
    text = options.platform or config.platform
    return None if text.lower() in ("any", "none") else text


_RUNS: dict[int, tuple[weakref.ref[LintOptions], float]] = {}


def run_deadline(options: LintOptions) -> Deadline:
    """One deadline for every stage of a run (``--fix --pin-digests`` checks twice):
    the first stage for these options starts the clock."""
    for key, (ref, _) in list(_RUNS.items()):
        if ref() is None:
            del _RUNS[key]
    found = _RUNS.get(id(options))
    if found is None or found[0]() is not options:
        deadline = Deadline(options.timeout)
        _RUNS[id(options)] = (weakref.ref(options), deadline.end)
        return deadline
    return Deadline(options.timeout, end=found[1])


class RemoteStage:
    def __init__(self, options: LintOptions) -> None:
        self.options = options
        self.deadline = run_deadline(options)
        self.client = Client(self.deadline)
        self.cache = ResultCache(enabled=not options.no_cache)
        self._credentials: dict[Any, Credential | Exception] = {}
        self._lock = threading.Lock()
        self._source_locks: dict[Any, threading.Lock] = {}

    def credential(self, job: Job) -> Credential:
        """One resolution per source; sources resolve in parallel with each other."""
        ident = (job.config_dir, job.entry)
        with self._lock:
            lock = self._source_locks.setdefault(ident, threading.Lock())
        with lock:
            if ident not in self._credentials:
                try:
                    self._credentials[ident] = resolve(job.entry, job.ref.registry,
                                                       Path(job.config_dir), self.deadline)
                except tuple(_CREDENTIAL_FAILURES) as exc:
                    self._credentials[ident] = exc
            found = self._credentials[ident]
        if isinstance(found, Exception):
            raise found
        return found

    def check(self, job: Job) -> Outcome:
        source = "anonymous" if job.entry is None else f"{job.entry.type} ({job.entry.match})"
        problem = local_trust_problem(job)
        if problem:
            return Outcome("credentials-unresolved", f"{job.ref.original}: {problem}",
                           credential_source=source)
        what = describe(job.ref)
        cached = self.cache.get(job.cache_key(), what)
        if cached is not None:
            log.info("cache hit for %s", job.ref.original)
            return cached
        try:
            credential = self.credential(job)
        except tuple(_CREDENTIAL_FAILURES) as exc:
            status = next(s for kind, s in _CREDENTIAL_FAILURES.items() if isinstance(exc, kind))
            return Outcome(status, f"{job.ref.original}: {exc}", credential_source=source)
        try:
            wanted = Wanted(job.platform)
        except ValueError as exc:
            return Outcome("platform-missing", str(exc), credential_source=credential.source)

        remembered: list[Outcome] = []

        def known(digest: str) -> Outcome | None:
            found = self.cache.get(job.cache_key(digest), what)
            remembered.extend([found] if found else [])
            return found

        last = None if job.ref.digest else self.cache.last_digest(job.cache_key())
        head_first = last is not None and self.cache.get(job.cache_key(last)) is not None
        outcome = ImageCheck(self.client, job.endpoint(), credential, wanted, known,
                             head_first).run(job.ref)
        by_digest = job.ref.digest is not None
        self.cache.put(job.cache_key(), outcome, what, DIGEST_TTL if by_digest else TAG_TTL)
        if not by_digest and outcome.digest and not remembered:  # a day from the check, not
            self.cache.put(job.cache_key(outcome.digest), outcome, what, DIGEST_TTL)  # from use
        return outcome

    def run(self, jobs: list[Job]) -> dict[Job, Outcome]:
        distinct = list(dict.fromkeys(jobs))
        outcomes: dict[Job, Outcome] = {}
        try:
            with _progress(len(distinct)) as advance, \
                    ThreadPoolExecutor(max_workers=max(1, self.options.jobs)) as pool:
                for job, outcome in zip(distinct, pool.map(self._checked(advance), distinct),
                                        strict=True):
                    outcomes[job] = outcome
        finally:
            self.deadline.close()
        _settle_unconfirmed(outcomes)
        self.cache.save()
        log.info("registry requests: %s", self.client.counts)
        return outcomes

    def _checked(self, advance: Callable[[], None]) -> Callable[[Job], Outcome]:
        def work(job: Job) -> Outcome:
            try:
                return self.check(job)
            finally:
                advance()

        return work


def _settle_unconfirmed(outcomes: dict[Job, Outcome]) -> None:
    """A tag missing on a registry that does not list tags is VH310 when another
    image of the same repository was found in the run."""
    for job, outcome in list(outcomes.items()):
        if not outcome.unconfirmed:
            continue
        same = job.repository_key()
        seen = next((other for other, found in outcomes.items() if other is not job
                     and found.status in _REPOSITORY_SEEN and not found.unconfirmed
                     and other.repository_key() == same), None)
        if seen is not None:
            outcomes[job] = outcome._replace(
                status="manifest-unknown", unconfirmed=False,
                message=f"{describe(job.ref)} does not exist (the repository does: "
                f"{seen.ref.reference!r} was found; {job.ref.registry} does not list tags)")


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


def local_trust_problem(job: Job) -> str | None:
    """A CA file the check of ``job`` needs, and which does not exist."""
    endpoint = job.endpoint()
    settings = endpoint.settings
    if settings.ca_bundle:
        if not os.path.exists(settings.ca_bundle):
            return (f"the ca-bundle {settings.ca_bundle} set for {job.ref.registry} under "
                    "registry-hosts does not exist")
        return None
    if not endpoint.base.startswith("https://"):
        return None
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # requests reads the first one set
        value = os.environ.get(name)
        if value:
            return None if os.path.exists(value) else (
                f"{name} names {value}, which does not exist; point it at a CA bundle or "
                "unset it")
    return None


def check_remote(results: list[LintedFile], options: LintOptions) -> None:
    """Check every image of ``results`` and add the findings to them."""
    placed: list[tuple[LintedFile, Any, Job]] = []
    for result in results:
        ctx = result.context
        if ctx is None:
            continue
        config = ctx.config
        config_dir = str(Path(config.path).parent) if config.path else "."
        hosts = tuple(sorted(config.registry_hosts.items()))
        for image in result.images:
            ref = image.reference
            if ref is None:
                continue
            entry = image.classification.match if image.classification else None
            placed.append((result, image, Job(ref, entry, config_dir, hosts,
                                              _platform(options, config))))
    outcomes = RemoteStage(options).run([job for _, _, job in placed])
    reported: dict[tuple[str, str, RegistryEntry | None, str],
                   list[tuple[LintedFile, Any, Job]]] = {}
    for result, image, job in placed:
        outcome = outcomes[job]
        image.remote = outcome.to_json()
        if result.context is not None:
            result.context.remote = True
        rule = STATUS_RULES.get(outcome.status)
        if outcome.status == "credentials-unresolved":
            cause = outcome.message.removeprefix(f"{job.ref.original}: ")
            reported.setdefault((result.path, job.config_dir, job.entry, cause), []).append(
                (result, image, job))
        elif rule is not None:
            result.diagnostics.append(rule.at(result.path, image.span, _with_source(
                outcome.message, outcome)))
        elif options.pin_digests and outcome.digest and job.ref.digest is None:
            _pin(result, image, job.ref, outcome.digest)
    for group in reported.values():
        _report_once(group, outcomes)


def _report_once(group: list[tuple[LintedFile, Any, Job]], outcomes: dict[Job, Outcome]) -> None:
    """VH317 once per registry pattern and file, naming the other images it affects."""
    result, image, job = group[0]
    outcome = outcomes[job]
    others = list(dict.fromkeys(f"{other.ref.original} (line {img.span[0] + 1})"
                                for _, img, other in group[1:] if img is not image))
    message = outcome.message
    if others:
        message += f"; this also affects {', '.join(others)}"
    rule = STATUS_RULES[outcome.status]
    result.diagnostics.append(rule.at(result.path, image.span, _with_source(message, outcome)))


def _with_source(message: str, outcome: Outcome) -> str:
    """The message, and which credentials were used unless it says so already."""
    source = outcome.credential_source
    return message if not source or source in message else f"{message} [credentials: {source}]"


def _pin(result: LintedFile, image: Any, ref: Reference, digest: str) -> None:
    written = ref.normalized if ref.domain is None else ref.original
    text = result.source.text if result.source else ""
    fix = scalar_fix(text, image.span, f"{written}@{digest}")
    if fix is not None:
        result.fixes.append(fix)
