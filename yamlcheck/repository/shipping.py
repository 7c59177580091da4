"""Will Valohai receive a file of the project?

valohai-cli's ad-hoc packager (``vh exec run --adhoc``) asks git only when
the project folder itself holds ``.git``: then it sends what ``git ls-files
--cached --others --exclude-standard`` lists, minus what ``.vhignore``
excludes and top-level paths that start with ``.``; in a submodule, only
tracked files.  Otherwise (no repository, or a project folder inside one)
it walks the folder: every file except names starting with ``.`` and what
the folder's own ``.gitignore`` excludes.  Either way only the packaged
folder's ``.vhignore`` applies.  An execution from a commit has only what is
committed, less what the repository's root ``.vhignore`` excludes.  Git is asked once per repository
(see listing.py); ignore files are read with pathspec, imported only when
one exists.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from yamlcheck.repository.listing import GitListing, find_top, list_repository

DOT_WITH_GIT = ("valohai-cli leaves out paths that start with '.' when it packages the "
                "project")
DOT_WITHOUT_GIT = ("valohai-cli leaves out files and folders whose names start with '.' "
                   "when it packages a folder that is not a git repository")
DOT_INSIDE_GIT = ("valohai-cli leaves out files and folders whose names start with '.' "
                  "when it packages a folder without a .git of its own (it walks the folder "
                  "instead of asking git)")
OWN_GITIGNORE = ("(valohai-cli reads only this folder's .gitignore when the folder has no .git "
                 "of its own)")


class Verdict(NamedTuple):
    shipped: bool
    why: str = ""  # why Valohai will not receive it
    committed: bool | None = None  # None: not known, or not relevant
    how: str = ""  # why an execution from a commit will not have it ("is not committed ...")
    adhoc: str = ""  # why an ad-hoc run leaves out a file that a commit has


class Shipping:
    """Answers for the files of one run; git runs at most once per repository."""

    def __init__(self) -> None:
        self._tops: dict[Path, Path | None] = {}
        self._listings: dict[Path, GitListing | None] = {}
        self._specs: dict[Path, Any] = {}
        self._verdicts: dict[tuple[Path, str], Verdict] = {}
        self._submodules: dict[Path, list[str]] = {}

    def verdict(self, project: Path, relative: str) -> Verdict:
        """Whether the file ``relative`` (to the project folder) reaches Valohai."""
        key = (project, relative)
        if key not in self._verdicts:
            self._verdicts[key] = self._verdict(project, relative)
        return self._verdicts[key]

    def _verdict(self, project: Path, relative: str) -> Verdict:
        file = project / relative
        top = find_top(project, self._tops)
        # valohai-cli reads the .vhignore of the folder it packages, no other
        excluded = self._excluded(project, ".vhignore", relative)
        if excluded is not None:
            return Verdict(False, f"it matches {excluded}")
        if top is None:
            left_out = self._walk_leaves_out(project, relative, inside_git=False)
            return Verdict(False, left_out) if left_out else Verdict(True)
        inner = find_top(file.parent, self._tops)
        nested = inner is not None and inner != top and _is_below(inner, top)
        if top != project:  # walked; what a commit holds is unknown inside a nested repository
            return self._walked(project, relative, None if nested else self._listing(top),
                                _relative(file, top), top)
        if relative.startswith("."):
            return Verdict(False, DOT_WITH_GIT)
        if nested:
            assert inner is not None
            return self._nested(top, inner, file)
        listing = self._listing(top)
        path = _relative(file, top)
        if listing is None:
            return self._without_git(top, file)
        if path in listing.tracked:
            return Verdict(True, committed=listing.committed(path),
                           how=f"is not committed ({_staged(listing)})")
        if path in listing.others:
            return Verdict(True, committed=False, how="is not committed (untracked)")
        listed = listing.other_case(path)
        if listed is not None:  # a file system that ignores case found it
            return Verdict(False, f"git lists it as {listed!r}, and Valohai's file system tells "
                                  "upper from lower case")
        return Verdict(False, "git ignores it (a .gitignore, .git/info/exclude or the global "
                              "excludes file)")

    def _walked(self, project: Path, relative: str, listing: GitListing | None,
                path: str, top: Path) -> Verdict:
        """A project folder inside a repository: an ad-hoc run walks it, an
        execution from a commit has what the repository commits, less what
        the repository's .vhignore excludes."""
        left_out = self._walk_leaves_out(project, relative, inside_git=True)
        if listing is None:  # git cannot say what is committed
            return Verdict(False, left_out) if left_out else Verdict(True)
        if path in listing.tracked:
            committed, how = listing.committed(path), _staged(listing)
        else:
            committed = False
            how = "untracked" if path in listing.others else "git ignores it"
        excluded = self._excluded(top, ".vhignore", path)
        if committed is False:
            missing = f"is not committed ({how})"
        elif excluded:
            missing = (f"is left out of executions from a commit by the repository's .vhignore "
                       f"({excluded})")
        else:
            missing = ""
        if left_out and not missing:
            return Verdict(True, committed=committed, adhoc=left_out)
        if left_out:
            return Verdict(False, f"{left_out}; and it {missing}, so an execution from a commit "
                                  "will not have it either")
        return Verdict(True, committed=False if missing else committed, how=missing)

    def _walk_leaves_out(self, project: Path, relative: str, inside_git: bool) -> str:
        """Why valohai-cli's walk of the project folder (no .git there) leaves
        the file out: a name starting with '.' at any depth, or the folder's
        own .gitignore; '' when it is sent."""
        if any(part.startswith(".") for part in relative.split("/")):
            return DOT_INSIDE_GIT if inside_git else DOT_WITHOUT_GIT
        ignored = self._excluded(project, ".gitignore", relative)
        if not ignored:
            return ""
        return f"it matches {ignored} {OWN_GITIGNORE}" if inside_git else f"it matches {ignored}"

    def in_empty_submodule(self, project: Path, relative: str) -> bool:
        """Whether ``relative`` lies in a submodule that .gitmodules names but
        that is not checked out here (its files are elsewhere, not missing)."""
        top = find_top(project, self._tops)
        if top is None:
            return False
        if top not in self._submodules:
            self._submodules[top] = _submodule_paths(top / ".gitmodules")
        path = _relative(project / relative, top)
        return any(path.startswith(name + "/") and not os.path.lexists(top / name / ".git")
                   for name in self._submodules[top])

    def _nested(self, top: Path, inner: Path, file: Path) -> Verdict:
        name = _relative(inner, top)
        outer = self._listing(top)
        if outer is None:
            return Verdict(True)
        if name in outer.tracked:  # a submodule: valohai-cli adds its tracked files
            listing = self._listing(inner)
            path = _relative(file, inner)
            if listing is None or path in listing.tracked:
                return Verdict(True)
            if path in listing.others:
                return Verdict(False, f"it is untracked in the submodule {name!r}, and "
                                      "valohai-cli packages only the files git tracks there")
            return Verdict(False, f"git ignores it in the submodule {name!r}")
        if name + "/" in outer.others:
            return Verdict(False, f"it is inside {name + '/'!r}, a git repository of its own "
                                  "that is not a submodule, whose files git does not list")
        return Verdict(False, f"git ignores {name + '/'!r}, the repository it is in")

    def _without_git(self, top: Path, file: Path) -> Verdict:
        """git is absent or refuses: the .gitignore files from the top down."""
        decision: str | None = None
        folder = top
        parts = _relative(file, top).split("/")
        for index in range(len(parts)):
            found = self._check(folder / ".gitignore", "/".join(parts[index:]))
            if found is not None:
                decision = found or None
            folder = folder / parts[index]
        return Verdict(False, f"it matches {decision}") if decision else Verdict(True)

    def _listing(self, top: Path) -> GitListing | None:
        if top not in self._listings:
            self._listings[top] = list_repository(top)
        return self._listings[top]

    def _excluded(self, folder: Path, name: str, relative: str) -> str | None:
        found = self._check(folder / name, relative)
        return found or None

    def _check(self, ignore_file: Path, relative: str) -> str | None:
        """'PATTERN' in FILE when the rules exclude ``relative`` or a folder
        above it (a file in an excluded folder cannot be re-included, as in
        git and valohai-cli), '' when a rule re-includes it, None when no rule
        matches."""
        spec = self._spec(ignore_file)
        if spec is None:
            return None
        parts = relative.split("/")
        candidates = ["/".join(parts[:n]) + "/" for n in range(1, len(parts))] + [relative]
        for candidate in candidates:
            result = spec.check_file(candidate)
            if result.include:
                pattern = spec.patterns[result.index].pattern
                return f"{pattern!r} in {ignore_file.name}"
        return "" if result.include is False else None

    def _spec(self, path: Path) -> Any:
        if path not in self._specs:
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = []
            if any(line.strip() and not line.startswith("#") for line in lines):
                import pathspec

                self._specs[path] = pathspec.GitIgnoreSpec.from_lines(lines)
            else:
                self._specs[path] = None
        return self._specs[path]


def _staged(listing: GitListing) -> str:
    """How a file git tracks is not in the last commit."""
    return "in a repository without commits" if listing.unborn else "added but not committed"


def _submodule_paths(gitmodules: Path) -> list[str]:
    """The ``path =`` entries of a .gitmodules file."""
    try:
        lines = gitmodules.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        key, equals, value = line.partition("=")
        if equals and key.strip() == "path" and value.strip():
            found.append(value.strip().strip("/"))
    return found


def _relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def _is_below(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True
