"""The repository stage: for each linted file that is on disk, check that the
files its commands and endpoints need exist in its folder and reach Valohai
(VH501-VH504).  Runs after the offline analysis, before suppressions."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, Protocol

from yamlcheck.core.diagnostic import Diagnostic, Severity, Span
from yamlcheck.core.suggest import closest
from yamlcheck.repository.commands import APP, FILE, MODULE, Reference, file_references
from yamlcheck.repository.programs import MODULE_NAME
from yamlcheck.repository.rules import (
    CommandFileMissing,
    CommandFileNotShipped,
    CommandFileUncommitted,
    EndpointFileMissing,
)
from yamlcheck.repository.shipping import Shipping
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.spans import inner_span

# Gunicorn's application spec: a module, and optionally a callable (or a call).
WSGI = re.compile(rf"{MODULE_NAME.pattern}(?::[A-Za-z_][\w.]*(?:\(.*\))?)?")


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


def check_repository(results: list[LintedFile]) -> None:
    """Add the repository findings to every result whose file is on disk."""
    shipping = Shipping()
    for result in results:
        ctx = result.context
        project = folder_on_disk(result.path) if ctx is not None else None
        if ctx is None or project is None:
            continue
        ctx.repository = True
        result.diagnostics.extend(_check(ctx, project, shipping))


def _check(ctx: LintContext, project: Path, shipping: Shipping) -> Iterator[Diagnostic]:
    for need in needs(ctx):
        yield from _judge(ctx.path, need, project, shipping)
    for endpoint in ctx.doc.endpoints:
        wsgi = endpoint.str("wsgi")
        if wsgi is not None and not WSGI.fullmatch(wsgi.strip()):
            yield EndpointFileMissing.at(
                ctx.path, endpoint.value_span("wsgi"),
                f"endpoint {endpoint.name!r}: wsgi {wsgi!r} names no module: write `module` or "
                "`module:callable` (e.g. `package.app:application`)")


# -- what the document needs ------------------------------------------------------
def needs(ctx: LintContext) -> Iterator[Need]:
    """Every file the document's commands and endpoints need, in file order."""
    for step in ctx.doc.steps:
        yield from _script_needs(ctx, step.commands, f"step {step.name!r}", False)
    for pipeline in ctx.doc.pipelines:
        for node in pipeline.nodes:
            if node.override is None or node.has("commit"):  # another commit's files
                continue
            owner = f"pipeline {pipeline.name!r} node {node.name!r}"
            yield from _script_needs(ctx, node.override.strings("command"), owner, False)
    for endpoint in ctx.doc.endpoints:
        owner = f"endpoint {endpoint.name!r}"
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
    for reference in file_references(script):
        index = max(i for i, start in enumerate(starts) if start <= reference.start)
        text, span = pieces[index]
        local = reference.start - starts[index]
        needle = script[reference.start:reference.end]
        occurrence = sum(1 for i in range(local) if text.startswith(needle, i))
        yield Need(reference, inner_span(ctx.text, span, needle, occurrence), owner, endpoint)


