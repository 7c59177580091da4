"""The two YAML event parsers behind one ``get_event()`` interface.

- ``fast_parser``: libyaml 0.1.7 (ruamel.yaml.clib's CParser).  It reads most
  files exactly as PyYAML does, several times faster.
- ``pyyaml_parser``: PyYAML's pure-Python scanner and parser, the ones
  ``yaml.safe_load`` uses, so the one Valohai reads valohai.yaml with.

The loader asks the fast parser first and PyYAML's wherever the two can
differ (see ``loader.py``).  Both produce events with the same attributes
(``anchor``, ``tag``, ``implicit``, ``value``, ``start_mark``/``end_mark``
with ``line``, ``column`` and a character ``index``), so one builder turns
either into the value tree.
"""

from __future__ import annotations

from functools import cache
from typing import Any

try:
    from _ruamel_yaml import CParser as _CParser
except ImportError:  # pragma: no cover - exercised only without the C extension
    _CParser = None


def fast_parser(text: str) -> Any:
    """libyaml's event parser, or PyYAML's where the C extension is missing.
    Syntax errors are raised as ruamel.yaml's YAMLError while events are
    pulled."""
    if _CParser is None:  # pragma: no cover
        return pyyaml_parser(text)
    return _CParser(text)


def pyyaml_parser(text: str, bom: bool = False) -> Any:
    """PyYAML's pure-Python event parser over ``text``.  Syntax errors are
    raised as PyYAML's YAMLError (or ValueError for an escape such as
    ``"\\U00110000"``) while events are pulled.

    ``bom``: the file started with a UTF-8 byte-order mark that the reader
    took off.  PyYAML reads the mark back in front of the text (it skips one
    there, and reads a second one as text), and positions stay those of
    ``text``."""
    if not bom:
        return _pyyaml_events_class()(text)
    events = _pyyaml_events_class()("\ufeff" + text)
    events.shifted = True
    return events


@cache
def _pyyaml_events_class() -> type:
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class Events(Reader, Scanner, Parser):
        shifted = False  # positions count one character less (a byte-order mark)

        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)

        def get_mark(self) -> Any:
            mark = Reader.get_mark(self)
            if self.shifted:
                mark.index -= 1
                mark.column -= mark.line == 0
            return mark

    return Events
