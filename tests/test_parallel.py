"""Many files shared out among worker processes: the same report as one process."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from yamlcheck.engine.parallel import MIN_FILES_PER_WORKER, shares

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


def _run(folder: Path, *args: str) -> tuple[int, str, int]:
    """(exit status, stdout, forks) of a lint of every file in ``folder``."""
    files = sorted(str(p) for p in folder.rglob("*.yaml"))
    proc = subprocess.run([sys.executable, "-c", COUNTING_CLI, "lint", *args, *files],
                          check=False, capture_output=True, text=True, cwd=folder, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})
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
        got = lint_shared(list(range(50)), [1] * 50, 3, lint)
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


def test_shares_balance_the_bytes() -> None:
    ranges = shares([10] * 100, 4)
    assert [end - start for start, end in ranges] == [25, 25, 25, 25]
