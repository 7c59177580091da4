"""A requests session for google-auth, bounded by the run's deadline.

Imported only when a Google registry is checked: yamlcheck's own requests go
through urllib3 directly (transport.py), and requests is not loaded for them.
"""

from __future__ import annotations

from typing import Any

import requests
import requests.adapters

from yamlcheck.registries.deadline import Deadline
from yamlcheck.registries.transport import USER_AGENT, Tracker, pool_classes


class _Adapter(requests.adapters.HTTPAdapter):  # type: ignore[misc]
    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        super().__init__(pool_maxsize=16)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = pool_classes(self.tracker)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = pool_classes(self.tracker)
        return manager


def tracked_session(deadline: Deadline) -> requests.Session:
    """A session whose sockets are shut down when ``deadline`` passes; it reads
    nothing from the environment (``Transport`` does, once)."""
    tracker = Tracker()
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = USER_AGENT
    adapter = _Adapter(tracker)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    deadline.at_expiry(tracker.abort)
    return session


