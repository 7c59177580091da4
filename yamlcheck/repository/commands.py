"""The files a command needs from the project: the shell-word analysis.

``file_references(script)`` splits the script as a shell would, follows
``cd``, subshells and what earlier commands create, and returns every file
or module a command surely runs or reads, relative to the project folder,
with its place in the script.  When unsure (a variable, a guarded command,
an unknown folder, a file something earlier may have made) it stays silent.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from typing import Any, NamedTuple

from yamlcheck.repository.effects import State, apply
from yamlcheck.repository.programs import APP, FILE, FOLDER, MODULE, Read, reads, unwrap
from yamlcheck.repository.structure import SUBSHELL_END, SUBSHELL_START, commands

__all__ = ["APP", "FILE", "MODULE", "Reference", "file_references"]


class Reference(NamedTuple):
    """A file (or module) a command needs."""

    text: str  # as written: a path, or a dotted module name
    path: str  # relative to the project folder; for a module, its folders: pkg/mod
    start: int  # the place of ``text`` in the script
    end: int
    kind: str  # FILE, MODULE or APP
    what: str  # the program that needs it, for messages
    folder: str  # where the shell was ('' = the project folder)


def _located(read: Read, script: str) -> tuple[int, int]:
    word = read.word
    raw = script[word.start:word.end]
    index = raw.find(read.text)
    if index < 0:
        return word.start, word.end
    return word.start + index, word.start + index + len(read.text)


@lru_cache(maxsize=4096)
def file_references(script: str) -> tuple[Reference, ...]:
    """What the commands of ``script`` need from the project, in order (a
    pure function of the text: the same command in many steps, or in the
    next version of an edited document, is read once)."""
    return tuple(_file_references(script))


def _file_references(script: str) -> list[Reference]:
    state = State()
    scopes: list[tuple[str | None, list[str | None]]] = []
    found: list[Reference] = []
    for event in commands(script):
        if event == SUBSHELL_START:
            scopes.append((state.folder, list(state.stack)))
            continue
        if event == SUBSHELL_END:
            if scopes:
                state.folder, state.stack = scopes.pop()
            continue
        assert not isinstance(event, str)
        if not event.guarded and state.folder is not None:
            for read in reads(event.words):
                reference = _reference(read, state, script)
                if reference is not None:
                    found.append(reference)
            folder = _folder_changed_to(event.words, state)
            if folder is not None:
                found.append(folder)
        apply(event, state)
    return found


def _folder_changed_to(words: list[Any], state: State) -> Reference | None:
    """The project folder a ``cd`` or ``pushd`` goes to, when it is written
    plainly and nothing before made it: a missing one is reported once, and
    the paths after it are not (they would all be missing too)."""
    argv = unwrap(words)
    if not argv or len(argv) < 2 or posixpath.basename(argv[0].text) not in ("cd", "pushd"):
        return None
    word = argv[1]
    if not word.literal or word.text.startswith(("-", "/", "~")):
        return None
    path = state.resolve(word.text)
    if path is None or path == "" or state.made(path):
        return None
    return Reference(word.text, path, word.start, word.end, FOLDER, argv[0].text,
                     state.folder or "")


def _reference(read: Read, state: State, script: str) -> Reference | None:
    text = read.text
    if read.kind == FILE:
        path = state.resolve(text)
        if path is None or path == "" or state.made(path):
            return None
    else:
        path = state.resolve(text.replace(".", "/"))
        if path is None or state.made(path) or state.made(path + ".py"):
            return None
    start, end = _located(read, script)
    return Reference(text, path, start, end, read.kind, read.what, state.folder or "")
