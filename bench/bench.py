#!/usr/bin/env python3
"""yamlcheck's offline benchmarks, against the tools people would use instead.

    python bench/bench.py            # full runs (a few minutes)
    python bench/bench.py --short    # fewer repetitions, as CI runs it

1. one typical file: ``yamlcheck lint`` vs ``vh lint`` (valohai-cli), whole
   process, alternating runs, medians and the ratio; the file sits in a git
   repository with the files its commands need, so the repository checks
   (VH5xx, one ``git ls-files``) run as they do for users, and a run with
   ``--no-repo`` shows what they cost;
2. all real-world files in one invocation vs check-jsonschema with
   schemas/valohai.schema.json, and vs valohai-yaml's ``lint_file`` looped in
   one Python process; yamlcheck shares many files among one process per CPU,
   and ``--jobs 1`` shows the run in one process;
3. synthetic 1,000 / 5,000 / 10,000-step files: time and peak memory;
4. start-up: ``yamlcheck --version`` and the modules the offline path imports.

The peers are installed into bench/.venv-peer on first use (pip).  Results
are printed as a Markdown table and written to bench/results/offline.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"
PEER_VENV = HERE / ".venv-peer"
PEERS = ["valohai-cli==0.37.0", "valohai-yaml==0.61.0", "check-jsonschema"]
TYPICAL = ROOT / "examples" / "valohai.yaml"
PROJECT_FILES = ("valohai.yaml", "requirements.txt", "preprocess.py", "train.py", "serve.py")
HEAVY_MODULES = ("boto3", "botocore", "google", "docker", "requests", "jsonschema", "rich",
                 "pydantic")


def peer_bin(name: str) -> str:
    if not (PEER_VENV / "bin" / "python").exists():
        print(f"setting up {PEER_VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "-q", *PEERS], check=True)
    return str(PEER_VENV / "bin" / name)


def yamlcheck_bin() -> str:
    candidate = Path(sys.executable).parent / "yamlcheck"
    return str(candidate) if candidate.exists() else "yamlcheck"


def rule_count() -> int:
    from yamlcheck.engine.catalog import all_rules

    return len(all_rules())


def typical_project(folder: Path) -> Path:
    """The example project (valohai.yaml and the files its commands need) as a
    committed git repository; returns its valohai.yaml."""
    for name in PROJECT_FILES:
        (folder / name).write_bytes((TYPICAL.parent / name).read_bytes())
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "example"]):
        subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)
    return folder / "valohai.yaml"


def timed(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "NO_COLOR": "1"}, check=False)
    return time.perf_counter() - started


def alternate(commands: dict[str, Sequence[str]], runs: int) -> dict[str, float]:
    """Median wall time per command, running them in turn to share any noise."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm the page cache
        timed(command)
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(timed(command))
    return {name: statistics.median(values) for name, values in samples.items()}


