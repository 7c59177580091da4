"""Where a finding is, for CI systems: paths from the repository root, URIs
and fingerprints that survive moving a line.

CI systems attach findings to files of the checkout, so a path as typed
(``../valohai.yml`` from a subfolder) would point at nothing.  The root is the
folder holding ``.git`` above the file, else the current folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from yamlcheck.core.diagnostic import STDIN_PATH, Diagnostic


@lru_cache(maxsize=64)
def _root_of_folder(folder: str, cwd: str) -> str:
    current = folder
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return cwd
        current = parent


def repository_root(path: str) -> str:
    """The folder with ``.git`` above ``path`` (which need not exist), else
    the current folder; absolute."""
    cwd = os.getcwd()
    return _root_of_folder(os.path.dirname(os.path.abspath(path)), cwd)


def relative_to_root(path: str, root: str) -> str | None:
    """``path`` from ``root``, '/'-separated; None when it lies outside."""
    try:
        relative = os.path.relpath(os.path.abspath(path), root)
    except ValueError:  # another drive
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative.replace(os.sep, "/")


def repository_path(path: str) -> str:
    """``path`` from its repository root ('/'-separated), as CI systems name
    files; unnamed stdin as it is."""
    if path == STDIN_PATH:
        return path
    return relative_to_root(path, repository_root(path)) or path.replace(os.sep, "/")


def uri_reference(relative: str) -> str:
    """A relative path as a URI reference: spaces, non-ASCII characters and
    the likes of ``<stdin>`` percent-encoded (UTF-8), '/' kept."""
    return quote(relative, safe="/")


def folder_uri(folder: str) -> str:
    """A folder as a ``file:`` URI ending with '/', as SARIF base URIs must."""
    uri = Path(folder).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def fingerprint(d: Diagnostic, path: str, line_text: str, seen: Counter[str]) -> str:
    """Stable across edits that only move the finding to another line: the
    code, the repository path, the line's text and the message, not the line
    number.  ``seen`` numbers findings that would otherwise collide."""
    message = re.sub(r"\bline \d+", "line", d.message)  # "first at line 3" moves too
    basis = f"{d.code}\0{path}\0{' '.join(line_text.split())}\0{message}"
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]
    seen[digest] += 1
    return f"{digest}:{seen[digest]}"
