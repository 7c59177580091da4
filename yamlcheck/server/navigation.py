"""Go to definition and find references for steps, tasks, endpoints, pipeline
nodes, and the parameters and inputs of steps."""

from __future__ import annotations

from lsprotocol import types

from yamlcheck.server.index import NameIndex, Occurrence
from yamlcheck.server.linting import Snapshot


def index_of(snapshot: Snapshot) -> NameIndex | None:
    result = snapshot.result
    if result is None or result.context is None:
        return None
    return NameIndex(result.context)


def _locations(snapshot: Snapshot, found: list[Occurrence]) -> list[types.Location]:
    document = snapshot.document
    return [types.Location(uri=document.uri, range=document.offset_range(o.start, o.end))
            for o in found]


def _here(snapshot: Snapshot, position: types.Position) -> tuple[NameIndex, Occurrence] | None:
    """The index and the name under the cursor."""
    index = index_of(snapshot)
    if index is None:
        return None
    here = index.at(snapshot.document.offset_at(position))
    return (index, here) if here is not None else None


def definition(snapshot: Snapshot, position: types.Position) -> list[types.Location] | None:
    found = _here(snapshot, position)
    if found is None:
        return None
    index, here = found
    return _locations(snapshot, index.definitions(here.key)) or None


def references(snapshot: Snapshot, position: types.Position,
               include_declaration: bool) -> list[types.Location] | None:
    found = _here(snapshot, position)
    if found is None:
        return None
    index, here = found
    return _locations(snapshot, index.uses(here.key, include_declaration))
