"""The 150 real-world files as projects of one git repository, each beside
the files its commands name, all committed: the repository checks must find
nothing to say (no false alarm from how commands, modules, endpoints or
spans are read), and git runs once for all of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from helpers import corpus_dir
from repository_support import git

from yamlcheck.repository.commands import FILE, MODULE, file_references
from yamlcheck.repository.programs import FOLDER
from yamlcheck.runner import LintOptions, Runner


def _scripts(data: object) -> list[str]:
    scripts = []
    for item in data if isinstance(data, list) else []:
        for kind, key in (("step", "command"), ("endpoint", "server-command")):
            body = item.get(kind) if isinstance(item, dict) else None
            command = body.get(key) if isinstance(body, dict) else None
            pieces = [p for p in (command if isinstance(command, list) else [command])
                      if isinstance(p, str)]
            scripts.append("\n".join(pieces))
        pipeline = item.get("pipeline") if isinstance(item, dict) else None
        for node in (pipeline or {}).get("nodes") or [] if isinstance(pipeline, dict) else []:
            override = node.get("override") if isinstance(node, dict) else None
            command = override.get("command") if isinstance(override, dict) else None
            if isinstance(command, str):
                scripts.append(command)
    return scripts


def _wsgi_modules(data: object) -> list[str]:
    found = []
    for item in data if isinstance(data, list) else []:
        body = item.get("endpoint") if isinstance(item, dict) else None
        if isinstance(body, dict) and isinstance(body.get("wsgi"), str):
            found.append(body["wsgi"].partition(":")[0])
    return found


def _files_needed(data: object) -> set[str]:
    """The project files the commands and endpoints of ``data`` name."""
    needed: set[str] = set()
    for script in _scripts(data):
        for reference in file_references(script):
            if reference.kind == FILE:
                needed.add(reference.path)
            elif reference.kind == FOLDER:  # a folder a cd goes to: one file in it
                needed.add(f"{reference.path}/README.md")
            else:  # a module: python -m needs __main__.py, an application __init__.py
                last = "__main__.py" if reference.kind == MODULE else "__init__.py"
                needed.add(f"{reference.path}/{last}")
                parts = reference.path.split("/")
                start = len(reference.folder.split("/")) if reference.folder else 0
                for depth in range(start + 1, len(parts)):
                    needed.add("/".join(parts[:depth]) + "/__init__.py")
    for module in _wsgi_modules(data):
        needed.add(module.replace(".", "/") + ".py")
    return needed


def test_the_corpus_with_its_files_committed_has_no_findings(tmp_path: Path) -> None:
    folder = corpus_dir("real-world")
    root = tmp_path / "corpus"
    root.mkdir()
    needed_total = 0
    for index, path in enumerate(sorted(folder.glob("*.y*ml"))):
        project = root / f"p{index:03d}"
        project.mkdir()
        shutil.copy(path, project / "valohai.yaml")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        for name in _files_needed(data):
            target = project / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"# {name}\n")
            needed_total += 1
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "corpus")
    report = Runner(LintOptions(paths=[str(root)], select=["VH501", "VH502", "VH503",
                                                           "VH504"])).lint()
    assert len(report.results) == 150
    assert needed_total >= 400
    findings = [f"{d.path}:{d.line} {d.code} {d.message}" for d in report.diagnostics]
    assert findings == []
