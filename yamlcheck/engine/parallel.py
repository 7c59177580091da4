"""Many files at once: contiguous shares of the files linted in forked worker
processes, one per CPU, their results sent back pickled through a pipe.

Only a plain offline run is shared out (``--fix`` and ``--remote`` need the
parsed documents afterwards, and the registry checks already overlap their
waits in threads).  A worker that fails for any reason costs nothing but
time: its share is linted again in this process, so the outcome is always
the sequential one.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from yamlcheck.core.options import LintOptions
from yamlcheck.engine.result import FileResult

S = TypeVar("S")

# Below this many files per worker, forking and a second import of the schema
# library cost more than they save.
MIN_FILES_PER_WORKER = 16


def workers_for(files: int, options: LintOptions) -> int:
    """How many processes share ``files`` files: 1 means lint them here."""
    if options.fix or options.remote or files < 2 * MIN_FILES_PER_WORKER or not _can_fork():
        return 1
    return max(1, min(options.jobs, _cpus(), files // MIN_FILES_PER_WORKER))


def _can_fork() -> bool:
    """Fork only a process with one thread (another thread could hold a lock
    the child would wait for forever); never on macOS, whose system libraries
    are not safe to use in a forked child."""
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def shares(sizes: Sequence[int], count: int) -> list[tuple[int, int]]:
    """``count`` contiguous (start, end) ranges of about equal total size;
    contiguous, so files of one repository mostly stay together."""
    total = sum(sizes) or 1
    bounds, running, start = [], 0, 0
    for index, size in enumerate(sizes):
        running += size
        if len(bounds) < count - 1 and running >= total * (len(bounds) + 1) / count \
                and index + 1 < len(sizes):
            bounds.append((start, index + 1))
            start = index + 1
    bounds.append((start, len(sizes)))
    return bounds


def lint_shared(sources: Sequence[S], sizes: Sequence[int], workers: int,
                lint: Callable[[Sequence[S]], list[FileResult]]) -> list[FileResult]:
    """``lint`` applied to ``workers`` shares of ``sources``, all but the first
    in forked children; results in the order of ``sources``."""
    ranges = shares(sizes, workers)
    children: list[tuple[int, int, tuple[int, int]]] = []  # (pid, read end, range)
    for share in ranges[1:]:
        started = _fork(lambda share=share: lint(sources[share[0]:share[1]]))
        if started is None:
            children.append((-1, -1, share))
        else:
            children.append((*started, share))
    results = lint(sources[ranges[0][0]:ranges[0][1]])
    for pid, fd, share in children:
        received = _collect(pid, fd)
        results.extend(received if received is not None else lint(sources[share[0]:share[1]]))
    return results


def _fork(work: Callable[[], list[FileResult]]) -> tuple[int, int] | None:
    """Run ``work`` in a child; (pid, read end of its pipe), or None if no
    child could be started."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: never returns
        status = 1
        try:
            import pickle

            os.close(read_end)
            data = pickle.dumps([_portable(r) for r in work()], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _portable(result: FileResult) -> FileResult:
    """What a report needs of a result, without the parsed document."""
    result.context = None
    return result


def _collect(pid: int, fd: int) -> list[FileResult] | None:
    """A child's results, or None if it failed."""
    if pid < 0:
        return None
    chunks = []
    with os.fdopen(fd, "rb") as pipe:
        while chunk := pipe.read(1 << 20):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    import pickle

    try:
        results = pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 - a truncated or garbled answer: lint it here
        return None
    return results if isinstance(results, list) else None
