#!/usr/bin/env python3
"""``yamlcheck lint --remote`` against a sequential ``skopeo inspect`` loop.

    python bench/remote.py [--images 100] [--runs 3]

Starts a real token-auth registry (Debian's docker-registry) and a token
server on 127.0.0.1, pushes N distinct images (20 repositories), and times:
yamlcheck (cold cache, whole process), yamlcheck (warm cache), yamlcheck once
the tag results have expired (digests still cached: one HEAD per tag), and
skopeo inspecting the same images one after another.  Prints the medians, the
ratio, and the requests per image yamlcheck made (manifest HEAD and GET, blob
GET and HEAD).  Results: bench/results/remote.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from lab import ALICE_PASSWORD, Pki, Pusher, Registry, TokenServer  # noqa: E402


def yamlcheck_bin() -> str:
    candidate = Path(sys.executable).parent / "yamlcheck"
    return str(candidate) if candidate.exists() else "yamlcheck"


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    return time.perf_counter() - started, result.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None,
                        help="yamlcheck's --jobs (default: its own default)")
    args = parser.parse_args(argv)
    if not shutil.which("skopeo"):
        print("skopeo is missing: run scripts/install-system-deps.sh", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="yamlcheck-bench-"))
    pki = Pki(work / "pki")
    tokens = TokenServer(pki.signing_pem, pki.kid)
    tokens.users["alice"] = ALICE_PASSWORD
    tokens.grants["alice"] = ["*"]
    registry = Registry(work / "registry", {"token": {
        "realm": f"{tokens.url}/token", "service": "bench", "issuer": tokens.issuer,
        "rootcertbundle": str(pki.signing_cert)}})
    try:
        push = Pusher(registry, "alice", ALICE_PASSWORD)
        images = []
        for i in range(args.images):
            repo, tag = f"bench/repo{i % 20}", f"v{i // 20}"
            push.image(repo, tag, arch="amd64")
            images.append((repo, tag))
        project = work / "project"
        (project / ".git").mkdir(parents=True)
        (project / "valohai.yaml").write_text("".join(
            f"- step:\n    name: s{i}\n    image: docker.io/{repo}:{tag}\n    command: run\n"
            for i, (repo, tag) in enumerate(images)))
        (project / ".yamlcheck.yaml").write_text(
            "registries:\n  - match: 'docker.io/bench/*'\n    type: docker-hub\n"
            "    username: alice\n    password-env: BENCH_TOKEN\n"
            f"registry-hosts:\n  docker.io:\n    endpoint: {registry.url}\n")
        env = {**os.environ, "BENCH_TOKEN": ALICE_PASSWORD, "NO_COLOR": "1",
               "XDG_CACHE_HOME": str(work / "cache")}
        env.pop("GITHUB_ACTIONS", None)
        lint = [yamlcheck_bin(), "lint", "--remote", "--format", "json",
                *(["--jobs", str(args.jobs)] if args.jobs else []), str(project / "valohai.yaml")]
        skopeo = [["skopeo", "inspect", "--tls-verify=false", "--creds",
                   f"alice:{ALICE_PASSWORD}", f"docker://{registry.host}/{repo}:{tag}"]
                  for repo, tag in images]

        cold, skopeo_times = [], []
        for _ in range(args.runs):
            shutil.rmtree(work / "cache", ignore_errors=True)
            cold.append(timed([*lint, "--no-cache"], env)[0])
            started = time.perf_counter()
            for command in skopeo:
                subprocess.run(command, capture_output=True, env=env, check=True)
            skopeo_times.append(time.perf_counter() - started)
        shutil.rmtree(work / "cache", ignore_errors=True)
        _, cold_log = timed([*lint, "-v"], env)
        warm_runs, aged_runs = [], []
        for _ in range(args.runs):
            warm_runs.append(timed([*lint, "-v"], env))
        for _ in range(args.runs):
            _expire_tags(work / "cache" / "yamlcheck" / "registry-results.json")
            aged_runs.append(timed([*lint, "-v"], env))
        warm, warm_log = statistics.median(t for t, _ in warm_runs), warm_runs[-1][1]
        aged, aged_log = statistics.median(t for t, _ in aged_runs), aged_runs[-1][1]
        n = len(images)
        ratio = statistics.median(cold) / statistics.median(skopeo_times)
        report = "\n".join([
            f"### --remote: {n} distinct images (20 repositories) on a local token registry",
            "",
            "| command | median | ratio |",
            "|---|---|---|",
            f"| yamlcheck lint --remote (cold, whole process) | {statistics.median(cold):.2f} s "
            f"| {ratio:.2f}x |",
            f"| yamlcheck lint --remote (warm cache) | {warm:.2f} s | |",
            f"| yamlcheck lint --remote (tags past their 5 minutes, digests cached) | "
            f"{aged:.2f} s | |",
            f"| skopeo inspect, one image after another | {statistics.median(skopeo_times):.2f} s"
            " | 1.00x |",
            "",
            "Requests per image (the platform is read from the config blob, so the config is",
            "a GET; the smallest layer gets a HEAD), and in all:",
            "",
            "| run | manifest HEAD | manifest GET | blob GET | blob HEAD | per image | tokens "
            "| pings |",
            "|---|---|---|---|---|---|---|---|",
            _row("cold", _counts(cold_log), n),
            _row("warm cache", _counts(warm_log), n),
            _row("tags expired", _counts(aged_log), n),
            "",
        ])
        print(report)
        (HERE / "results").mkdir(exist_ok=True)
        (HERE / "results" / "remote.md").write_text(report)
    finally:
        registry.stop()
        tokens.stop()
    return 0


def _counts(log: str) -> dict[str, int]:
    match = re.search(r"registry requests: (\{.*\})", log)
    if not match:
        return {}
    return {k: int(v) for k, v in re.findall(r"'([\w ]+)': (\d+)", match.group(1))}


def _row(name: str, counts: dict[str, int], n: int) -> str:
    kinds = ("manifest HEAD", "manifest GET", "blob GET", "blob HEAD")
    per_image = [counts.get(kind, 0) / n for kind in kinds]
    registry = sum(counts.get(kind, 0) for kind in (*kinds, "tags"))
    return (f"| {name} | " + " | ".join(f"{v:.2f}" for v in per_image)
            + f" | {registry / n:.2f} | {counts.get('token', 0)} | {counts.get('ping', 0)} |")


def _expire_tags(cache: Path) -> None:
    """Age the tag results (5 minutes) as if the next run came later; digest results
    (a day) stay."""
    data = json.loads(cache.read_text())
    for entry in data["results"].values():
        if entry["expires"] < time.time() + 3600:
            entry["expires"] = time.time() - 1
    cache.write_text(json.dumps(data))


if __name__ == "__main__":
    sys.exit(main())
