"""Find, read and validate .yamlcheck.yaml (or [tool.yamlcheck] in pyproject.toml).

Discovery: the nearest .yamlcheck.yaml / .yamlcheck.yml / pyproject.toml with
a [tool.yamlcheck] table, from the linted file's folder up to the repository
root (the folder holding .git); in one folder .yamlcheck.yaml wins.  Every
problem in a config file is reported with its own file:line:column and ends
the run with exit status 2.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from yamlcheck.core.diagnostic import FILE_START, Diagnostic, Severity, Span
from yamlcheck.core.settings import Config, HostSettings, Options, RegistryEntry, RuleSelection
from yamlcheck.document.loader import load
from yamlcheck.document.tree import PosList, PosMap
from yamlcheck.schema.fastcheck import compile_schema
from yamlcheck.schema.resources import definition

CONFIG_NAMES = (".yamlcheck.yaml", ".yamlcheck.yml")
SCHEMA = "config.schema.json"

# Literal secrets and the key that names an environment variable instead.
SECRET_KEYS = {
    "password": "password-env", "token": "password-env", "secret": "password-env",
    "client-secret": "password-env", "access-token": "password-env",
    "access-key-id": "access-key-id-env", "secret-access-key": "secret-access-key-env",
    "session-token": "session-token-env", "service-account-json": "service-account-env",
}


class ConfigError(Exception):
    """The configuration cannot be used; ``lines`` are located messages."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _format(diagnostics: list[Diagnostic]) -> list[str]:
    return [f"{d.path}:{d.line}:{d.column}: {d.message}" for d in
            sorted(diagnostics, key=lambda d: d.sort_key)]


def _tomllib() -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib


def has_tool_table(path: Path) -> bool:
    """Whether a pyproject.toml configures yamlcheck.  One that mentions
    ``tool.yamlcheck`` but is not valid TOML counts, so that its error is
    reported instead of the configuration being skipped."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # counts if it names yamlcheck, so that the error is reported
        return b"yamlcheck" in data.replace(b"\x00", b"")  # UTF-16: every other byte
    compact = text.replace(" ", "")
    if "tool.yamlcheck" not in compact and "[tool]" not in compact:
        return False  # the usual case: no need to parse the TOML
    toml = _tomllib()
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError:
        return "tool.yamlcheck" in compact
    return isinstance(data.get("tool"), dict) and "yamlcheck" in data["tool"]


def discover(start: Path) -> Path | None:
    folder = start.resolve()
    while True:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and has_tool_table(pyproject):
            return pyproject
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


def config_for_folder(folder: str, loaded: dict[Path, Config] | None = None) -> Config:
    """The config that governs files in ``folder``; ``loaded`` caches files
    already read during this run."""
    found = discover(Path(folder))
    if found is None:
        return Config()
    if loaded is None:
        return load_config(found)
    if found not in loaded:
        loaded[found] = load_config(found)
    return loaded[found]


def _to_pos(value: Any, path: tuple[object, ...], positions: Any, span: Span) -> Any:
    """TOML values as PosMap/PosList, each key and value at its own place
    (``positions`` by key path; ``span`` where a place is unknown)."""
    if isinstance(value, dict):
        result = PosMap(span)
        for key, item in value.items():
            key_span, value_span = positions.get((*path, key), (span, span))
            result.put(key, _to_pos(item, (*path, key), positions, value_span), key_span,
                       value_span)
        return result
    if isinstance(value, list):
        items = PosList(span)
        for index, item in enumerate(value):
            item_span = positions.get((*path, index), (span, span))[1]
            items.push(_to_pos(item, (*path, index), positions, item_span), item_span)
        return items
    return value


def _read_pyproject(text: str, display: str) -> Any:
    """The [tool.yamlcheck] table with the place of every key and value."""
    from yamlcheck.config.toml_positions import toml_positions

    toml = _tomllib()
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise ConfigError([_toml_error(str(exc), text, display)]) from None
    tool = data.get("tool")
    if not isinstance(tool, dict) or "yamlcheck" not in tool:
        raise ConfigError([f"{display}: no [tool.yamlcheck] table"])
    positions = toml_positions(text)
    root = ("tool", "yamlcheck")
    key_span, span = positions.get(root, (FILE_START, FILE_START))
    table = tool["yamlcheck"]
    if not isinstance(table, dict):
        raise ConfigError(_format([_invalid(display, key_span, "[tool.yamlcheck] must be a table")]))
    return _to_pos(table, root, positions, span)


def _toml_error(message: str, text: str, display: str) -> str:
    """tomllib's message, located as ``file:line:column:``."""
    where = re.search(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)", message)
    if where is None:
        return f"{display}: invalid TOML: {message}"
    if where.group(1):
        line, column = int(where.group(1)), int(where.group(2))
    else:
        lines = text.split("\n")
        line = len(lines) - 1 if len(lines) > 1 and not lines[-1] else len(lines)
        column = len(lines[line - 1]) + 1
    return f"{display}:{line}:{column}: invalid TOML: {message[:where.start()]}"


