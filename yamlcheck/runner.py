"""Run ``yamlcheck lint``: targets -> config -> lint -> registries -> fix -> report.

Kept apart from the command-line parsing in cli.py so that it can be called
and tested with plain values.
"""

from __future__ import annotations

import gc
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from yamlcheck.config.loader import (
    ConfigError,
    config_for_folder,
    discover,
    has_tool_table,
    load_config,
)
from yamlcheck.core.diagnostic import Severity
from yamlcheck.core.options import LintOptions
from yamlcheck.core.settings import Config
from yamlcheck.document.reader import MAX_FILE_BYTES
from yamlcheck.engine import FileResult
from yamlcheck.engine.run import Source, lint_sources
from yamlcheck.report.base import Report, get_reporter
from yamlcheck.targets import Target, TargetError, resolve


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Loading builds many small acyclic objects; the cycle collector would
    rescan them again and again (quadratic in the file size), so pause it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()  # what survived is mostly acyclic: spare the collector a rescan
            gc.enable()


class UsageError(Exception):
    """Bad input from the user: exit status 2 with these lines on stderr."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


def choose_format(requested: str | None) -> str:
    if requested:
        return requested
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def use_color(mode: str, stream: IO[str], to_file: bool) -> bool:
    """Colour on a terminal; ``always`` wins everywhere, even in a file."""
    if mode == "always":
        return True
    if to_file or mode == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


class Runner:
    def __init__(self, options: LintOptions, stdin: IO[bytes] | None = None) -> None:
        self.options = options
        self.stdin = stdin
        self._explicit: Config | None = None
        self._stdin_paths: set[str] = set()
        self._configs: dict[Path, Config] = {}  # config files read during this run
        self._by_folder: dict[str, Config] = {}  # the config of each folder linted
        if options.config:
            try:
                self._explicit = load_config(Path(options.config))
            except ConfigError as exc:
                raise UsageError(*exc.lines) from None

    def config_for(self, target: Target) -> Config:
        base = self._explicit
        if base is None:
            named = not target.stdin or self.options.stdin_filename is not None
            folder = os.path.dirname(os.path.abspath(target.path)) if named else os.getcwd()
            base = self._by_folder.get(folder)
            if base is None:  # files of one folder share its config: discovered once
                try:
                    base = self._by_folder[folder] = config_for_folder(folder, self._configs)
                except ConfigError as exc:
                    raise UsageError(*exc.lines) from None
        return self._with_overrides(base)

    def _with_overrides(self, config: Config) -> Config:
        opts = self.options
        rules = config.rules
        if opts.select is not None:
            rules = rules._replace(select=tuple(opts.select))
        if opts.ignore:
            rules = rules._replace(ignore=rules.ignore + tuple(opts.ignore))
        return config._replace(rules=rules, platform=opts.platform or config.platform)

    def read(self, target: Target) -> bytes:
        """The file's bytes, at most one more than the size limit: a larger
        input (a stream, /dev/zero) is a located VH005, never all in memory."""
        if target.stdin:
            stream = self.stdin if self.stdin is not None else sys.stdin.buffer
            return stream.read(MAX_FILE_BYTES + 1)
        try:
            mode = os.stat(target.path).st_mode
            if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):  # opening one could wait forever
                raise UsageError(f"yamlcheck: {target.path}: not a regular file "
                                 "(use '-' to lint what a pipe holds)")
            with open(target.path, "rb") as handle:
                return handle.read(MAX_FILE_BYTES + 1)
        except IsADirectoryError:
            raise UsageError(f"yamlcheck: {target.path}: is a directory") from None
        except OSError as exc:
            raise UsageError(f"yamlcheck: {target.path}: cannot read: {exc.strerror}") from None

    def lint(self) -> Report:
        configs: list[Path] = []
        try:
            targets = resolve(self.options.paths, self.options.stdin_filename, configs)
        except TargetError as exc:
            raise UsageError(f"yamlcheck: {exc}") from None
        targets = self._check_configs(configs, targets)
        sources: list[Source] = []
        for target in targets:
            if target.stdin:
                self._stdin_paths.add(target.path)
            sources.append(Source(target.path, self.read(target), self.config_for(target)))
        results = lint_sources(sources, self.options, processes=True)
        return Report(results, fail_on=self.fail_on(), remote=self.options.remote)

    def _check_configs(self, configs: list[Path], targets: list[Target]) -> list[Target]:
        """Validate the config files given as paths, and keep the files they
        brought in only where they govern them (no nearer config file).  A
        pyproject.toml without [tool.yamlcheck] is no config: nothing of it."""
        governing: set[str] = set()
        for config in configs:
            if config.name == "pyproject.toml" and not has_tool_table(config):
                continue
            try:
                load_config(config)
            except ConfigError as exc:
                raise UsageError(*exc.lines) from None
            governing.add(str(config))
        kept = []
        for target in targets:
            if target.config is not None:
                if target.config not in governing:
                    continue
                found = discover(Path(target.path).parent)
                if found is None or not found.samefile(target.config):
                    continue
            kept.append(target)
        return kept

    def fail_on(self) -> Severity | None:
        level = self.options.fail_on.lower()
        return None if level == "never" else Severity.parse(level)

    def fix(self, report: Report) -> tuple[Report, dict[str, str]]:
        """Apply the safe fixes; files are rewritten atomically, stdin is
        returned as text.  The report is rebuilt from the fixed files.  With
        --pin-digests a second pass pins the images the first pass qualified."""
        fixed_stdin = {r.path: r.source.text for r in report.results
                       if r.path in self._stdin_paths and r.source is not None}
        results, applied = report.results, 0
        for _ in range(2 if self.options.pin_digests else 1):
            results, count = self._fix_pass(results, fixed_stdin)
            applied += count
            if not count:
                break
        return Report(results, fail_on=report.fail_on, fixed=applied,
                      remote=report.remote), fixed_stdin

    def _fix_pass(self, results: list[FileResult],
                  fixed_stdin: dict[str, str]) -> tuple[list[FileResult], int]:
        from yamlcheck.core.atomic import write_atomically
        from yamlcheck.images.fix import apply_fixes

        applied = 0
        updated: list[FileResult | int] = []
        fresh: list[Source] = []
        written: set[str] = set()  # a file named twice (a link to it) is fixed once
        for result in results:
            fixes = result.fixes + [d.fix for d in result.diagnostics if d.fix is not None]
            source = result.source
            if not fixes or source is None:
                updated.append(result)
                continue
            text, count = apply_fixes(source.text, fixes)
            data = source.encode(text)
            if result.path in self._stdin_paths:
                fixed_stdin[result.path] = text
                applied += count
            elif os.path.realpath(result.path) not in written:
                written.add(os.path.realpath(result.path))
                write_atomically(result.path, data)
                applied += count
            config = result.context.config if result.context else Config()
            updated.append(len(fresh))  # filled in below, from the fixed text
            fresh.append(Source(result.path, data, config))
        linted = lint_sources(fresh, self.options)
        return [linted[r] if isinstance(r, int) else r for r in updated], applied


def run(options: LintOptions, stdout: IO[str], stderr: IO[str],
        stdin: IO[bytes] | None = None) -> int:
    """The whole ``lint`` command; returns the exit status."""
    name = choose_format(options.output_format)
    try:
        runner = Runner(options, stdin)
        with _no_cyclic_gc():
            report = runner.lint()
            fixed_stdin: dict[str, str] = {}
            if options.fix:
                report, fixed_stdin = runner.fix(report)
    except UsageError as exc:
        for line in exc.lines:
            print(line, file=stderr)
        if name == "sarif":
            # A valid log all the same, the error as a tool execution
            # notification: an upload step that follows shows it.
            from yamlcheck.report.sarif import dumps, sarif_log

            write_report(dumps(sarif_log(Report([]), errors=exc.lines)), options, stdout, stderr)
        return 2
    report_stream = stderr if fixed_stdin else stdout
    color = use_color(options.color, report_stream, bool(options.output))
    with _no_cyclic_gc():
        text = get_reporter(name)(color=color, verbose=options.verbose > 0).render(report)
    for document in fixed_stdin.values():
        stdout.write(document)
    if not write_report(text, options, report_stream, stderr):
        return 2
    return 1 if report.failed else 0


def write_report(text: str, options: LintOptions, stream: IO[str], stderr: IO[str]) -> bool:
    """To --output (atomically) or to ``stream``; False when it cannot be written."""
    if not options.output:
        stream.write(text)
        return True
    from yamlcheck.core.atomic import write_atomically

    try:
        write_atomically(options.output, text.encode("utf-8"))
    except OSError as exc:
        print(f"yamlcheck: cannot write the report to {options.output}: {exc.strerror}",
              file=stderr)
        return False
    return True
