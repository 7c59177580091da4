"""The YAML event parser: ruamel.yaml's C parser (libyaml), or its pure-Python
parser where the C extension is missing."""

from __future__ import annotations

import io
from typing import Any

try:
    from _ruamel_yaml import CParser as _CParser
except ImportError:  # pragma: no cover - exercised only without the C extension
    _CParser = None


class _PureEvents:
    """The pure-Python parser's event stream behind a ``get_event`` method."""

    def __init__(self, text: str) -> None:
        from ruamel.yaml import YAML

        self._events = YAML(typ="safe", pure=True).parse(io.StringIO(text))

    def get_event(self) -> Any:
        event = next(self._events)
        tag = getattr(event, "tag", None)
        if tag is not None and not isinstance(tag, str):
            event.tag = str(tag)
        return event


def parser(text: str, pure: bool = False) -> Any:
    """An object whose ``get_event()`` yields the events of ``text``; syntax
    errors are raised (as ruamel.yaml's YAMLError) while events are pulled."""
    if _CParser is None or pure:
        return _PureEvents(text)
    return _CParser(text)