def _display(path: Path) -> str:
    """The path relative to the current folder if below it, else as given."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)
    return str(path) if relative.split(os.sep, 1)[0] == os.pardir else relative


def _invalid(display: str, span: Span, message: str) -> Diagnostic:
    from yamlcheck.schema.findings import InvalidValue

    return InvalidValue.at(display, span, message)


def _read(path: Path) -> Any:
    display = _display(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError([f"{display}: cannot read the config file: {exc.strerror}"]) from None
    text = _utf8(data, display)
    if path.name == "pyproject.toml":
        return _read_pyproject(text, display)
    loaded = load(display, data)
    if loaded.diagnostics:
        raise ConfigError(_format(loaded.diagnostics))
    return loaded.root


# What a pasted secret looks like where a variable's name belongs: a name
# that cannot be a variable's, or a token of a well-known format.
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
TOKEN_LIKE = re.compile(r"(?:dckr_(?:pat|oat)_|gh[pousr]_|github_pat_|hf_)[A-Za-z0-9_]{16,}"
                        r"|(?:AKIA|ASIA)[A-Z0-9]{16}")


def _secret_problem(key: str, value: Any) -> str | None:
    """Why the value of ``key`` may be a secret itself (the value is never
    quoted: it may be one)."""
    if not isinstance(key, str):
        return None  # the schema names it
    if key in SECRET_KEYS:
        return (f"a literal {key!r} is not allowed in the config file; put the secret in an "
                f"environment variable and name it with {SECRET_KEYS[key]!r}")
    if key.endswith("-env") and isinstance(value, str):
        if TOKEN_LIKE.fullmatch(value):
            return (f"{key!r} looks like a token itself, not the name of the environment "
                    "variable that holds it (the value is not shown); put the token in a "
                    "variable and name the variable here")
        if not ENV_NAME.fullmatch(value):
            return (f"{key!r} is not an environment variable name (letters, digits and '_'; "
                    "the value is not shown, in case it is the secret itself)")
    return None


def _utf8(data: bytes, display: str) -> str:
    """The text of a config file, which must be UTF-8 (TOML requires it)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
        what = "UTF-16 text" if utf16 else f"not UTF-8 text (byte 0x{data[exc.start]:02x})"
        raise ConfigError([f"{display}:{line}:{column}: the config file is {what}; save it as "
                           "UTF-8"]) from None


def _without_secrets(root: Any, display: str) -> tuple[Any, list[Diagnostic]]:
    """Report literal secrets and secrets pasted where a variable's name
    belongs, and return the config without those values."""
    problems: list[Diagnostic] = []
    registries = root.get("registries") if isinstance(root, PosMap) else None
    if not isinstance(registries, PosList):
        return root, problems
    cleaned = PosList(registries.span)
    for index, entry in enumerate(registries):
        if isinstance(entry, PosMap):
            copy = PosMap(entry.span)
            for key, value in entry.items():
                problem = _secret_problem(key, value)
                if problem is None:
                    copy.put(key, value, entry.key_span(key), entry.value_span(key))
                    continue
                problems.append(_invalid(display, entry.value_span(key) if key.endswith("-env")
                                         else entry.key_span(key),
                                         f"registries[{index}]: {problem}"))
                if key.endswith("-env"):  # kept, harmless, so that it is not also "missing"
                    copy.put(key, "_", entry.key_span(key), entry.value_span(key))
            entry = copy
        cleaned.push(entry, registries.item_span(index))
    result = PosMap(root.span)
    for key, value in root.items():
        result.put(key, cleaned if key == "registries" else value, root.key_span(key),
                   root.value_span(key))
    return result, problems


