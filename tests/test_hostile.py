"""Hostile input: a located finding or one clear line, exit 1 or 2, no
traceback, bounded time and memory."""

from __future__ import annotations

import codecs
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT


def run(*args: str, cwd: Path, stdin: bytes | int | None = None,
        timeout: float = 30) -> tuple[int, str, str, float, float]:
    """(status, stdout, stderr, seconds, peak MiB) of a real subprocess; ``stdin``
    is bytes to send, or a file descriptor it reads on its own (a stream)."""
    probe = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "given = None if sys.argv[1] == 'stream' else sys.stdin.buffer.read()\n"
             "p = subprocess.run(sys.argv[2:], capture_output=True, input=given)\n"
             "t = time.perf_counter() - t\n"
             "sys.stdout.buffer.write(p.stdout); sys.stderr.buffer.write(p.stderr)\n"
             "sys.stderr.write(f'\\n@@ {p.returncode} {t} '"
             " f'{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}\\n')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS",)}
    env["NO_COLOR"] = "1"
    stream = isinstance(stdin, int)
    result = subprocess.run([sys.executable, "-c", probe, "stream" if stream else "bytes",
                             sys.executable, "-m", "yamlcheck", *args], cwd=cwd,
                            input=None if stream else (stdin or b""),
                            stdin=stdin if stream else None, capture_output=True,
                            timeout=timeout, env=env, check=False)
    err = result.stderr.decode(errors="replace")
    head, _, tail = err.rpartition("\n@@ ")
    status, seconds, rss = tail.split()
    return int(status), result.stdout.decode(errors="replace"), head, float(seconds), float(rss)


def write(folder: Path, data: bytes, name: str = "valohai.yaml") -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def laughs(levels: int = 9) -> bytes:
    text = "- &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in range(1, levels):
        text += f"- &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]\n"
    return text.encode()


