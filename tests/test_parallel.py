"""Many files shared out among worker processes: the same report as one process."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from repository_support import git

from yamlcheck.engine.parallel import MIN_FILES_PER_WORKER, group_indices, shares

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"

# The command line, with every os.fork counted (printed to stderr at exit:
# a forked child leaves with os._exit and prints nothing).
COUNTING_CLI = textwrap.dedent("""
    import atexit, os, sys
    forks = []
    real_fork = os.fork
    def fork():
        forks.append(1)
        return real_fork()
    os.fork = fork
    atexit.register(lambda: print(f"forks={len(forks)}", file=sys.stderr))
    from yamlcheck.cli import main
    sys.argv = ["yamlcheck", *sys.argv[1:]]
    main()
""")


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _run(folder: Path, *args: str, path: str | None = None) -> tuple[int, str, int]:
    """(exit status, stdout, forks) of a lint of every file in ``folder``."""
    files = sorted(str(p) for p in folder.rglob("*.yaml"))
    env = {**os.environ, "NO_COLOR": "1", **({"PATH": path} if path else {})}
    proc = subprocess.run([sys.executable, "-c", COUNTING_CLI, "lint", *args, *files],
                          check=False, capture_output=True, text=True, cwd=folder, timeout=120,
                          env=env)
    forks = [line for line in proc.stderr.splitlines() if line.startswith("forks=")]
    assert forks, proc.stderr
    return proc.returncode, proc.stdout, int(forks[-1].removeprefix("forks="))


@pytest.fixture(scope="module")
def many_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every golden fixture (valid and invalid files, every rule) in one folder."""
    folder = tmp_path_factory.mktemp("many")
    for source in sorted(GOLDEN.rglob("*.yaml")):
        target = folder / source.parent.name / source.name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(source.read_bytes())
    return folder


