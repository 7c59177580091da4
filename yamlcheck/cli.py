"""The command line (Typer).  Parsing only: the work happens in runner.py and
commands.py, imported when a command runs so that start-up stays fast."""

from __future__ import annotations

import math
import sys
from enum import Enum
from typing import Annotated

import typer

from yamlcheck import __version__
from yamlcheck.cli_coercion import PlainCommand, PlainGroup
from yamlcheck.report.base import FORMATS

MAX_TIMEOUT = 86400.0  # a day: longer is no deadline at all


def _examples(*lines: str) -> str:
    """An epilog with one example per paragraph: one per line, whether the
    help is rendered as Markdown (rich) or as plain click text."""
    return "\n\n".join(("Examples:", *lines))


app = typer.Typer(
    name="yamlcheck",
    cls=PlainGroup,
    help="Lint valohai.yaml and check that Valohai can pull every image it names.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=_examples(
        "`yamlcheck lint` lints ./valohai.yaml",
        "`yamlcheck lint --remote` also fetches every image's manifest",
        "`yamlcheck explain VH203` documents one rule",
    ),
)

def _choices(name: str, *values: str) -> type[Enum]:
    """Choices: listed in the help and checked, in any case, by the parser."""
    return Enum(name, {value: value for value in values}, type=str)  # type: ignore[return-value]


OutputFormat = _choices("OutputFormat", *FORMATS)
FailOn = _choices("FailOn", "error", "warning", "info", "never")
ColorMode = _choices("ColorMode", "auto", "always", "never")
RulesFormat = _choices("RulesFormat", "text", "json")
SchemaName = _choices("SchemaName", "valohai", "config")


def _one_of(choices: type[Enum]) -> str:
    names = [choice.value for choice in choices]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _version(value: bool) -> None:
    if value:
        print(f"yamlcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Lint valohai.yaml and check that Valohai can pull every image it names."""


def _codes(value: str | None, option: str) -> list[str] | None:
    if value is None:
        return None
    from yamlcheck.config.codes import code_problem

    codes = [part.strip().upper() for part in value.split(",") if part.strip()]
    if not codes:
        raise typer.BadParameter("names no code; give codes or prefixes such as VH2,VH401",
                                 param_hint=f"'{option}'")
    for code in codes:
        problem = code_problem(code)
        if problem:
            raise typer.BadParameter(problem, param_hint=f"'{option}'")
    return codes


@app.command(cls=PlainCommand, epilog=_examples(
    "`yamlcheck lint` lints ./valohai.yaml",
    "`yamlcheck lint . --format sarif --output yamlcheck.sarif`",
    "`yamlcheck lint --fix valohai.yaml` qualifies image names in place",
    "`yamlcheck lint --remote --platform linux/arm64`",
    "`cat valohai.yaml | yamlcheck lint - --stdin-filename valohai.yaml`",
))
def lint(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files or folders; '-' reads stdin. Default: ./valohai.yaml.",
        show_default=False, metavar="PATH")] = None,
    config: Annotated[str | None, typer.Option(
        help="Config file (.yamlcheck.yaml, or a pyproject.toml with [tool.yamlcheck]); "
             "default: the nearest one from the file's folder up to the repository root.",
        metavar="FILE")] = None,
    remote: Annotated[bool, typer.Option(
        "--remote", help="Fetch each distinct image's manifest with Valohai's credentials, "
                         "and check its layers can be pulled.")] = False,
    no_repo: Annotated[bool, typer.Option(
        "--no-repo", help="Skip the repository checks (VH5xx); they need no network.")] = False,
    platform: Annotated[str | None, typer.Option(
        help="Platform each image must provide, OS/ARCH[/VARIANT] (default linux/amd64); "
             "'any' skips the platform check.", metavar="OS/ARCH")] = None,
    output_format: Annotated[OutputFormat | None, typer.Option(
        "--format", case_sensitive=False, show_default=False, metavar="FORMAT",
        help=f"Report format: {_one_of(OutputFormat)} (default text; github when GITHUB_ACTIONS=true; "
             "gitlab is GitLab Code Quality JSON).")] = None,
    output: Annotated[str | None, typer.Option(
        help="Write the report to this file (atomically) instead of stdout.",
        metavar="FILE")] = None,
    select: Annotated[str | None, typer.Option(
        help="Comma list of codes or prefixes to enable (VH2 = all image rules).",
        metavar="CODES")] = None,
    ignore: Annotated[str | None, typer.Option(
        help="Comma list of codes or prefixes to disable.", metavar="CODES")] = None,
    fail_on: Annotated[FailOn, typer.Option(
        case_sensitive=False, metavar="LEVEL",
        help=f"Exit 1 for findings at or above this severity: {_one_of(FailOn)}.")
    ] = FailOn.error,
    fix: Annotated[bool, typer.Option(
        "--fix", help="Apply safe fixes in place (image qualification), keeping comments.")] = False,
    pin_digests: Annotated[bool, typer.Option(
        "--pin-digests", help="With --remote --fix: add @sha256:... to each verified image.")] = False,
    jobs: Annotated[int, typer.Option(
        min=1, max=64, metavar="N",
        help="Registry checks run at once; offline, at most this many processes share many "
             "files (1: lint them in one).")] = 16,
    timeout: Annotated[float, typer.Option(
        min=1.0, max=MAX_TIMEOUT, metavar="SECONDS",
        help="Deadline in seconds for the whole --remote run: every request, credential "
             "helper and cloud call.")] = 60.0,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Do not read or write the registry result cache.")] = False,
    color: Annotated[ColorMode, typer.Option(
        case_sensitive=False, metavar="WHEN",
        help=f"Colour the text report: {_one_of(ColorMode)} (NO_COLOR is honoured in auto).")
    ] = ColorMode.auto,
    stdin_filename: Annotated[str | None, typer.Option(
        help="Path to report for '-' (stdin), and where its config is found; alone, it "
             "reads stdin.", metavar="PATH")] = None,
    verbose: Annotated[int, typer.Option(
        "--verbose", "-v", count=True, metavar="", show_default=False,
        help="More detail (repeat for more, -vv); with an internal error, the traceback.")
    ] = 0,
) -> None:
    """Lint valohai.yaml files: YAML, schema, cross-references, images and registries."""
    from yamlcheck.runner import LintOptions, run

    if platform is not None and platform.lower() not in ("any", "none"):
        from yamlcheck.registries.platforms import PlatformError, parse

        try:
            parse(platform)
        except PlatformError as exc:
            raise typer.BadParameter(str(exc), param_hint="--platform") from None
    if not math.isfinite(timeout):
        raise typer.BadParameter(f"{timeout} is not a number of seconds", param_hint="--timeout")
    if stdin_filename is not None and not paths:
        paths = ["-"]  # as ruff: the name given means the text comes from stdin
    elif stdin_filename is not None and "-" not in paths:
        raise typer.BadParameter("names the file read from stdin: give '-' among the paths",
                                 param_hint="--stdin-filename")
    if pin_digests and not (remote and fix):
        raise typer.BadParameter("--pin-digests needs --remote and --fix", param_hint="--pin-digests")
    options = LintOptions(
        paths=list(paths or []), config=config, stdin_filename=stdin_filename, remote=remote,
        no_repo=no_repo,
        platform=platform, output_format=output_format.value if output_format else None,
        output=output, select=_codes(select, "--select"), ignore=_codes(ignore, "--ignore") or [],
        fail_on=fail_on.value, fix=fix, pin_digests=pin_digests, jobs=jobs, timeout=timeout,
        no_cache=no_cache, color=color.value, verbose=verbose,
    )
    if options.verbose:
        _log_to_stderr(verbose)
    raise typer.Exit(run(options, sys.stdout, sys.stderr))