def validate(root: Any, display: str) -> list[Diagnostic]:
    if root is None:
        return []
    root, problems = _without_secrets(root, display)
    if not compile_schema(definition("#", SCHEMA))(root):
        from jsonschema import Draft202012Validator

        from yamlcheck.schema.explain import Explainer

        validator = Draft202012Validator(definition("#", SCHEMA))
        explainer = Explainer(root, (), "config", FILE_START, display)
        problems.extend(explainer.explain(validator.iter_errors(root)))
    from yamlcheck.config.patterns import registry_problems

    return problems + _unknown_codes(root, display) + registry_problems(root, display)


def _unknown_codes(root: Any, display: str) -> list[Diagnostic]:
    """Codes and prefixes in ``rules`` that name no rule (the schema has
    checked their shape; a value of the wrong shape is left to it)."""
    from yamlcheck.config.codes import code_problem

    rules = root.get("rules") if isinstance(root, PosMap) else None
    if not isinstance(rules, PosMap):
        return []
    found: list[Diagnostic] = []

    def check(where: str, selectors: Any) -> None:
        if not isinstance(selectors, PosList):
            return
        for index, selector in enumerate(selectors):
            if isinstance(selector, str) and re.fullmatch(r"VH[0-9]{0,3}", selector):
                problem = code_problem(selector)
                if problem:
                    found.append(_invalid(display, selectors.item_span(index),
                                          f"{where}[{index}]: {problem}"))

    check("rules.select", rules.get("select"))
    check("rules.ignore", rules.get("ignore"))
    severity = rules.get("severity")
    if isinstance(severity, PosMap):
        for code in severity:
            if isinstance(code, str) and re.fullmatch(r"VH[0-9]{3}", code):
                problem = code_problem(code, full=True)
                if problem:
                    found.append(_invalid(display, severity.key_span(code),
                                          f"rules.severity: {problem}"))
    ignores = rules.get("per-file-ignores")
    if isinstance(ignores, PosMap):
        for glob, codes in ignores.items():
            check(f"rules.per-file-ignores[{glob!r}]", codes)
    return found


def load_config(path: Path) -> Config:
    root = _read(path)
    display = _display(path)
    problems = validate(root, display)
    if problems:
        raise ConfigError(_format(problems))
    return build(root, path)


def build(root: Any, path: Path) -> Config:
    data: dict[str, Any] = root if isinstance(root, dict) else {}
    base = path.parent
    registries = []
    for entry in data.get("registries", []) or []:
        options = Options((k, v) for k, v in entry.items() if k not in ("match", "type"))
        line = entry.span[0] + 1 if isinstance(entry, PosMap) else 0
        registries.append(RegistryEntry(entry["match"], entry["type"], options, line))
    hosts = {}
    for host, settings in (data.get("registry-hosts") or {}).items():
        ca = settings.get("ca-bundle")
        hosts[host] = HostSettings(
            ca_bundle=str((base / ca).resolve()) if ca else None,
            endpoint=settings.get("endpoint"),
            insecure_http=bool(settings.get("insecure-http", False)),
        )
    rules = data.get("rules") or {}
    selection = RuleSelection(
        select=tuple(rules.get("select", ("VH",))),
        ignore=tuple(rules.get("ignore", ())),
        severity={code: Severity.parse(level) for code, level in
                  (rules.get("severity") or {}).items()},
        per_file_ignores=tuple((glob, tuple(codes)) for glob, codes in
                               (rules.get("per-file-ignores") or {}).items()),
        anchor=os.path.realpath(base),  # globs are relative to the config file's folder
    )
    return Config(
        path=str(path),
        registries=tuple(registries),
        registry_hosts=hosts,
        platform=data.get("platform", "linux/amd64"),
        rules=selection,
    )