@pytest.mark.parametrize("fmt", ["json", "text", "sarif"])
def test_shared_run_reports_exactly_what_one_process_reports(many_files: Path, fmt: str) -> None:
    files = len(list(many_files.rglob("*.yaml")))
    assert files >= 4 * MIN_FILES_PER_WORKER
    status, out, forks = _run(many_files, "--format", fmt)
    alone_status, alone, alone_forks = _run(many_files, "--format", fmt, "--jobs", "1")
    assert alone_forks == 0
    # with more than one CPU the files are shared out; with one they are not
    assert forks == (min(_cpus(), 16, files // MIN_FILES_PER_WORKER) - 1 if _cpus() > 1 else 0)
    assert (status, out) == (alone_status, alone)
    assert status == 1 and out


STEP = ("- step:\n    name: s\n    image: docker.io/library/python:3.12\n"
        "    command: python {script}\n")


def test_git_runs_once_per_repository_whichever_process_checks_it(tmp_path: Path) -> None:
    """Two repositories of 20 files each and 20 files outside any: each
    repository's files stay in one process, and git lists each once."""
    for name in ("one", "two"):
        repo = tmp_path / name
        for i in range(20):
            (repo / f"svc{i}").mkdir(parents=True)
            (repo / f"svc{i}" / "valohai.yaml").write_text(STEP.format(script="train.py"))
            (repo / f"svc{i}" / "train.py").write_text("print()\n")
        (repo / "svc3" / "train.py").unlink()  # one VH501 per repository
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "services")
    for i in range(20):
        (tmp_path / "loose" / f"p{i}").mkdir(parents=True)
        (tmp_path / "loose" / f"p{i}" / "valohai.yaml").write_text(STEP.format(script="x.py"))
    real = next(Path(d) / "git" for d in os.environ["PATH"].split(os.pathsep)
                if (Path(d) / "git").is_file())
    shim, log = tmp_path / "shim", tmp_path / "git.log"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\necho "$PWD $*" >> "{log}"\nexec "{real}" "$@"\n')
    (shim / "git").chmod(0o755)
    path = f"{shim}{os.pathsep}{os.environ['PATH']}"

    status, out, forks = _run(tmp_path, "--format", "concise", path=path)
    listings = sorted(line.split()[0] for line in log.read_text().splitlines()
                      if " ls-files " in line)
    assert listings == [str(tmp_path / "one"), str(tmp_path / "two")]
    assert forks == (1 if _cpus() > 1 else 0)
    assert out.count("VH501") == 22
    log.write_text("")
    assert (status, out) == _run(tmp_path, "--format", "concise", "--jobs", "1", path=path)[:2]


def test_a_process_that_ignores_sigchld_lints_in_one_process(many_files: Path) -> None:
    """Children could not be waited for: no worker, the same report."""
    import signal

    files = sorted(str(p) for p in many_files.rglob("*.yaml"))
    proc = subprocess.run([sys.executable, "-c", COUNTING_CLI, "lint", "--format", "json",
                           *files], check=False, capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: signal.signal(signal.SIGCHLD, signal.SIG_IGN))
    assert "forks=0" in proc.stderr and "internal error" not in proc.stderr
    assert (proc.returncode, proc.stdout) == _run(many_files, "--format", "json", "--jobs",
                                                  "1")[:2]


@pytest.mark.parametrize("closed", [1, 2])
def test_closed_standard_streams_do_not_stop_the_workers(many_files: Path, tmp_path: Path,
                                                         closed: int) -> None:
    report = tmp_path / "report.json"
    files = sorted(str(p) for p in many_files.rglob("*.yaml"))
    proc = subprocess.run([sys.executable, "-m", "yamlcheck", "lint", "--format", "json",
                           "--output", str(report), *files], check=False, timeout=120,
                          capture_output=True, preexec_fn=lambda: os.close(closed))
    assert proc.returncode == 1, proc.stderr
    alone = _run(many_files, "--format", "json", "--jobs", "1")[1]
    assert report.read_text() == alone


def test_no_worker_for_a_few_files(many_files: Path) -> None:
    folder = many_files / "VH203"
    assert _run(folder, "--format", "json")[2] == 0


def test_fix_and_remote_runs_stay_in_one_process(many_files: Path, tmp_path: Path) -> None:
    for index, source in enumerate(sorted(many_files.rglob("*.yaml"))[:40]):
        (tmp_path / f"{index}.yaml").write_bytes(source.read_bytes())
    assert _run(tmp_path, "--fix", "--format", "json")[2] == 0


@pytest.mark.parametrize("failure", [
    "raise RuntimeError('worker bug')",   # an exception in the child
    "os._exit(0)",                        # a child that ends without an answer
    "os.kill(os.getpid(), 9)",            # killed
])
def test_a_failing_worker_costs_only_time(failure: str) -> None:
    script = textwrap.dedent(f"""
        import os
        from yamlcheck.engine.parallel import lint_shared
        from yamlcheck.engine.result import FileResult
        parent = os.getpid()
        def lint(share):
            if os.getpid() != parent:
                {failure}
            return [FileResult(str(n), None) for n in share]
        got = lint_shared(list(range(50)), [1] * 50, [[n] for n in range(50)], 3, lint)
        assert [r.path for r in got] == [str(n) for n in range(50)], got
        print("ok")
    """)
    proc = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True,
                          text=True, timeout=60)
    assert proc.stdout.strip() == "ok", proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("sizes", "count"), [
    ([1] * 10, 3), ([100, 1, 1, 1, 1], 2), ([5], 4), ([0, 0, 0, 0], 2), ([3, 1, 4, 1, 5, 9], 6),
])
def test_shares_are_contiguous_and_cover_every_file(sizes: list[int], count: int) -> None:
    ranges = shares(sizes, count)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(sizes)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    assert all(start < end for start, end in ranges)
    assert len(ranges) <= count


def test_groups_keep_equal_keys_together_in_first_seen_order() -> None:
    assert group_indices(["a", None, "b", "a", None, "b", "a"]) == [[0, 3, 6], [1], [2, 5], [4]]
    assert group_indices([]) == []


def test_shares_balance_the_bytes() -> None:
    ranges = shares([10] * 100, 4)
    assert [end - start for start, end in ranges] == [25, 25, 25, 25]
