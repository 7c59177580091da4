"""The command line (Typer).  Parsing only: the work happens in runner.py and
commands.py, imported when a command runs so that start-up stays fast."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from yamlcheck import __version__

app = typer.Typer(
    name="yamlcheck",
    help="Lint valohai.yaml and check that Valohai can pull every image it names.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=(
        "**Examples**\n\n"
        "* `yamlcheck lint` lints ./valohai.yaml\n"
        "* `yamlcheck lint --remote` also fetches every image's manifest\n"
        "* `yamlcheck explain VH203` documents one rule"
    ),
)

FORMATS = ["text", "concise", "json", "sarif", "github"]


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


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    codes = [part.strip().upper() for part in value.split(",") if part.strip()]
    for code in codes:
        if not ((code.startswith("VH") and code[2:].isdigit()) or code == "VH") or len(code) > 5:
            raise typer.BadParameter(f"{code!r} is not a rule code or prefix such as VH2 or VH203")
    return codes


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value.lower() not in allowed:
        raise typer.BadParameter(f"{value!r} is not a {what}; use one of {', '.join(allowed)}")
    return value.lower()


@app.command(epilog=(
    "**Examples**\n\n"
    "* `yamlcheck lint` lints ./valohai.yaml\n"
    "* `yamlcheck lint . --format sarif --output yamlcheck.sarif`\n"
    "* `yamlcheck lint --fix valohai.yaml` qualifies image names in place\n"
    "* `yamlcheck lint --remote --platform linux/arm64`\n"
    "* `cat valohai.yaml | yamlcheck lint - --stdin-filename valohai.yaml`"
))
def lint(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files or folders; '-' reads stdin. Default: ./valohai.yaml.",
        show_default=False)] = None,
    config: Annotated[str | None, typer.Option(
        help="Config file; default: the nearest .yamlcheck.yaml up to the repository root.")] = None,
    remote: Annotated[bool, typer.Option(
        "--remote", help="Fetch each distinct image's manifest with Valohai's credentials.")] = False,
    platform: Annotated[str | None, typer.Option(
        help="Platform each image must provide (default linux/amd64).", metavar="OS/ARCH")] = None,
    output_format: Annotated[str | None, typer.Option(
        "--format", help="text, concise, json, sarif or github (github when GITHUB_ACTIONS=true).",
        show_default=False)] = None,
    output: Annotated[str | None, typer.Option(
        help="Write the report to this file (atomically) instead of stdout.")] = None,
    select: Annotated[str | None, typer.Option(
        help="Comma list of codes or prefixes to enable (VH2 = all image rules).")] = None,
    ignore: Annotated[str | None, typer.Option(
        help="Comma list of codes or prefixes to disable.")] = None,
    fail_on: Annotated[str, typer.Option(
        help="Exit 1 for findings at or above: error, warning, info or never.")] = "error",
    fix: Annotated[bool, typer.Option(
        "--fix", help="Apply safe fixes in place (image qualification), keeping comments.")] = False,
    pin_digests: Annotated[bool, typer.Option(
        "--pin-digests", help="With --remote --fix: add @sha256:... to each verified image.")] = False,
    jobs: Annotated[int, typer.Option(
        min=1, max=64, help="Registry checks run at once.")] = 8,
    timeout: Annotated[float, typer.Option(
        min=1.0, help="Deadline in seconds for all registry checks.")] = 60.0,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Do not read or write the registry result cache.")] = False,
    color: Annotated[str, typer.Option(
        help="auto, always or never (NO_COLOR is honoured in auto).")] = "auto",
    stdin_filename: Annotated[str | None, typer.Option(
        help="Path to report for '-' (stdin).")] = None,
    verbose: Annotated[int, typer.Option(
        "--verbose", "-v", count=True, help="More detail; with an internal error, the traceback.")
    ] = 0,
) -> None:
    """Lint valohai.yaml files: YAML, schema, cross-references, images and registries."""
    from yamlcheck.runner import LintOptions, run

    if output_format is not None:
        output_format = _choice(output_format, tuple(FORMATS), "format")
    fail_on = _choice(fail_on, ("error", "warning", "info", "never"), "threshold")
    color = _choice(color, ("auto", "always", "never"), "colour mode")
    if platform is not None and platform.lower() not in ("any", "none"):
        from yamlcheck.registries.platforms import PlatformError, parse

        try:
            parse(platform)
        except PlatformError as exc:
            raise typer.BadParameter(str(exc), param_hint="--platform") from None
    if pin_digests and not (remote and fix):
        raise typer.BadParameter("--pin-digests needs --remote and --fix", param_hint="--pin-digests")
    options = LintOptions(
        paths=list(paths or []), config=config, stdin_filename=stdin_filename, remote=remote,
        platform=platform, output_format=output_format, output=output, select=_codes(select),
        ignore=_codes(ignore) or [], fail_on=fail_on, fix=fix, pin_digests=pin_digests,
        jobs=jobs, timeout=timeout, no_cache=no_cache, color=color, verbose=verbose,
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


@app.command(epilog="**Examples**\n\n* `yamlcheck rules`\n* `yamlcheck rules --format json`")
def rules(
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """List every rule: code, name, default severity and summary."""
    from yamlcheck.commands import print_rules

    print_rules(_choice(output_format, ("text", "json"), "format"))


@app.command(epilog="**Examples**\n\n* `yamlcheck explain VH203`\n* `yamlcheck explain vh302`")
def explain(code: Annotated[str, typer.Argument(help="A rule code such as VH203.")]) -> None:
    """Print a rule's documentation, with a bad and a good example."""
    from yamlcheck.commands import print_explanation

    raise typer.Exit(print_explanation(code))


@app.command(epilog=(
    "**Examples**\n\n* `yamlcheck schema > valohai.schema.json`\n"
    "* `yamlcheck schema config` prints the schema of .yamlcheck.yaml"
))
def schema(
    which: Annotated[str, typer.Argument(help="valohai or config.")] = "valohai",
) -> None:
    """Print the bundled JSON Schema (for yaml-language-server and editors)."""
    from yamlcheck.schema.resources import read_text

    name = _choice(which, ("valohai", "config"), "schema")
    sys.stdout.write(read_text(f"{name}.schema.json"))


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
