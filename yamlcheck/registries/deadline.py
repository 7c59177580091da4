"""The one deadline of a ``--remote`` run (``--timeout``).

Every network read, SDK call and credential-helper process checks it, and
what cannot check it (a read blocked on a socket that drips one byte at a
time, a helper waiting on a keychain prompt) registers a callback that runs
when it passes: the sockets are shut down, the helpers' process groups killed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("yamlcheck.registries")


class DeadlinePassed(Exception):
    """The run's --timeout ran out while waiting for ``what``."""

    def __init__(self, deadline: Deadline, what: str) -> None:
        super().__init__(f"--timeout ({deadline.seconds:g} s) ran out while waiting for {what}")


class Deadline:
    def __init__(self, seconds: float, end: float | None = None) -> None:
        """``seconds`` from now, or until ``end`` (time.monotonic) when given."""
        self.seconds = seconds
        self.end = time.monotonic() + seconds if end is None else end
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._fired = False
        self._timer: threading.Timer | None = None

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def passed(self) -> bool:
        return self._fired or self.remaining() <= 0

    def check(self, what: str) -> float:
        """The seconds left; raises DeadlinePassed when there are none."""
        left = self.remaining()
        if left <= 0 or self._fired:
            raise DeadlinePassed(self, what)
        return left

    def at_expiry(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the deadline passes (at once if it has)."""
        with self._lock:
            if not self._fired:
                self._callbacks.append(callback)
                if self._timer is None:
                    self._timer = threading.Timer(max(0.0, self.remaining()), self._expire)
                    self._timer.daemon = True
                    self._timer.start()
                return
        callback()

    def forget(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def _expire(self) -> None:
        with self._lock:
            self._fired = True
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            try:
                callback()
            except OSError as exc:  # a socket or process that is already gone
                log.info("at the deadline: %s", exc)

    def close(self) -> None:
        """The run is over: no callback will be needed."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._callbacks = []
