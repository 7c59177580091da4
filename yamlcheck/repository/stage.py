"""The repository stage: for each linted file that is on disk, check that the
files its commands and endpoints need exist in its folder and reach Valohai
(VH501-VH504).  Runs after the offline analysis, before suppressions."""

from __future__ import annotations

import bisect
import os
import posixpath
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, Protocol

from yamlcheck.core.diagnostic import Diagnostic, Severity, Span
from yamlcheck.core.suggest import closest
from yamlcheck.repository.commands import APP, FILE, FOLDER, MODULE, Reference, file_references
from yamlcheck.repository.listing import outermost_top
from yamlcheck.repository.programs import MODULE_NAME
from yamlcheck.repository.rules import (
    CommandFileMissing,
    CommandFileNotShipped,
    CommandFileUncommitted,
    EndpointFileMissing,
)
from yamlcheck.repository.shipping import Shipping
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.spans import inner_span, quoted_offsets

# Gunicorn's application spec: a module, and optionally a callable (or a call).
WSGI = re.compile(rf"{MODULE_NAME.pattern}(?::[A-Za-z_][\w.]*(?:\(.*\))?)?")
MAX_GUESS_ENTRIES = 2000  # a folder larger than this gets no "did you mean"


class LintedFile(Protocol):
    """What this stage reads and extends of one linted file (the engine's FileResult)."""

    path: str
    context: LintContext | None
    diagnostics: list[Diagnostic]


class Need(NamedTuple):
    """Something in the project an item needs, and where the file names it."""

    reference: Reference
    span: Span
    owner: str  # "step 'train'", "endpoint 'predict'" ...
    endpoint: bool


def folder_on_disk(path: str) -> Path | None:
    """The real folder of a linted file, or None when the file is not on disk
    (stdin without --stdin-filename, an editor buffer never saved)."""
    if not os.path.isfile(path):
        return None
    return Path(os.path.realpath(os.path.dirname(os.path.abspath(path))))


def repository_group(path: str) -> str | None:
    """What files must be checked in one process for git to run once per
    repository: the outermost repository the file lies in, or None (a file
    outside any repository, or not on disk, needs no git)."""
    folder = folder_on_disk(path)
    top = outermost_top(folder) if folder is not None else None
    return str(top) if top is not None else None


class RepositoryView:
    """What one run learns about the disk and the repositories, asked once.

    A run of the command line makes one; the language server keeps one for a
    few seconds across lints, so that typing does not start git each time."""

    def __init__(self) -> None:
        self.shipping = Shipping()
        self._kinds: dict[str, str] = {}
        self._listed: dict[tuple[Path, str, bool], list[str]] = {}
        self._guesses: dict[tuple[Path, str, str, bool], str | None] = {}

    def kind(self, project: Path, relative: str) -> str:
        """'file', 'dir', or '' when nothing is there."""
        key = os.path.join(project, relative)
        if key not in self._kinds:
            try:
                mode = os.stat(key).st_mode
            except (OSError, ValueError):
                self._kinds[key] = ""
            else:
                self._kinds[key] = "dir" if stat.S_ISDIR(mode) else "file"
        return self._kinds[key]

    def guess(self, project: Path, folder: str, name: str, module: bool) -> str | None:
        """The entry of ``folder`` most like ``name``: a file with the same
        extension, or for a module a .py file (without .py) or a folder."""
        key = (project, folder, name, module)
        if key not in self._guesses:
            suffix = "" if module else posixpath.splitext(name)[1]
            self._guesses[key] = closest(name, [e for e in self._names(project, folder, module)
                                                if e != name and e.endswith(suffix)])
        return self._guesses[key]

    def _names(self, project: Path, folder: str, module: bool) -> list[str]:
        key = (project, folder, module)
        if key not in self._listed:
            try:
                entries = os.listdir(os.path.join(project, folder))
            except OSError:
                entries = []
            if module:
                entries = [e.removesuffix(".py") for e in entries if e.endswith(".py")
                           or self.kind(project, posixpath.join(folder, e)) == "dir"]
            self._listed[key] = entries if len(entries) <= MAX_GUESS_ENTRIES else []
        return self._listed[key]


def check_repository(results: list[LintedFile], view: RepositoryView | None = None) -> None:
    """Add the repository findings to every result whose file is on disk."""
    run = view if view is not None else RepositoryView()
    for result in results:
        ctx = result.context
        project = folder_on_disk(result.path) if ctx is not None else None
        if ctx is None or project is None:
            continue
        ctx.repository = True
        result.diagnostics.extend(_check(ctx, project, run))


