"""--timeout bounds the whole run: dripping servers, silent cloud APIs, a
credential helper that never answers; and a manifest stream that never ends
keeps memory flat."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lab import Lab, SilentServer, rsa_private_pem
from lab.registry import make_image
from lab.scripted import Answer, Scripted
from remote_support import findings, project, remote, steps

ECR_HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
GAR_HOST = "europe-west1-docker.pkg.dev"


def test_dripping_headers_and_bodies_end_at_the_deadline(tmp_path: Path) -> None:
    server = Scripted()
    try:
        manifest, blobs = make_image("amd64")
        digest = server.serve_image("slow/body", "1.0", manifest, blobs)
        server.answer(r"^/v2/slow/headers/manifests/", Answer(200, {"X": "y" * 200},
                                                              drip_headers=0.2))
        # the HEAD answers at once; the body of the GET drips
        server.routes.insert(0, ("GET", re.compile(r"^/v2/slow/body/manifests/"),
                                 Answer(200, {"Content-Type": "application/json"},
                                        manifest, drip_body=0.2)))
        path = project(tmp_path, steps(f"{server.host}/slow/headers:1.0",
                                       f"{server.host}/slow/body:1.0"))
        started = time.monotonic()
        status, report, _ = remote(path, "--timeout", "2")
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    assert elapsed < 4, elapsed  # a byte every 0.2 s never trips a per-read timeout
    (headers, body) = findings(report)
    assert status == 1
    assert headers[1] == "VH315" and "--timeout (2 s) ran out while waiting for " \
        f"{server.host} (the manifest)" in headers[2]
    assert body[1] == "VH315" and "ran out while waiting for" in body[2]
    assert report["images"][1]["remote"]["status"] == "unreachable"
    assert digest not in body[2]  # nothing was read to the end


def _helper(folder: Path, name: str, script: str) -> None:
    folder.mkdir(exist_ok=True)
    program = folder / f"docker-credential-{name}"
    program.write_text("#!/bin/sh\n" + script)
    program.chmod(0o755)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_credential_sources_end_at_the_deadline(lab: Lab, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper waiting forever (on a keychain prompt, say) is killed with its process
    group; a silent ECR API and a silent Google token endpoint are given up."""
    bin_dir, pids = tmp_path / "bin", tmp_path / "pids"
    pids.mkdir()
    _helper(bin_dir, "slow", f'echo $$ > {pids}/helper\nsleep 300 &\necho $! > {pids}/child\n'
            "wait\n")
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    docker = tmp_path / "docker"
    docker.mkdir()
    (docker / "config.json").write_text(json.dumps({"credsStore": "slow"}))
    monkeypatch.setenv("DOCKER_CONFIG", str(docker))
    silent = SilentServer()
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", f"http://{silent.host}")
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_EC2_METADATA_DISABLED", "true")):
        monkeypatch.setenv(name, value)
    (tmp_path / "sa.json").write_text(json.dumps({
        "type": "service_account", "project_id": "p", "private_key_id": "k",
        "private_key": rsa_private_pem(), "client_email": "ci@p.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": f"http://{silent.host}/token"}))
    host = lab.basic.host
    config = (f'registries:\n  - match: "{host}/*"\n    type: basic\n    docker-config: true\n'
              f'  - match: "{ECR_HOST}/*"\n    type: aws-ecr\n'
              f'  - match: "{GAR_HOST}/*"\n    type: gcp\n    service-account-file: sa.json\n'
              f"registry-hosts:\n  {ECR_HOST}: {{endpoint: '{lab.basic.url}'}}\n"
              f"  {GAR_HOST}: {{endpoint: '{lab.token.url}'}}\n")
    path = project(tmp_path, steps(f"{host}/team/app:1.0", f"{ECR_HOST}/team/app:1.0",
                                   f"{GAR_HOST}/acme/app:1.0"), config)
    try:
        started = time.monotonic()
        status, report, _ = remote(path, "--timeout", "2")
        elapsed = time.monotonic() - started
    finally:
        silent.stop()
    assert elapsed < 4, elapsed
    helper, ecr, google = findings(report)
    assert status == 1
    assert helper[1] == "VH317" and "docker-credential-slow did not answer before --timeout " \
        "(2 s) ran out; it was stopped with its process group" in helper[2]
    assert ecr[1] == "VH315" and "ran out while waiting for the ECR API" in ecr[2]
    assert google[1] == "VH315" and "ran out while waiting for Google's token endpoint " \
        f"{silent.host}" in google[2]
    helper_pid, child_pid = (int((pids / name).read_text()) for name in ("helper", "child"))
    deadline = time.monotonic() + 2
    while (_running(helper_pid) or _running(child_pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(helper_pid) and not _running(child_pid)  # no orphan left


@pytest.mark.parametrize(("script", "expected"), [
    ("echo 'not json at all'\n", "docker-credential-odd printed something that is not a JSON "
                                 "object"),
    ("exit 0\n", "docker-credential-odd printed nothing"),
    ("echo '[1, 2]'\n", "printed something that is not a JSON object"),
    ("echo 'boom' >&2\nexit 3\n", "docker-credential-odd failed (exit status 3)"),
])
def test_a_misbehaving_credential_helper_is_a_finding(lab: Lab, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      script: str, expected: str) -> None:
    _helper(tmp_path / "bin", "odd", "cat > /dev/null\n" + script)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "config.json").write_text(json.dumps({"credsStore": "odd"}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    host = lab.basic.host
    config = f'registries:\n  - match: "{host}/*"\n    type: basic\n    docker-config: true\n'
    path = project(tmp_path, steps(f"{host}/team/app:1.0", f"{lab.token.host}/public/tool:1.0"),
                   config)
    status, report, err = remote(path)
    ((_, code, message),) = findings(report)
    assert (status, code) == (1, "VH317") and expected in message
    assert report["images"][1]["remote"]["status"] == "ok"  # the healthy image is reported
    assert "Traceback" not in err and "boom" not in message


def test_a_helper_answering_not_found_falls_back_to_auths(lab: Lab, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    from lab import ALICE_PASSWORD

    _helper(tmp_path / "bin", "empty", "cat > /dev/null\necho 'credentials not found in "
            "native keychain'\nexit 1\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    host = lab.basic.host
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "config.json").write_text(json.dumps({
        "credsStore": "empty",
        "auths": {host: {"auth": base64.b64encode(f"alice:{ALICE_PASSWORD}".encode()).decode()}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    config = f'registries:\n  - match: "{host}/*"\n    type: basic\n    docker-config: true\n'
    status, report, _ = remote(project(tmp_path, steps(f"{host}/team/app:1.0"), config))
    assert status == 0, report["diagnostics"]


def test_a_huge_manifest_stream_keeps_memory_flat(tmp_path: Path) -> None:
    """Hundreds of MB offered: the read stops at the cap, and the peak RSS of the
    whole yamlcheck process stays small."""
    server = Scripted()
    try:
        manifest, blobs = make_image("amd64")
        server.serve_image("big/app", "1.0", manifest, blobs)
        server.routes.insert(0, ("GET", re.compile(r"^/v2/big/app/manifests/"),
                                 Answer(200, {"Content-Type": "application/json"},
                                        stream=800 * 1024 * 1024)))
        path = project(tmp_path, steps(f"{server.host}/big/app:1.0"))
        measure = ("import resource, subprocess, sys\n"
                   "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
                   "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
                   "print(done.stdout)\n")
        env = {**os.environ, "NO_COLOR": "1"}
        result = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m",
                                 "yamlcheck", "lint", "--remote", "--format", "json",
                                 str(path)], capture_output=True, text=True, env=env,
                                timeout=60, check=True)
    finally:
        server.stop()
    peak_kib, report_text = result.stdout.split("\n", 1)
    report = json.loads(report_text)
    ((_, code, message),) = findings(report)
    assert code == "VH315" and "larger than 4096 KiB; refused" in message
    assert int(peak_kib) < 100 * 1024, f"peak RSS {int(peak_kib) // 1024} MiB"


def test_fix_with_pinned_digests_checks_twice_within_one_deadline(lab: Lab,
                                                                  tmp_path: Path) -> None:
    """The pin of the healthy image makes a second pass; the silent registry must
    not get a second --timeout."""
    silent = SilentServer()
    try:
        path = project(tmp_path, steps(f"{lab.token.host}/public/tool:1.0",
                                       f"{silent.host}/team/app:1.0"))
        started = time.monotonic()
        status, report, _ = remote(path, "--timeout", "2", "--fix", "--pin-digests")
        elapsed = time.monotonic() - started
    finally:
        silent.stop()
    assert f"public/tool:1.0@{lab.digests['token/public/tool:1.0']}" in path.read_text()
    ((_, code, message),) = findings(report)
    assert status == 1 and code == "VH315" and "ran out" in message
    assert elapsed < 3.8, elapsed  # a second --timeout would make it 4 s or more
