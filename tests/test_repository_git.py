"""The repository checks against real git repositories made here: committed,
staged, untracked, ignored and vhignored files, submodules, nested
repositories, a worktree, a repository without commits, a folder that is not
a repository, git absent from PATH, and how often git runs."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from repository_support import git, make_project

from yamlcheck.core.diagnostic import Diagnostic
from yamlcheck.runner import LintOptions, Runner

STEP = """\
- step:
    name: train
    image: docker.io/library/python:3.12
    command:
{commands}
"""


def yaml_for(*commands: str) -> str:
    return STEP.format(commands="\n".join(f"      - {c}" for c in commands))


def lint(*paths: Path, **options: object) -> list[Diagnostic]:
    report = Runner(LintOptions(paths=[str(p) for p in paths], **options)).lint()  # type: ignore[arg-type]
    return [d for d in report.diagnostics if d.code.startswith("VH5")]


def found(diagnostics: list[Diagnostic]) -> list[tuple[str, str]]:
    """(code, the word the finding points at) for each finding."""
    out = []
    for d in diagnostics:
        line = Path(d.path).read_text().splitlines()[d.line - 1]
        out.append((d.code, line[d.column - 1:d.end_column - 1]))
    return out


def test_committed_files_pass(tmp_path: Path) -> None:
    path = make_project(tmp_path, yaml_for("pip install -r requirements.txt", "python train.py"),
                        [("committed", "requirements.txt"), ("committed", "train.py")])
    assert lint(path) == []


def test_each_state_is_reported_at_its_word(tmp_path: Path) -> None:
    path = make_project(tmp_path, yaml_for("python missing.py", "python new.py", "python added.py",
                                           "python secret.py", "bash big.sh", "python ok.py"),
                        [("untracked", "new.py"), ("staged", "added.py"),
                         ("ignored", "secret.py"), ("vhignored", "big.sh"),
                         ("committed", "ok.py")])
    result = lint(path)
    assert found(result) == [("VH501", "missing.py"), ("VH503", "new.py"), ("VH503", "added.py"),
                             ("VH502", "secret.py"), ("VH502", "big.sh")]
    messages = [d.message for d in result]
    assert "(untracked)" in messages[1] and "(added but not committed)" in messages[2]
    assert "git ignores it" in messages[3] and "'/big.sh' in .vhignore" in messages[4]


def test_a_name_git_lists_in_another_case(tmp_path: Path) -> None:
    path = make_project(tmp_path, yaml_for("python train.py"),
                        [("committed", "Train.py"), ("ignored", "train.py")])
    (result,) = lint(path)
    # as a file system that ignores case sees it: there is a train.py, but git has Train.py
    assert result.code == "VH502" and "git lists it as 'Train.py'" in result.message


def test_vhignore_directory_and_negation_patterns(tmp_path: Path) -> None:
    path = make_project(tmp_path, yaml_for("python tools/a.py", "python tools/keep.py"),
                        [("committed", "tools/a.py"), ("committed", "tools/keep.py")])
    (tmp_path / ".vhignore").write_text("# large things\ntools/\n!tools/keep.py\n")
    result = lint(path)
    # git semantics: a file inside an excluded folder cannot be re-included
    assert found(result) == [("VH502", "tools/a.py"), ("VH502", "tools/keep.py")]
    (tmp_path / ".vhignore").write_text("tools/*\n!tools/keep.py\n")
    assert found(lint(path)) == [("VH502", "tools/a.py")]


def test_paths_starting_with_a_dot_are_not_packaged(tmp_path: Path) -> None:
    path = make_project(tmp_path, yaml_for("python .ci/check.py", "python src/.hidden.py"),
                        [("committed", ".ci/check.py"), ("committed", "src/.hidden.py")])
    result = lint(path)
    assert found(result) == [("VH502", ".ci/check.py")]  # valohai-cli skips top-level dot paths
    assert "start with '.'" in result[0].message


def test_a_repository_without_commits(tmp_path: Path) -> None:
    path = make_project(tmp_path, yaml_for("python train.py"), [("committed", "train.py")],
                        commit=False)
    result = lint(path)
    assert found(result) == [("VH503", "train.py")]
    assert "in a repository without commits" in result[0].message


def test_the_project_folder_is_the_folder_of_valohai_yaml(tmp_path: Path) -> None:
    make_project(tmp_path, "[]\n", [("committed", "service/train.py"),
                                    ("committed", "service/prep.py"), ("committed", "train.py")])
    (tmp_path / ".vhignore").write_text("service/prep.py\n")
    path = tmp_path / "service" / "valohai.yaml"
    path.write_text(yaml_for("python train.py", "python prep.py", "python ../train.py"))
    git(tmp_path, "add", "service/valohai.yaml", ".vhignore")
    git(tmp_path, "commit", "-q", "-m", "service")
    result = lint(path)
    # the repository's .vhignore applies to executions from a commit; an ad-hoc run
    # walks the folder and reads its .vhignore only; ../ leaves the project folder and
    # is not checked
    assert found(result) == [("VH503", "prep.py")]
    assert "is left out of executions from a commit by the repository's .vhignore " \
        "('service/prep.py' in .vhignore): an ad-hoc run packages it" in result[0].message
    (tmp_path / "service" / ".vhignore").write_text("prep.py\n")
    result = lint(path)
    assert found(result) == [("VH502", "prep.py")]
    assert "it matches 'prep.py' in .vhignore" in result[0].message


def test_submodule_files(tmp_path: Path) -> None:
    library = tmp_path / "library"
    make_project(library, "[]\n", [("committed", "lib/tool.py")])
    (library / "lib" / "scratch.py").write_text("# not added\n")
    project = tmp_path / "project"
    path = make_project(project, yaml_for("python vendor/lib/tool.py",
                                          "python vendor/lib/scratch.py",
                                          "python vendor/lib/gone.py"), [])
    git(project, "submodule", "add", "-q", str(library), "vendor")
    git(project, "commit", "-q", "-m", "submodule")
    (project / "vendor" / "lib" / "scratch.py").write_text("# untracked in the submodule\n")
    result = lint(path)
    assert found(result) == [("VH502", "vendor/lib/scratch.py"), ("VH501", "vendor/lib/gone.py")]
    assert "untracked in the submodule 'vendor'" in result[0].message


def test_a_submodule_that_is_not_checked_out(tmp_path: Path) -> None:
    library = tmp_path / "library"
    make_project(library, "[]\n", [("committed", "lib/tool.py")])
    project = tmp_path / "project"
    make_project(project, yaml_for("python vendor/lib/tool.py", "python gone.py"), [])
    git(project, "submodule", "add", "-q", str(library), "vendor")
    git(project, "commit", "-q", "-m", "submodule")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(project), str(clone))  # without --recurse-submodules
    assert not any((clone / "vendor").iterdir())
    # the submodule's files are elsewhere, not missing; the project's own are
    assert found(lint(clone / "valohai.yaml")) == [("VH501", "gone.py")]


def test_a_nested_repository_that_is_not_a_submodule(tmp_path: Path) -> None:
    path = make_project(tmp_path, yaml_for("python tools/run.py"), [])
    make_project(tmp_path / "tools", "[]\n", [("committed", "run.py")])
    result = lint(path)
    assert found(result) == [("VH502", "tools/run.py")]
    assert "a git repository of its own that is not a submodule" in result[0].message


def test_a_worktree(tmp_path: Path) -> None:
    main = tmp_path / "main"
    make_project(main, yaml_for("python train.py", "python extra.py"),
                 [("committed", "train.py")])
    tree = tmp_path / "tree"
    git(main, "worktree", "add", "-q", str(tree), "-b", "feature")
    (tree / "extra.py").write_text("# only in the worktree\n")
    assert (tree / ".git").is_file()
    assert found(lint(tree / "valohai.yaml")) == [("VH503", "extra.py")]
    assert found(lint(main / "valohai.yaml")) == [("VH501", "extra.py")]


def test_a_folder_that_is_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "valohai.yaml").write_text(yaml_for("python train.py", "python cache/gen.py",
                                                    "python conf/.local.py", "python gone.py"))
    for name in ("train.py", "cache/gen.py", "conf/.local.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("# here\n")
    (tmp_path / ".gitignore").write_text("cache/\n")
    result = lint(tmp_path / "valohai.yaml")
    # valohai-cli without git: the folder's .gitignore, and no names starting with '.'
    assert found(result) == [("VH502", "cache/gen.py"), ("VH502", "conf/.local.py"),
                             ("VH501", "gone.py")]
    assert "'cache/' in .gitignore" in result[0].message


def test_git_absent_from_path_falls_back_to_ignore_files(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_project(tmp_path / "p", yaml_for("python train.py", "python new.py",
                                                 "python out/gen.py"),
                        [("committed", "train.py"), ("untracked", "new.py"),
                         ("ignored", "out/gen.py")])
    (tmp_path / "p" / "out" / ".gitignore").write_text("!gen.py\n")  # a deeper rule wins
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    # without git nothing tells committed from uncommitted; the ignore files still apply
    assert found(lint(path)) == []
    (tmp_path / "p" / "out" / ".gitignore").unlink()
    result = lint(path)
    assert found(result) == [("VH502", "out/gen.py")]
    assert "'/out/gen.py' in .gitignore" in result[0].message


def test_variables_of_a_git_hook_do_not_redirect_git(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other"
    make_project(other, "[]\n", [])
    path = make_project(tmp_path / "p", yaml_for("python train.py"), [("committed", "train.py")])
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    assert lint(path) == []


# -- a project folder inside a repository ------------------------------------------
def test_a_project_folder_without_its_own_git_is_walked_by_an_adhoc_run(tmp_path: Path) -> None:
    """valohai-cli asks git only when the project folder holds .git; here it
    walks the folder (dot names and the folder's own .gitignore left out),
    while an execution from a commit has what the repository commits."""
    repo, project = tmp_path / "repo", tmp_path / "repo" / "proj"
    project.mkdir(parents=True)
    git(repo, "init", "-q")
    names = ["train.py", ".hidden.py", ".untracked.py", "rootign.py", "ownign.py", "forced.py"]
    (project / "valohai.yaml").write_text(yaml_for(*(f"python {n}" for n in names)))
    for name in names:
        (project / name).write_text("print()\n")
    (repo / ".gitignore").write_text("proj/rootign.py\n")
    (project / ".gitignore").write_text("ownign.py\nforced.py\n")
    git(repo, "add", ".gitignore", "proj/.gitignore", "proj/valohai.yaml", "proj/train.py",
        "proj/.hidden.py")
    git(repo, "add", "-f", "proj/forced.py")
    git(repo, "commit", "-q", "-m", "project")
    findings = {word: (d.code, d.severity.name.lower(), d.message)
                for d, (_, word) in zip(lint(project / "valohai.yaml"),
                                        found(lint(project / "valohai.yaml")), strict=True)}
    assert "train.py" not in findings
    code, severity, message = findings[".hidden.py"]  # committed, but not walked
    assert (code, severity) == ("VH502", "warning")
    assert "is committed, but an ad-hoc run" in message and "without a .git of its own" in message
    code, severity, message = findings[".untracked.py"]  # neither run has it
    assert (code, severity) == ("VH502", "error") and "not committed" in message
    code, severity, message = findings["rootign.py"]  # walked, but git ignores it
    assert (code, severity) == ("VH503", "warning") and "(git ignores it)" in message
    code, severity, message = findings["ownign.py"]  # the folder's own .gitignore
    assert (code, severity) == ("VH502", "error")
    assert "'ownign.py' in .gitignore (valohai-cli reads only this folder's" in message
    code, severity, _ = findings["forced.py"]  # committed anyway
    assert (code, severity) == ("VH502", "warning")


def test_a_repository_inside_a_walked_project_folder_is_walked_too(tmp_path: Path) -> None:
    """valohai-cli's walk does not stop at another repository's .git: its
    files are sent (no claim about commits, which the outer one does not hold)."""
    repo, project = tmp_path / "repo", tmp_path / "repo" / "proj"
    (project / "lib").mkdir(parents=True)
    git(repo, "init", "-q")
    git(project / "lib", "init", "-q")
    (project / "lib" / "tool.py").write_text("print()\n")
    (project / "lib" / ".hidden.py").write_text("print()\n")
    git(project / "lib", "add", "-A")
    git(project / "lib", "commit", "-q", "-m", "lib")
    (project / "valohai.yaml").write_text(yaml_for("python lib/tool.py", "python lib/.hidden.py"))
    git(repo, "add", "proj/valohai.yaml")
    git(repo, "commit", "-q", "-m", "project")
    result = lint(project / "valohai.yaml")
    assert found(result) == [("VH502", "lib/.hidden.py")]
    assert "without a .git of its own" in result[0].message


# -- how often git runs ---------------------------------------------------------------
@pytest.fixture
def git_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git on PATH that records each call, then runs the real one."""
    real = next(Path(d) / "git" for d in os.environ["PATH"].split(os.pathsep)
                if (Path(d) / "git").is_file())
    shim = tmp_path / "shim"
    shim.mkdir()
    log = tmp_path / "git.log"
    (shim / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (shim / "git").chmod(stat.S_IRWXU)
    log.write_text("")
    monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")
    return log


def test_150_files_in_one_repository_ask_git_once(tmp_path: Path, git_log: Path) -> None:
    entries = [("committed", f"svc{i}/train.py") for i in range(150)]
    project = tmp_path / "big"
    make_project(project, "[]\n", entries)
    for i in range(150):
        (project / f"svc{i}" / "valohai.yaml").write_text(yaml_for("python train.py"))
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "services")
    git_log.write_text("")
    assert lint(project) == []
    calls = git_log.read_text().splitlines()
    assert len([c for c in calls if c.startswith("ls-files")]) == 1
    assert len(calls) == 2, calls  # and one diff-index for what HEAD lacks


def test_no_git_when_there_is_nothing_to_ask(tmp_path: Path, git_log: Path) -> None:
    path = make_project(tmp_path / "p", yaml_for("pip install numpy", "python -c 'import x'",
                                                 "python /opt/run.py"), [])
    git_log.write_text("")
    assert lint(path) == []
    (tmp_path / "p" / "valohai.yaml").write_text(yaml_for("python missing.py"))
    assert found(lint(path)) == [("VH501", "missing.py")]  # a missing file needs no git
    assert git_log.read_text() == ""


def test_in_a_pre_commit_hook_the_staged_files_are_the_commit(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    """pre-commit sets PRE_COMMIT=1: a file staged with the valohai.yaml that
    runs it is part of the commit being made, so no VH503; an untracked one is not."""
    path = make_project(tmp_path, yaml_for("python added.py", "python new.py"),
                        [("staged", "added.py"), ("untracked", "new.py")], commit=False)
    assert found(lint(path)) == [("VH503", "added.py"), ("VH503", "new.py")]
    monkeypatch.setenv("PRE_COMMIT", "1")
    assert found(lint(path)) == [("VH503", "new.py")]
