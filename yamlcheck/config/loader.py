"""Find, read and validate .yamlcheck.yaml (or [tool.yamlcheck] in pyproject.toml).

Discovery: the nearest .yamlcheck.yaml / .yamlcheck.yml / pyproject.toml with
a [tool.yamlcheck] table, from the linted file's folder up to the repository
root (the folder holding .git); in one folder .yamlcheck.yaml wins.  Every
problem in a config file is reported with its own file:line:column and ends
the run with exit status 2.
"""

from __future__ import annotations

import os
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


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    compact = text.replace(" ", "")
    if "tool.yamlcheck" not in compact and "[tool]" not in compact:
        return False  # the usual case: no need to parse the TOML
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return isinstance(data.get("tool"), dict) and "yamlcheck" in data["tool"]


def discover(start: Path) -> Path | None:
    folder = start.resolve()
    while True:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
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


def _to_pos(value: Any, span: Span) -> Any:
    """TOML values as PosMap/PosList, every position at the table header."""
    if isinstance(value, dict):
        result = PosMap(span)
        for key, item in value.items():
            result.put(key, _to_pos(item, span), span, span)
        return result
    if isinstance(value, list):
        items = PosList(span)
        for item in value:
            items.push(_to_pos(item, span), span)
        return items
    return value


def _read(path: Path) -> Any:
    display = os.path.relpath(path) if not path.is_absolute() else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError([f"{display}: cannot read the config file: {exc.strerror}"]) from None
    if path.name == "pyproject.toml":
        import tomllib

        text = data.decode("utf-8", errors="replace")
        try:
            table = tomllib.loads(text)["tool"]["yamlcheck"]
        except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
            raise ConfigError([f"{display}: invalid [tool.yamlcheck]: {exc}"]) from None
        line = next((i for i, t in enumerate(text.split("\n")) if "tool.yamlcheck" in t), 0)
        return _to_pos(table, (line, 0, line, 1, 0, 1))
    loaded = load(display, data)
    if loaded.diagnostics:
        raise ConfigError(_format(loaded.diagnostics))
    return loaded.root


def _without_secrets(root: Any, display: str) -> tuple[Any, list[Diagnostic]]:
    """Report literal secrets, and return the config without those keys."""
    from yamlcheck.schema.findings import InvalidValue

    problems: list[Diagnostic] = []
    registries = root.get("registries") if isinstance(root, PosMap) else None
    if not isinstance(registries, PosList):
        return root, problems
    cleaned = PosList(registries.span)
    for index, entry in enumerate(registries):
        if isinstance(entry, PosMap) and SECRET_KEYS.keys() & entry.keys():
            copy = PosMap(entry.span)
            for key, value in entry.items():
                if key in SECRET_KEYS:
                    problems.append(InvalidValue.at(
                        display, entry.key_span(key),
                        f"registries[{index}]: a literal {key!r} is not allowed in the config "
                        f"file; put the secret in an environment variable and name it with "
                        f"{SECRET_KEYS[key]!r}"))
                else:
                    copy.put(key, value, entry.key_span(key), entry.value_span(key))
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
    return problems


def load_config(path: Path) -> Config:
    root = _read(path)
    display = os.path.relpath(path)
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
    )
    return Config(
        path=str(path),
        registries=tuple(registries),
        registry_hosts=hosts,
        platform=data.get("platform", "linux/amd64"),
        rules=selection,
    )