# -- judging one need ---------------------------------------------------------------
def _judge(path: str, need: Need, project: Path, shipping: Shipping) -> Iterator[Diagnostic]:
    reference = need.reference
    missing_rule = EndpointFileMissing if need.endpoint else CommandFileMissing
    shipped_rule = EndpointFileMissing if need.endpoint else CommandFileNotShipped
    if reference.kind == FILE:
        found = reference.path if os.path.exists(project / reference.path) else None
        if found is None:
            yield missing_rule.at(path, need.span, _missing(need, project))
            return
        if os.path.isdir(project / found):
            return
    else:
        found, in_project = _module_file(project, reference)
        if found is None:
            if in_project and reference.what == "wsgi":  # where Valohai imports it from is
                # not documented: the project folder is the natural reading, not a certainty
                diagnostic = missing_rule.at(path, need.span, _missing(need, project) +
                                             "; Valohai does not document the folder it imports "
                                             "the wsgi module from, the project folder is assumed")
                yield diagnostic.with_severity(Severity.WARNING)
            elif in_project:
                yield missing_rule.at(path, need.span, _missing(need, project))
            elif reference.kind == APP:
                diagnostic = missing_rule.at(path, need.span, _not_in_project(need, project))
                yield diagnostic.with_severity(Severity.WARNING)
            return
    verdict = shipping.verdict(project, found)
    label = f"{need.owner}: {reference.text!r}" + (f" ({found})" if found != reference.text
                                                  else "")
    if not verdict.shipped:
        yield shipped_rule.at(path, need.span, f"{label} exists here but Valohai will not "
                                               f"receive it: {verdict.why}")
    elif verdict.committed is False:
        yield CommandFileUncommitted.at(
            path, need.span, f"{label} is not committed ({verdict.how}): an ad-hoc run "
                             "packages it, an execution from a commit will not have it")


def _candidates(reference: Reference) -> tuple[str, ...]:
    base = reference.path
    last = "__main__.py" if reference.kind == MODULE else "__init__.py"
    return f"{base}.py", f"{base}/{last}"


def _module_file(project: Path, reference: Reference) -> tuple[str | None, bool]:
    """(the module's file, whether its top-level package is in the project)."""
    for candidate in _candidates(reference):
        if os.path.isfile(project / candidate):
            return candidate, True
    top = posixpath.join(reference.folder, reference.text.split(".")[0])
    if reference.kind == APP:
        return None, os.path.isfile(project / f"{top}.py") or os.path.isdir(project / top)
    # python -m: certain only for a module or regular package (a namespace
    # folder may be shadowed by an installed package)
    return None, os.path.isfile(project / f"{top}.py") or os.path.isfile(project / top /
                                                                          "__init__.py")


def _where(reference: Reference) -> str:
    return f" (after `cd {reference.folder}`)" if reference.folder else ""


def _guess(project: Path, folder: str, name: str, module: bool) -> str | None:
    """The name in ``folder`` most like ``name`` (a module's: without .py)."""
    try:
        entries = os.listdir(project / folder)
    except OSError:
        return None
    if module:
        entries = [e.removesuffix(".py") for e in entries if e.endswith(".py")
                   or os.path.isdir(project / folder / e)]
    return closest(name, [e for e in entries if e != name])


def _missing(need: Need, project: Path) -> str:
    reference = need.reference
    if reference.kind == FILE:
        shown = f" as {reference.path!r}" if posixpath.normpath(reference.text) != reference.path \
            else ""
        guess = _guess(project, posixpath.dirname(reference.path),
                       posixpath.basename(reference.path), False)
        hint = (f" (did you mean {posixpath.join(posixpath.dirname(reference.text), guess)!r}?)"
                if guess else "")
        return (f"{need.owner}: {reference.text!r} ({reference.what}) does not exist in the "
                f"project folder{shown}{_where(reference)}{hint}")
    first, second = _candidates(reference)
    package, _, name = reference.text.rpartition(".")
    guess = _guess(project, posixpath.dirname(reference.path), name, True)
    hint = f" (did you mean {'.'.join(p for p in (package, guess) if p)!r}?)" if guess else ""
    return (f"{need.owner}: module {reference.text!r} ({reference.what}) is not in the project "
            f"folder: neither {first} nor {second} exists{_where(reference)}{hint}")


def _not_in_project(need: Need, project: Path) -> str:
    reference = need.reference
    top = reference.text.split(".")[0]
    guess = _guess(project, reference.folder, top, True)
    hint = f"did you mean {guess!r}? If not, " if guess else ""
    return (f"{need.owner}: module {reference.text!r} ({reference.what}) is not in the project "
            f"folder (no {top}.py or {top}/); {hint}this works only if the image installs it")