def _check(ctx: LintContext, project: Path, run: RepositoryView) -> Iterator[Diagnostic]:
    missing_folders: set[str] = set()  # folders a cd goes to that do not exist
    for need in needs(ctx):
        reference = need.reference
        if _below(reference.folder, missing_folders):
            continue  # reported once, at the cd
        if reference.kind == FOLDER:
            if not run.kind(project, reference.path) and \
                    not run.shipping.in_empty_submodule(project, reference.path):
                missing_folders.add(reference.path)
                yield CommandFileMissing.at(
                    ctx.path, need.span,
                    f"{need.owner}: the folder {reference.text!r} ({reference.what}) does not "
                    f"exist in the project folder{_where(reference)}")
            continue
        yield from _judge(ctx.path, need, project, run)
    for endpoint in ctx.doc.endpoints:
        wsgi = endpoint.str("wsgi")
        if wsgi is not None and not WSGI.fullmatch(wsgi.strip()):
            yield EndpointFileMissing.at(
                ctx.path, endpoint.value_span("wsgi"),
                f"{endpoint.called('endpoint')}: wsgi {wsgi!r} names no module: write `module` or "
                "`module:callable` (e.g. `package.app:application`)")


# -- what the document needs ------------------------------------------------------
def needs(ctx: LintContext) -> Iterator[Need]:
    """Every file the document's commands and endpoints need, in file order."""
    for step in ctx.doc.steps:
        yield from _script_needs(ctx, step.commands, f"{step.called('step')}", False)
    for pipeline in ctx.doc.pipelines:
        for node in pipeline.nodes:
            if node.override is None or node.has("commit"):  # another commit's files
                continue
            owner = f"{pipeline.called('pipeline')} {node.called('node')}"
            yield from _script_needs(ctx, node.override.strings("command"), owner, False)
    for endpoint in ctx.doc.endpoints:
        owner = f"{endpoint.called('endpoint')}"
        yield from _script_needs(ctx, endpoint.strings("server-command"), owner, True)
        wsgi = endpoint.str("wsgi")
        module = wsgi.partition(":")[0].strip() if wsgi else ""
        if module and wsgi is not None and WSGI.fullmatch(wsgi.strip()):
            reference = Reference(module, module.replace(".", "/"), 0, len(module), APP,
                                  "wsgi", "")
            span = inner_span(ctx.text, endpoint.value_span("wsgi"), module)
            yield Need(reference, span, owner, True)


def _script_needs(ctx: LintContext, pieces: list[tuple[str, Span]], owner: str,
                  endpoint: bool) -> Iterator[Need]:
    """A command given as a list runs as one script, its items joined by lines."""
    if not pieces:
        return
    script = "\n".join(text for text, _ in pieces)
    starts = []
    offset = 0
    for text, _ in pieces:
        starts.append(offset)
        offset += len(text) + 1
    scalars: dict[int, _Scalar] = {}
    for reference in file_references(script):
        index = bisect.bisect_right(starts, reference.start) - 1
        if index not in scalars:
            scalars[index] = _Scalar(ctx.text, *pieces[index])
        needle = script[reference.start:reference.end]
        span = scalars[index].locate(needle, reference.start - starts[index])
        yield Need(reference, span, owner, endpoint)


class _Scalar:
    """Finds a word of a command's value in the file text, as
    rules.spans.inner_span does, with what it needs computed once per scalar
    (a long command names many files)."""

    def __init__(self, text: str, value: str, span: Span) -> None:
        self.text, self.value, self.span = text, value, span
        start, end = span[4], span[5]
        self.raw = text[start:end] if 0 <= start < end <= len(text) else ""
        self._found: dict[tuple[str, str], list[int]] = {}
        self.newlines = self._positions("raw", "\n")

    def _positions(self, where: str, needle: str) -> list[int]:
        key = (where, needle)
        if key not in self._found:
            haystack = self.value if where == "value" else self.raw
            positions, index = [], haystack.find(needle)
            while index >= 0:
                positions.append(index)
                index = haystack.find(needle, index + 1)
            self._found[key] = positions
        return self._found[key]

    def locate(self, needle: str, offset: int) -> Span:
        """The span of ``needle``, at ``offset`` in the value, in the file."""
        if not needle or "\n" in needle:
            return self.span
        occurrence = bisect.bisect_left(self._positions("value", needle), offset)
        found = self._positions("raw", needle)
        if occurrence >= len(found):
            return self._escaped(needle, offset)
        index = found[occurrence]
        above = bisect.bisect_left(self.newlines, index)
        line = self.span[0] + above
        column = index - self.newlines[above - 1] - 1 if above else self.span[1] + index
        absolute = self.span[4] + index
        return (line, column, line, column + len(needle), absolute, absolute + len(needle))


    def _escaped(self, needle: str, offset: int) -> Span:
        """The span of a word written with escapes (``"python \\u00e9x.py"``)
        in a quoted scalar on one line; else the whole scalar."""
        offsets = quoted_offsets(self.raw, self.value)
        if offsets is None or offset + len(needle) >= len(offsets):
            return self.span
        start, end = offsets[offset], offsets[offset + len(needle)]
        line, column, absolute = self.span[0], self.span[1] + start, self.span[4] + start
        return (line, column, line, column + end - start, absolute, absolute + end - start)


