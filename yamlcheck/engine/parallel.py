"""Many files at once: groups of files shared out among forked worker
processes, one per CPU, their results sent back pickled through a pipe.

A group is what must stay in one process: the files of one git repository
(git is asked once per repository and run), or a single file.  Only a plain
offline run is shared out (``--fix`` and ``--remote`` need the parsed
documents afterwards, and the registry checks already overlap their waits in
threads).  A worker that fails for any reason costs nothing but time: its
files are linted again in this process, so the outcome is always the
sequential one.
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
    """How many processes may share ``files`` files: 1 means lint them here."""
    most = min(options.jobs, files // MIN_FILES_PER_WORKER)
    if most < 2 or options.fix or options.remote or not _can_fork():
        return 1
    return min(most, _cpus())


def _can_fork() -> bool:
    """Fork only a process with one thread (another thread could hold a lock
    the child would wait for forever) that can wait for its children (not
    with SIGCHLD ignored, inherited from whatever started it); never on
    macOS, whose system libraries are not safe to use in a forked child."""
    if not hasattr(os, "fork") or sys.platform == "darwin" or threading.active_count() != 1:
        return False
    import signal

    return signal.getsignal(signal.SIGCHLD) is not signal.SIG_IGN


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def group_indices(keys: Sequence[str | None]) -> list[list[int]]:
    """The indices of ``keys`` grouped: equal keys together, each None alone;
    groups in the order of their first index."""
    groups: list[list[int]] = []
    by_key: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        if key is None:
            groups.append([index])
        elif key in by_key:
            by_key[key].append(index)
        else:
            by_key[key] = [index]
            groups.append(by_key[key])
    return groups


def shares(sizes: Sequence[int], count: int) -> list[tuple[int, int]]:
    """At most ``count`` contiguous (start, end) ranges of about equal total
    size, none empty."""
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


def lint_shared(sources: Sequence[S], sizes: Sequence[int], groups: list[list[int]],
                workers: int, lint: Callable[[list[S]], list[FileResult]]) -> list[FileResult]:
    """``lint`` applied to the ``sources`` of each worker's groups, all but
    the first worker's in forked children; results in the order of
    ``sources``.  ``sizes`` weigh the sources when the groups are shared."""
    weights = [sum(sizes[i] for i in group) for group in groups]
    assigned = [sorted(i for group in groups[start:end] for i in group)
                for start, end in shares(weights, workers)]
    children: list[tuple[int, int, list[int]]] = []  # (pid, read end, indices)
    for indices in assigned[1:]:
        share = [sources[i] for i in indices]
        started = _fork(lambda share=share: lint(share))
        children.append((*(started or (-1, -1)), indices))
    placed: dict[int, FileResult] = dict(zip(assigned[0],
                                             lint([sources[i] for i in assigned[0]]),
                                             strict=True))
    for pid, fd, indices in children:
        received = _collect(pid, fd, len(indices))
        if received is None:
            received = lint([sources[i] for i in indices])
        placed.update(zip(indices, received, strict=True))
    return [placed[i] for i in range(len(sources))]


def _fork(work: Callable[[], list[FileResult]]) -> tuple[int, int] | None:
    """Run ``work`` in a child; (pid, read end of its pipe), or None if no
    child could be started."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    for stream in (sys.stdout, sys.stderr):  # nothing buffered may be written twice
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # closed: nothing to write, in the child either
            pass
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


def _collect(pid: int, fd: int, expected: int) -> list[FileResult] | None:
    """A child's ``expected`` results, or None if it failed."""
    if pid < 0:
        return None
    chunks = []
    with os.fdopen(fd, "rb") as pipe:
        while chunk := pipe.read(1 << 20):
            chunks.append(chunk)
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:  # already reaped: the answer alone must tell
        status = 0
    if status != 0:
        return None
    import pickle

    try:
        results = pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 - a truncated or garbled answer: lint it here
        return None
    if not isinstance(results, list) or len(results) != expected:
        return None
    return results