def _log_to_stderr(verbose: int) -> None:
    """yamlcheck's own log lines only: other libraries' debug logs (botocore,
    urllib3) print request headers, which may carry credentials."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("yamlcheck: %(message)s"))
    logger = logging.getLogger("yamlcheck")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    logger.propagate = False


@app.command(cls=PlainCommand,
             epilog=_examples("`yamlcheck rules`", "`yamlcheck rules --format json`"))
def rules(
    output_format: Annotated[RulesFormat, typer.Option(
        "--format", case_sensitive=False, metavar="FORMAT",
        help=f"{_one_of(RulesFormat).capitalize()}.")] = RulesFormat.text,
) -> None:
    """List every rule: code, name, default severity and summary."""
    from yamlcheck.commands import print_rules

    print_rules(output_format.value)


@app.command(cls=PlainCommand,
             epilog=_examples("`yamlcheck explain VH203`", "`yamlcheck explain vh302`"))
def explain(code: Annotated[str, typer.Argument(help="A rule code such as VH203.")]) -> None:
    """Print a rule's documentation, with a bad and a good example."""
    from yamlcheck.commands import print_explanation

    raise typer.Exit(print_explanation(code))


@app.command(cls=PlainCommand, epilog=_examples(
    "`yamlcheck schema > valohai.schema.json`",
    "`yamlcheck schema config` prints the schema of .yamlcheck.yaml",
))
def schema(
    which: Annotated[SchemaName, typer.Argument(
        case_sensitive=False, metavar="NAME", help=f"{_one_of(SchemaName).capitalize()}.")
    ] = SchemaName.valohai,
) -> None:
    """Print the bundled JSON Schema (for yaml-language-server and editors)."""
    from yamlcheck.schema.resources import read_text

    sys.stdout.write(read_text(f"{which.value}.schema.json"))


@app.command(epilog=(
    "**Examples**\n\n* `yamlcheck server` (started by the editor, which talks to it over stdio)"
))
def server() -> None:
    """Run the language server for editors: LSP over stdin/stdout."""
    from importlib.util import find_spec

    if find_spec("pygls") is None or find_spec("lsprotocol") is None:
        print("yamlcheck: the language server needs its extra: pip install 'yamlcheck[lsp]'",
              file=sys.stderr)
        raise typer.Exit(2)
    from yamlcheck.server.app import run

    run()


def main() -> None:
    """Console entry point: internal errors exit 3 with one line (traceback with -v)."""
    try:
        app(prog_name="yamlcheck")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001  (a bug: one line, no traceback unless asked)
        if any(arg == "-v" or arg.startswith("-vv") or arg == "--verbose" for arg in sys.argv):
            import traceback

            traceback.print_exc()
        print(f"yamlcheck: internal error: {type(exc).__name__}: {exc} "
              "(this is a bug; run with -v for the traceback)", file=sys.stderr)
        sys.exit(3)