# -- judging one need ---------------------------------------------------------------
def _below(folder: str, folders: set[str]) -> bool:
    return any(folder == missing or folder.startswith(missing + "/") for missing in folders)


def _judge(path: str, need: Need, project: Path, run: RepositoryView) -> Iterator[Diagnostic]:
    reference = need.reference
    missing_rule = EndpointFileMissing if need.endpoint else CommandFileMissing
    shipped_rule = EndpointFileMissing if need.endpoint else CommandFileNotShipped
    if reference.kind == FILE:
        kind = run.kind(project, reference.path)
        if not kind:
            if not run.shipping.in_empty_submodule(project, reference.path):
                yield missing_rule.at(path, need.span, _missing(need, project, run))
            return
        if kind == "dir":
            return
        found: str | None = reference.path
    else:
        found, in_project = _module_file(project, reference, run)
        if found is None:
            if in_project and reference.what == "wsgi":  # where Valohai imports it from is
                # not documented: the project folder is the natural reading, not a certainty
                diagnostic = missing_rule.at(path, need.span, _missing(need, project, run) +
                                             "; Valohai does not document the folder it imports "
                                             "the wsgi module from, the project folder is assumed")
                yield diagnostic.with_severity(Severity.WARNING)
            elif in_project:
                yield missing_rule.at(path, need.span, _missing(need, project, run))
            elif reference.kind == APP:
                diagnostic = missing_rule.at(path, need.span, _not_in_project(need, project, run))
                yield diagnostic.with_severity(Severity.WARNING)
            return
    assert found is not None
    verdict = run.shipping.verdict(project, found)
    label = f"{need.owner}: {reference.text!r}" + (f" ({found})" if found != reference.text
                                                  else "")
    if not verdict.shipped:
        yield shipped_rule.at(path, need.span, f"{label} exists here but Valohai will not "
                                               f"receive it: {verdict.why}")
    elif verdict.adhoc:
        committed = " is committed, but" if verdict.committed else ":"
        diagnostic = shipped_rule.at(
            path, need.span, f"{label}{committed} an ad-hoc run (`vh exec run --adhoc` from "
                             f"this folder) will not receive it: {verdict.adhoc}")
        yield diagnostic.with_severity(Severity.WARNING)
    elif verdict.committed is False:
        yield CommandFileUncommitted.at(
            path, need.span, f"{label} {verdict.how}: an ad-hoc run packages it, an "
                             "execution from a commit will not have it")


def _candidates(reference: Reference) -> tuple[str, ...]:
    base = reference.path
    last = "__main__.py" if reference.kind == MODULE else "__init__.py"
    return f"{base}.py", f"{base}/{last}"


def _module_file(project: Path, reference: Reference, run: RepositoryView) -> tuple[str | None, bool]:
    """(the module's file, whether its top-level package is in the project)."""
    for candidate in _candidates(reference):
        if run.kind(project, candidate) == "file":
            return candidate, True
    top = posixpath.join(reference.folder, reference.text.split(".")[0])
    if run.kind(project, f"{top}.py") == "file":
        return None, True
    if reference.kind == APP:
        return None, run.kind(project, top) == "dir"
    # python -m: certain only for a regular package (a namespace folder may
    # be shadowed by an installed package)
    return None, run.kind(project, f"{top}/__init__.py") == "file"


def _where(reference: Reference) -> str:
    return f" (after `cd {reference.folder}`)" if reference.folder else ""


def _missing(need: Need, project: Path, run: RepositoryView) -> str:
    reference = need.reference
    if reference.kind == FILE:
        shown = f" as {reference.path!r}" if posixpath.normpath(reference.text) != reference.path \
            else ""
        guess = run.guess(project, posixpath.dirname(reference.path),
                       posixpath.basename(reference.path), False)
        hint = (f" (did you mean {posixpath.join(posixpath.dirname(reference.text), guess)!r}?)"
                if guess else "")
        return (f"{need.owner}: {reference.text!r} ({reference.what}) does not exist in the "
                f"project folder{shown}{_where(reference)}{hint}")
    first, second = _candidates(reference)
    package, _, name = reference.text.rpartition(".")
    guess = run.guess(project, posixpath.dirname(reference.path), name, True)
    hint = f" (did you mean {'.'.join(p for p in (package, guess) if p)!r}?)" if guess else ""
    return (f"{need.owner}: module {reference.text!r} ({reference.what}) is not in the project "
            f"folder: neither {first} nor {second} exists{_where(reference)}{hint}")


def _not_in_project(need: Need, project: Path, run: RepositoryView) -> str:
    reference = need.reference
    top = reference.text.split(".")[0]
    guess = run.guess(project, reference.folder, top, True)
    hint = f"did you mean {guess!r}? If not, " if guess else ""
    return (f"{need.owner}: module {reference.text!r} ({reference.what}) is not in the project "
            f"folder (no {top}.py or {top}/); {hint}this works only if the image installs it")
