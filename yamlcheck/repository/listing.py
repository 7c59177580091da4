"""What git says about a repository's files, asked once per repository per run.

One ``git ls-files -z -t --cached --others --exclude-standard`` lists what
``vh exec run --adhoc`` packages (tracked files, and untracked ones that no
ignore rule matches); one ``git diff-index --cached --name-only
--diff-filter=A HEAD``, started at the same time, names the tracked files
that are not in the last commit.  Nothing else runs git.
"""

from __future__ import annotations

import os
from pathlib import Path

GIT_TIMEOUT = 30.0
# Variables a git hook or a wrapper may set that would point git at another
# repository or index than the one asked about.
_GIT_LOCATION = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX",
                 "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE",
                 "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM")


def staged_is_committed() -> bool:
    """Whether the run is a pre-commit hook (pre-commit sets PRE_COMMIT=1): the
    staged files are then part of the commit being made."""
    return os.environ.get("PRE_COMMIT") == "1"


class GitListing:
    """One repository's files as git sees them (paths relative to its top)."""

    def __init__(self, top: Path, tracked: set[str], others: set[str],
                 uncommitted: set[str] | None, unborn: bool) -> None:
        self.top = top
        self.tracked = tracked
        self.others = others  # untracked, not ignored; "dir/" is a nested repository
        self.uncommitted = uncommitted  # tracked but not in HEAD (None: unknown)
        self.unborn = unborn  # a repository without commits
        self._folded: dict[str, str] | None = None

    def other_case(self, path: str) -> str | None:
        """The listed path that differs from ``path`` only in case, if any."""
        if self._folded is None:
            self._folded = {p.casefold(): p for p in (*self.tracked, *self.others)}
        found = self._folded.get(path.casefold())
        return found if found != path else None

    def committed(self, path: str) -> bool | None:
        if path in self.others:
            return False
        if staged_is_committed() and path in self.tracked:
            return True  # in a pre-commit hook, what is staged is the commit being made
        if self.unborn:
            return False
        if self.uncommitted is None:
            return None
        return path not in self.uncommitted


def find_top(folder: Path, cache: dict[Path, Path | None]) -> Path | None:
    """The innermost folder from ``folder`` up that holds ``.git`` (a folder,
    or a file in worktrees and submodules); None outside any repository."""
    visited = []
    current: Path | None = folder
    found: Path | None = None
    while current is not None:
        if current in cache:
            found = cache[current]
            break
        visited.append(current)
        if os.path.lexists(current / ".git"):
            found = current
            break
        parent = current.parent
        current = None if parent == current else parent
    for path in visited:
        cache[path] = found
    return found


def outermost_top(folder: Path) -> Path | None:
    """The outermost folder from ``folder`` up that holds ``.git``: the
    repository whose git a check of a file in ``folder`` may ask (the
    innermost, or one that holds it as a submodule); None outside any."""
    found = None
    for current in (folder, *folder.parents):
        if os.path.lexists(current / ".git"):
            found = current
    return found


def _note(message: str, *args: object) -> None:
    """Say why git could not help (with -v); logging is imported only then."""
    import logging

    logging.getLogger("yamlcheck.repository").info(message, *args)


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION}
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["LC_ALL"] = "C"
    return env


def list_repository(top: Path) -> GitListing | None:
    """Ask git about ``top``; None when git is absent or refuses (not a
    repository it trusts, a broken one)."""
    import subprocess  # only when there is something to ask

    env = _environment()
    commands = (
        ["git", "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard"],
        ["git", "diff-index", "--cached", "--name-only", "-z", "--diff-filter=A", "HEAD", "--"],
    )
    try:
        processes = [subprocess.Popen(command, cwd=top, env=env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                     for command in commands]
    except OSError as exc:
        _note("git could not run in %s (%s): falling back to ignore files", top, exc)
        return None
    outputs = []
    for process in processes:
        try:
            stdout, stderr = process.communicate(timeout=GIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            process.returncode = -1
        outputs.append((process.returncode, stdout, stderr))
    (code, listed, error), (diff_code, added, diff_error) = outputs
    if code != 0:
        _note("git ls-files failed in %s: %s", top, error.decode(errors="replace").strip())
        return None
    tracked: set[str] = set()
    others: set[str] = set()
    for entry in listed.split(b"\0"):
        if len(entry) < 3:
            continue
        path = entry[2:].decode("utf-8", "surrogateescape")
        (others if entry[:1] == b"?" else tracked).add(path)
    unborn = diff_code != 0 and b"HEAD" in diff_error
    uncommitted = None
    if diff_code == 0:
        uncommitted = {p.decode("utf-8", "surrogateescape") for p in added.split(b"\0") if p}
    elif not unborn:
        _note("git diff-index failed in %s: %s", top, diff_error.decode(errors="replace").strip())
    return GitListing(top, tracked, others, uncommitted, unborn)