CASES = {
    "billion-laughs": (laughs(), "VH005"),
    "deep-5000": (b"- step: " + b"[" * 5000 + b"]" * 5000 + b"\n", "VH001"),
    "deep-block": ("".join(" " * i + "-\n" for i in range(5000)).encode(), "VH005"),
    "twenty-mb": (b"# padding\n" * (2 * 1024 * 1024), "VH005"),
    "binary": (bytes(range(256)) * 64, "VH001"),
    "invalid-utf8": (b"- step:\n    name: caf\xe9\n", "VH001"),
    "nul": (b"- step:\n    name: a\x00b\n", "VH001"),
    "tabs": (b"- step:\n\tname: x\n", "VH001"),
    "python-tag": (b"- !!python/object/apply:os.system ['touch /tmp/yamlcheck-pwned']\n",
                   "VH001"),
    "huge-int": (b"- step: {name: a, image: x, command: " + b"9" * 100_000 + b"}\n", "VH001"),
    "huge-hex-int": (b"- step: {name: a, image: x, command: 0x" + b"f" * 100_000 + b"}\n",
                     "VH005"),
    "utf-16": (codecs.BOM_UTF16_LE + "- step:\r\n    name: x\r\n".encode("utf-16-le"), "VH001"),
    "utf-32": ("- step:\n    name: x\n".encode("utf-32"), "VH001"),
    "tabs-in-flow": (b"- step: {name: a,\timage: x}\n" * 20_000, "VH001"),
    "empty": (b"", "VH003"),
    "only-bom": (codecs.BOM_UTF8, "VH003"),
    "scalar-root": (b"just a string\n", "VH003"),
    "many-documents": (b"---\na: 1\n---\nb: 2\n" * 1000, "VH001"),
    "long-line": (b"- step: {name: '" + b"x" * 1_000_000 + b"'}\n", "VH102"),
    "recursive-alias": (b"- &a [*a]\n", "VH005"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_files(tmp_path: Path, name: str) -> None:
    data, code = CASES[name]
    path = write(tmp_path, data)
    status, out, err, seconds, rss = run("lint", "--format", "concise", str(path), cwd=tmp_path)
    assert status == 1, (out, err)
    assert "Traceback" not in err and err.strip() == ""
    lines = out.splitlines()[:-1] if out.startswith("Found") else out.splitlines()
    assert any(f" {code} " in line for line in lines), out[:500]
    for found in lines:
        location = found.split(": ")[0]
        line, column = location.rsplit(":", 2)[1:]
        assert int(line) >= 1 and int(column) >= 1
    assert seconds < 5, seconds
    assert rss < 400, rss
    assert not Path("/tmp/yamlcheck-pwned").exists()


def test_shared_anchor_file_is_linted_fast(tmp_path: Path) -> None:
    """500 steps share a 60-parameter list through one anchor (68 KB):
    PyYAML loads it in a fraction of a second, so no limit may refuse it."""
    data = (ROOT / "tests" / "golden" / "VH005" / "good-shared-parameters.yaml").read_bytes()
    path = write(tmp_path, data)
    (tmp_path / "train.py").write_text("print('training')\n")
    status, out, err, seconds, rss = run("lint", "--format", "concise", str(path), cwd=tmp_path)
    assert status == 0 and "VH005" not in out and err.strip() == "", (out, err)
    assert seconds < 5, seconds
    assert rss < 400, rss


def test_bom_and_crlf_file_is_fine(tmp_path: Path) -> None:
    text = ("- step:\r\n    name: train\r\n    image: docker.io/library/python:3.12\r\n"
            "    command: python train.py\r\n")
    path = write(tmp_path, codecs.BOM_UTF8 + text.encode())
    (tmp_path / "train.py").write_text("print('training')\n")
    status, out, _, _, _ = run("lint", str(path), cwd=tmp_path)
    assert status == 0 and "No problems" in out


@pytest.mark.parametrize(("make", "words"), [
    (lambda p: p / "missing.yaml", "does not exist"),
    (lambda p: p, "no valohai YAML file"),
])
def test_bad_paths_exit_2_with_one_line(tmp_path: Path, make, words: str) -> None:  # type: ignore[no-untyped-def]
    status, out, err, _, _ = run("lint", str(make(tmp_path)), cwd=tmp_path)
    assert status == 2 and out == ""
    assert words in err and len(err.strip().splitlines()) == 1


def test_unreadable_file(tmp_path: Path) -> None:
    """A dangling symlink cannot be read by anyone (root included)."""
    link = tmp_path / "valohai.yaml"
    link.symlink_to(tmp_path / "nowhere.yaml")
    status, out, err, _, _ = run("lint", str(link), cwd=tmp_path)
    assert status == 2 and out == "" and "Traceback" not in err


CONFIG_CASES = {
    "billion-laughs": laughs(),
    "binary": bytes(range(256)),
    "invalid-utf8": b"rules:\n  ignore: [VH\xff]\n",
    "tabs": b"rules:\n\tignore: [VH2]\n",
    "python-tag": b"rules: !!python/object/apply:os.system ['true']\n",
    "list-root": b"- a\n- b\n",
    "deep": b"rules: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "secret": b"registries:\n  - {match: 'x/*', type: basic, token: abc}\n",
}


@pytest.mark.parametrize("name", sorted(CONFIG_CASES))
def test_hostile_config_files(tmp_path: Path, name: str) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, CONFIG_CASES[name], ".yamlcheck.yaml")
    write(tmp_path, b"- step: {name: a, image: 'docker.io/a/b:1', command: x}\n")
    status, out, err, seconds, _ = run("lint", "valohai.yaml", cwd=tmp_path)
    assert status == 2 and out == ""
    assert "Traceback" not in err and ".yamlcheck.yaml:" in err
    assert "abc" not in err
    assert seconds < 5


def test_fix_killed_mid_write_leaves_the_original(tmp_path: Path) -> None:
    """SIGKILL a --fix that is writing a large file: the file is either the old
    or the new content, never a mix, and no temporary file is left behind
    that yamlcheck would lint."""
    body = "".join(f"- step:\n    name: s{i}\n    image: python:3.{i % 10}\n    command: x\n"
                   for i in range(40_000))
    path = write(tmp_path, body.encode())
    original = path.read_bytes()
    env = {**os.environ, "NO_COLOR": "1"}
    for delay in (0.3, 0.6, 0.9, 1.2):
        process = subprocess.Popen([sys.executable, "-m", "yamlcheck", "lint", "--fix",
                                    "--format", "concise", str(path)], cwd=tmp_path, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        current = path.read_bytes()
        assert current == original or b"python:3." not in current.replace(
            b"docker.io/library/python:3.", b""), "a mix of old and new content"
        path.write_bytes(original)
    assert resource is not None


def test_fix_output_paths_are_written_atomically(tmp_path: Path) -> None:
    from yamlcheck.core.atomic import write_atomically

    target = tmp_path / "report.sarif"
    target.write_text("old")
    os.chmod(target, 0o600)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new" and oct(target.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.sarif"]


def test_package_root() -> None:
    assert (ROOT / "yamlcheck").is_dir()


@pytest.mark.parametrize("source", ["endless stdin", "/dev/zero"])
def test_an_endless_input_is_read_only_up_to_the_limit(source: str, tmp_path: Path) -> None:
    """A stream that never ends (a mistaken pipe, a device) is VH005 after
    the 10 MiB limit, with memory bounded, instead of filling the memory."""
    if source == "/dev/zero":
        status, out, err, _, peak = run("lint", "--format", "concise", "/dev/zero", cwd=tmp_path)
    else:
        producer = subprocess.Popen(["yes", "--", "- x"], stdout=subprocess.PIPE)
        try:
            status, out, err, _, peak = run("lint", "--format", "concise", "-", cwd=tmp_path,
                                            stdin=producer.stdout.fileno())  # type: ignore[union-attr]
        finally:
            producer.kill()
            producer.wait()
    assert status == 1 and "VH005" in out and "Traceback" not in err
    assert peak < 400, f"peak {peak:.0f} MiB"


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "valohai.yaml"
    os.mkfifo(fifo)
    status, _, err, seconds, _ = run("lint", str(fifo), cwd=tmp_path)
    assert status == 2 and "not a regular file" in err and seconds < 10
    status, _, err, _, _ = run("lint", str(tmp_path), cwd=tmp_path)  # discovery skips it
    assert status == 2 and "no valohai YAML file" in err