def peak_rss_mb(command: Sequence[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one run, measured in a fresh child."""
    probe = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
             "t = time.perf_counter() - t\n"
             "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n")
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def synthetic(steps: int, folder: Path) -> Path:
    """A valohai.yaml with ``steps`` steps and one pipeline chaining the first 50."""
    lines = []
    for i in range(steps):
        lines += [
            "- step:",
            f"    name: step-{i}",
            "    image: docker.io/library/python:3.12",
            f"    command: python run.py {{parameters}} --index {i}",
            "    parameters:",
            "      - {name: epochs, type: integer, default: 3, min: 1}",
            "      - {name: lr, type: float, default: 0.01}",
            "    inputs:",
            "      - name: data",
            "    outputs:",
            "      - name: result.csv",
        ]
    lines += ["- pipeline:", "    name: chain", "    nodes:"]
    lines += [f"      - {{name: n{i}, type: execution, step: step-{i}}}" for i in range(50)]
    lines += ["    edges:"]
    lines += [f"      - [n{i}.output.result.csv, n{i + 1}.input.data]" for i in range(49)]
    path = folder / f"valohai-{steps}.yaml"
    path.write_text("\n".join(lines) + "\n")
    (folder / "run.py").write_text("print('step')\n")  # what the commands run
    return path


def imported_modules(command: Sequence[str]) -> list[str]:
    result = subprocess.run([command[0], "-X", "importtime", *command[1:]], capture_output=True,
                            text=True, check=False)
    names = [line.split("|")[-1].strip() for line in result.stderr.splitlines()
             if line.startswith("import time:") and "|" in line]
    return sorted({n.split(".")[0] for n in names if n.split(".")[0] in HEAVY_MODULES})


def section(title: str, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    out = [f"### {title}", "", "| " + " | ".join(header) + " |",
           "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def run(short: bool) -> str:
    runs = 5 if short else 21
    parts = [f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
             f"{platform.python_version()}; medians of {runs} alternating runs.\n"]
    yc = yamlcheck_bin()

    # 1. one typical file, in a git repository
    with tempfile.TemporaryDirectory() as tmp:
        typical = str(typical_project(Path(tmp)))
        times = alternate({"yamlcheck": [yc, "lint", typical],
                           "no-repo": [yc, "lint", "--no-repo", typical],
                           "vh lint": [peer_bin("vh"), "lint", typical]}, runs)
    peer = times["vh lint"]
    parts.append(section("1. One typical file (examples/valohai.yaml in a git repository), "
                         "whole process", [
        ("yamlcheck lint (repository checks on)", ms(times["yamlcheck"]),
         f"{times['yamlcheck'] / peer:.2f}x"),
        ("yamlcheck lint --no-repo", ms(times["no-repo"]), f"{times['no-repo'] / peer:.2f}x"),
        ("vh lint (valohai-cli 0.37)", ms(peer), "1.00x"),
    ], ("command", "median", "ratio")))

    # 2. the real-world corpus in one invocation
    folder = CORPUS / "real-world"
    if folder.is_dir():
        files = sorted(str(p) for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
        loop = ("import sys\nfrom valohai_yaml.lint import lint_file\n"
                "for f in sys.argv[1:]:\n    try: lint_file(f)\n    except Exception: pass\n")
        times = alternate({
            "yamlcheck": [yc, "lint", "--format", "json", *files],
            "no-repo": [yc, "lint", "--format", "json", "--no-repo", *files],
            "one process": [yc, "lint", "--format", "json", "--jobs", "1", *files],
            "check-jsonschema": [peer_bin("check-jsonschema"), "--schemafile",
                                 str(ROOT / "schemas" / "valohai.schema.json"), *files],
            "valohai-yaml": [peer_bin("python"), "-c", loop, *files],
        }, max(3, runs // 3))
        base = times["yamlcheck"]
        parts.append(section(f"2. {len(files)} real-world files in one invocation", [
            (f"yamlcheck lint (schema, {rule_count()} rules, images, repository)", ms(base),
             "1.00x"),
            ("yamlcheck lint --no-repo", ms(times["no-repo"]),
             f"check-jsonschema x {times['no-repo'] / times['check-jsonschema']:.2f}"),
            ("yamlcheck lint --jobs 1 (one process)", ms(times["one process"]),
             f"check-jsonschema x {times['one process'] / times['check-jsonschema']:.2f}"),
            ("check-jsonschema (schema only)", ms(times["check-jsonschema"]),
             f"yamlcheck = {base / times['check-jsonschema']:.2f}x"),
            ("valohai-yaml lint_file loop", ms(times["valohai-yaml"]),
             f"yamlcheck = {base / times['valohai-yaml']:.2f}x"),
        ], ("command", "median", "ratio")))

    # 3. growth with the number of steps
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        previous = None
        for steps in (1_000, 5_000, 10_000):
            path = synthetic(steps, Path(tmp))
            samples = [peak_rss_mb([yc, "lint", "--format", "json", str(path)])
                       for _ in range(1 if short else 3)]
            seconds = statistics.median(s for s, _ in samples)
            rss = max(r for _, r in samples)
            growth = f"{seconds / previous:.2f}x" if previous else ""
            rows.append((f"{steps:,} steps ({path.stat().st_size / 1e6:.1f} MB)", ms(seconds),
                         f"{rss:.0f} MiB", growth))
            previous = seconds
        parts.append(section("3. Synthetic files", rows,
                             ("file", "time", "peak RSS", "vs previous")))

    # 4. start-up
    version = alternate({"--version": [yc, "--version"]}, runs)["--version"]
    heavy = imported_modules([sys.executable, "-m", "yamlcheck", "lint", str(TYPICAL)])
    parts.append(section("4. Start-up", [
        ("yamlcheck --version", ms(version)),
        ("heavy modules imported by an offline lint", ", ".join(heavy) or "none"),
    ], ("measure", "value")))
    return "\n".join(parts)


def command_line(measure: Callable[[bool], str], name: str, doc: str,
                 argv: list[str] | None = None) -> int:
    """A benchmark's command: ``--short`` or not, the report printed and
    written to bench/results/``name``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="fewer repetitions (CI)")
    args = parser.parse_args(argv)
    report = measure(args.short)
    print(report)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / name).write_text(report)
    return 0


def main(argv: list[str] | None = None) -> int:
    return command_line(run, "offline.md", __doc__ or "", argv)


if __name__ == "__main__":
    sys.exit(main())
