"""The bundled schema in a real editor's language server: yaml-language-server.

yaml-language-server (pinned in tests/yaml-language-server/package.json) is
installed with npm into a cache folder and driven over stdio as an editor
would: initialize, the `yaml.schemas` and `yaml.yamlVersion: "1.1"` settings,
didOpen, publishDiagnostics and hover.  It validates with a pre-2020-12
validator, so these tests catch schema constructs it reads differently from
jsonschema (prefixItems, oneOf messages, descriptions it cannot find).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import CORPUS, corpus_dir, lint_text
from lsp_client import LspClient

from yamlcheck.document.loader import load
from yamlcheck.document.tree import PosList, PosMap
from yamlcheck.schema.resources import read_text

PACKAGE = Path(__file__).parent / "yaml-language-server"
BASELINE = Path(__file__).parent / "fixtures" / "valohai.schema.baseline.json"


NO_NODE = "node and npm run yaml-language-server (Debian: apt-get install nodejs npm)"


def _install() -> Path:
    """The server's entry point, installed with `npm ci` once per lock file."""
    files = [PACKAGE / "package.json", PACKAGE / "package-lock.json"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]
    cache = Path(os.environ.get("YAMLCHECK_TEST_CACHE") or Path.home() / ".cache" / "yamlcheck-tests")
    target = cache / f"yaml-language-server-{digest}"
    server = target / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    if server.is_file():
        return server
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(NO_NODE)
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=cache))
    for file in files:
        shutil.copy(file, staging)
    result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=staging,
                            capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        pytest.skip(f"npm could not install yaml-language-server: {' '.join(tail)}")
    try:
        staging.rename(target)
    except OSError:  # another run installed the same lock file meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return server


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("editor")
    (folder / "valohai.schema.json").write_text(read_text(), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def server(workspace: Path) -> Iterator[LspClient]:
    node = shutil.which("node")
    if node is None:
        pytest.skip(NO_NODE)
    entry = _install()
    settings = {"yaml": {
        "schemas": {
            (workspace / "valohai.schema.json").as_uri(): ["valohai.yaml", "valohai.yml"],
            BASELINE.as_uri(): ["baseline.yml"],
        },
        "yamlVersion": "1.1", "validate": True, "hover": True, "completion": True,
        "schemaStore": {"enable": False},
    }}
    with LspClient([node, str(entry), "--stdio"], settings, cwd=workspace) as client:
        client.initialize(workspace)
        # Wait until the settings are in force: a broken file gets its schema errors.
        probe = _open(client, workspace / "settled" / "valohai.yaml", "- step: {name: x}\n")
        client.diagnostics(probe, until=bool)
        yield client


def _open(client: LspClient, path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return client.open(path, text)


def _accepted_files() -> list[Path]:
    """Corpus files valohai-yaml accepts and yamlcheck finds no YAML or schema error in."""
    corpus_dir("real-world")
    files = [path for folder in ("examples", "valid_examples", "warning_examples")
             for path in sorted((CORPUS / "peer-examples" / folder).glob("*.yaml"))]
    files += sorted((CORPUS / "real-world").glob("*.y*ml"))
    return [path for path in files
            if not any(d.code[:3] in ("VH0", "VH1")
                       for d in lint_text(path.read_text(encoding="utf-8"), path=path.name))]


def _shown(diagnostics: list[dict[str, Any]], text: str) -> list[tuple[int, str, str]]:
    """(1-based line, the text the range covers on that line, message) of each diagnostic."""
    lines = text.splitlines()
    shown = []
    for diagnostic in diagnostics:
        start, end = diagnostic["range"]["start"], diagnostic["range"]["end"]
        line = lines[start["line"]]
        stop = end["character"] if end["line"] == start["line"] else len(line)
        shown.append((start["line"] + 1, line[start["character"]:stop], diagnostic["message"]))
    return shown


def test_no_errors_on_any_file_valohai_yaml_accepts(server: LspClient, workspace: Path) -> None:
    files = _accepted_files()
    assert len(files) > 150
    uris = {path.name: _open(server, workspace / "accepted" / str(number) / "valohai.yaml",
                             path.read_text(encoding="utf-8"))
            for number, path in enumerate(files)}
    found = {name: [d["message"] for d in server.diagnostics(uri)] for name, uri in uris.items()}
    assert {name: messages for name, messages in found.items() if messages} == {}


STEP = '- step: {name: train, image: "docker.io/library/python:3.12", command: python train.py}\n'
EDGES = STEP + """- pipeline:
    name: flow
    nodes:
      - {name: a, type: execution, step: train}
      - {name: b, type: execution, step: train}
    edges:
      - [a.output.model.pkl, b.input.model]
"""


def test_list_edges_were_false_errors_under_the_baseline(server: LspClient, workspace: Path) -> None:
    uri = _open(server, workspace / "edges" / "baseline.yml", EDGES)
    shown = _shown(server.diagnostics(uri), EDGES)
    assert shown and {(line, message) for line, _, message in shown} == {
        (8, "Matches a schema that is not allowed.")}  # prefixItems unread, items: false for all
    uri = _open(server, workspace / "edges" / "valohai.yaml", EDGES)
    assert server.diagnostics(uri) == []


BROKEN = {  # name -> (text, the line, the text the range covers, words of the message)
    "endpoint with server-command and wsgi": ("""- endpoint:
    name: predict
    image: docker.io/library/python:3.12
    server-command: python serve.py
    wsgi: serve:app
""", 5, "wsgi", "server-command or wsgi, not both"),
    "task node with step and task": (STEP + """- pipeline:
    name: flow
    nodes:
      - name: sweep
        type: task
        step: train
        task: sweep
    edges: []
""", 8, "task", "step or task, not both"),
    "misspelt key": ("""- step:
    name: train
    image: docker.io/library/python:3.12
    command: python train.py
    time_limit: 1h
""", 5, "time_limit", "Property time_limit is not allowed."),
    "unknown key in a node": (STEP + """- pipeline:
    name: flow
    nodes:
      - name: a
        type: execution
        step: train
        on-eror: continue
    edges: []
""", 8, "on-eror", "Property on-eror is not allowed."),
    "endpoint name": ("""- endpoint:
    name: Predict_Endpoint
    image: docker.io/library/python:3.12
    wsgi: serve:app
""", 2, "Predict_Endpoint", "a letter first, then letters, digits and dashes"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_files_are_reported_at_the_offending_key(server: LspClient, workspace: Path,
                                                        case: str) -> None:
    text, line, covered, words = BROKEN[case]
    uri = _open(server, workspace / "broken" / case.replace(" ", "-") / "valohai.yaml", text)
    shown = _shown(server.diagnostics(uri), text)
    assert len(shown) == 1 and shown[0][:2] == (line, covered) and words in shown[0][2], shown
    # yamlcheck points at the same place.
    ours = [(d.line, d.column) for d in lint_text(text) if d.code.startswith("VH1")]
    column = text.splitlines()[line - 1].index(covered) + 1
    assert ours == [(line, column)]


def _describe(schema: dict[str, Any], *path: str) -> str:
    node = schema["$defs"]
    for step in path:
        node = node[step]
    return str(node.get("markdownDescription") or node["description"])


def _plain(markdown: str) -> str:
    """Hover text without the backslashes Markdown escaping adds."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~])", r"\1", markdown)


HOVERED = STEP.replace("command: python train.py}", "command: python train.py, time-limit: 1h}") + """\
- endpoint:
    name: predict
    image: docker.io/library/python:3.12
    wsgi: serve:app
- pipeline:
    name: flow
    nodes:
      - name: sweep
        type: task
        step: train
        on-error: continue
    edges:
      - source: sweep.output.model
        target: sweep.input.model
"""


@pytest.mark.parametrize(("needle", "path"), [
    ("time-limit", ("step", "properties", "time-limit")),
    ("wsgi", ("endpoint", "properties", "wsgi")),
    ("on-error", ("task-node", "properties", "on-error")),
    ("step: train\n", ("task-node", "properties", "step")),
    ("source", ("edge", "properties", "source")),
    ("nodes", ("pipeline", "properties", "nodes")),
    ("endpoint", ("item", "properties", "endpoint")),
])
def test_hover_on_a_key_shows_its_description(server: LspClient, workspace: Path, needle: str,
                                              path: tuple[str, ...]) -> None:
    uri = _open(server, workspace / "hover" / "valohai.yaml", HOVERED)
    server.diagnostics(uri)
    before = HOVERED[:HOVERED.index(needle)]
    line, character = before.count("\n"), len(before.rpartition("\n")[2]) + 1
    hover = server.hover(uri, line, character)
    expected = _describe(json.loads(read_text()), *path)
    assert hover and expected.split("\n")[0] in _plain(hover["contents"]["value"]), hover


# Mappings whose keys are free-form: the schema says nothing about them.
FREE_FORM = ("settings", "options", "configuration", "parameter-sets", "default")


def _keys(node: Any) -> Iterator[tuple[int, int]]:
    """The 0-based (line, character) of every key the schema describes in a loaded document."""
    if isinstance(node, PosMap):
        for key, value in node.items():
            span = node.key_span(key)
            yield span[0], span[1]
            if key not in FREE_FORM:
                yield from _keys(value)
    elif isinstance(node, PosList):
        for value in node:
            yield from _keys(value)


def test_hover_has_a_description_for_every_key_of_the_examples(server: LspClient,
                                                               workspace: Path) -> None:
    folder = corpus_dir("peer-examples")
    descriptions = {_plain(text) for text in _all_descriptions(json.loads(read_text()))}
    missing = []
    for number, path in enumerate(sorted((folder / "examples").glob("*.yaml"))):
        text = path.read_text(encoding="utf-8")
        uri = _open(server, workspace / "examples" / str(number) / "valohai.yaml", text)
        server.diagnostics(uri)
        for line, character in _keys(load(path.name, text.encode()).root):
            hover = server.hover(uri, line, character)
            shown = _plain(hover["contents"]["value"]) if hover else ""
            if not any(description in shown for description in descriptions):
                missing.append(f"{path.name}:{line + 1}:{character + 1}")
    assert missing == [], missing


def _all_descriptions(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key in ("description", "markdownDescription"):
            if isinstance(node.get(key), str):
                yield node[key].split("\n")[0]
        for value in node.values():
            yield from _all_descriptions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _all_descriptions(value)
