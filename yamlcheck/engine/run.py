"""Lint several files as one run: the offline stages per file, then the
stages that look outside the file (the repository, the registries) for all
files at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from yamlcheck.core.options import LintOptions
from yamlcheck.core.settings import Config
from yamlcheck.document.loader import load
from yamlcheck.engine.lint import analyse, finish
from yamlcheck.engine.parallel import group_indices, lint_shared, workers_for
from yamlcheck.engine.result import FileResult

if TYPE_CHECKING:
    from yamlcheck.repository.stage import RepositoryView


class Source(NamedTuple):
    """One file to lint: the path to report, its bytes, and its configuration."""

    path: str
    data: bytes
    config: Config


def lint_sources(sources: Sequence[Source], options: LintOptions,
                 processes: bool = False) -> list[FileResult]:
    """Every finding for every source, suppressions and selection applied.
    With ``processes`` (a caller without threads of its own) many files are
    shared out among worker processes, the files of one repository kept
    together; the results are the same."""
    workers = workers_for(len(sources), options) if processes else 1
    if workers > 1:
        groups = group_indices([None if options.no_repo else _repository_of(source.path)
                                for source in sources])
        if len(groups) > 1:
            return lint_shared(sources, [len(source.data) for source in sources], groups,
                               workers, lambda share: _lint_here(share, options))
    return _lint_here(sources, options)


def _repository_of(path: str) -> str | None:
    from yamlcheck.repository.stage import repository_group

    return repository_group(path)


def _lint_here(sources: Sequence[Source], options: LintOptions) -> list[FileResult]:
    results = [analyse(load(source.path, source.data), source.config) for source in sources]
    complete(results, options)
    return results


def complete(results: list[FileResult], options: LintOptions,
             repository: RepositoryView | None = None) -> None:
    """The stages after each file's own analysis, in order: the repository,
    the registries, then suppressions and rule selection.  ``repository`` is
    what an earlier run learnt of the disk and git, to be reused."""
    if options.no_repo:
        _without_repository_checks(results)
    elif results:
        from yamlcheck.repository.stage import check_repository

        check_repository(results, repository)
    if options.remote and results:
        from yamlcheck.registries.stage import check_remote

        check_remote(results, options)
    for result in results:
        finish(result)


# --no-repo turns off every VH5xx check, VH505 included although it reads
# only the document (PRODUCT.md: "skip the repository checks (VH5xx)").
REPOSITORY_CODES = "VH5"


def _without_repository_checks(results: list[FileResult]) -> None:
    for result in results:
        result.diagnostics = [d for d in result.diagnostics
                              if not d.code.startswith(REPOSITORY_CODES)]


def lint_text(path: str, text: str, config: Config | None = None,
              options: LintOptions | None = None) -> FileResult:
    """Lint one document held in memory (an editor buffer, a test)."""
    return lint_sources([Source(path, text.encode("utf-8"), config or Config())],
                        options or LintOptions())[0]
