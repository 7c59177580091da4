#!/usr/bin/env python3
"""``yamlcheck lint --remote`` against a sequential ``skopeo inspect`` loop.

    python bench/remote.py [--images 100] [--runs 3]

Starts a real token-auth registry (Debian's docker-registry) and a token
server on 127.0.0.1, pushes N distinct images (20 repositories), and times:
yamlcheck (cold cache, whole process), yamlcheck (warm cache), and skopeo
inspecting the same images one after another.  Prints the medians, the ratio,
and the requests per image yamlcheck made.  Results: bench/results/remote.md.
"""

from __future__ import annotations

import argparse
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
                str(project / "valohai.yaml")]
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
        warm, warm_log = timed([*lint, "-v"], env)
        counts = _counts(cold_log)
        warm_counts = _counts(warm_log)
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
            f"| skopeo inspect, one image after another | {statistics.median(skopeo_times):.2f} s"
            " | 1.00x |",
            "",
            f"Requests, cold: {counts.get('HEAD', 0) / n:.2f} HEAD per image, "
            f"{counts.get('GET', 0) / n:.2f} GET per image (platform check), "
            f"{counts.get('token', 0)} tokens for 20 repositories, {counts.get('ping', 0)} ping. "
            f"Warm cache: {sum(warm_counts.values())} requests.",
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
    return {k: int(v) for k, v in re.findall(r"'(\w+)': (\d+)", match.group(1))}


if __name__ == "__main__":
    sys.exit(main())
