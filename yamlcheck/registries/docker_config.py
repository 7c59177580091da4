"""Credentials from the Docker client's config.json, credential helpers included.

Read here rather than through docker-py so that a helper runs in its own
process group, bounded by the run's deadline (a helper waiting on a keychain
prompt must not hang a pre-commit hook), and so that a malformed file is a
VH317 finding on the images that use it instead of a crash.  The lookup
follows docker: ``credHelpers`` for the host, else ``credsStore``, else
``auths`` (keys compared without scheme and path; Docker Hub is
``https://index.docker.io/v1/``).  Nothing a helper prints is ever repeated.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

from yamlcheck.registries.credentials import Credential, CredentialError
from yamlcheck.registries.deadline import Deadline

HUB_KEY = "https://index.docker.io/v1/"


def config_path() -> Path | None:
    """The file docker-py would read: $DOCKER_CONFIG/config.json,
    ~/.docker/config.json, then the legacy ~/.dockercfg."""
    candidates = []
    if os.environ.get("DOCKER_CONFIG"):
        candidates.append(Path(os.environ["DOCKER_CONFIG"]) / "config.json")
    home = Path(os.path.expanduser("~"))
    candidates += [home / ".docker" / "config.json", home / ".dockercfg"]
    return next((path for path in candidates if path.is_file()), None)


def _hostname(key: str) -> str:
    """docker-py's convert_to_hostname, with index.docker.io as docker.io."""
    host = key.replace("http://", "").replace("https://", "").split("/", 1)[0].lower()
    return "docker.io" if host == "index.docker.io" else host


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CredentialError(f"cannot read {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError):
        raise CredentialError(f"{path} is not valid JSON") from None
    if not isinstance(data, dict):
        raise CredentialError(f"{path} is not a JSON object")
    return data


def _section(data: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = data.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CredentialError(f"{name!r} in {path} is not a JSON object")
    return value


def docker_config(registry: str, deadline: Deadline) -> Credential:
    path = config_path()
    if path is None:
        raise CredentialError(f"no Docker config file (~/.docker/config.json or "
                              f"$DOCKER_CONFIG/config.json) holds credentials for {registry}")
    data = _load(path)
    legacy = path.name == ".dockercfg"
    key = HUB_KEY if registry == "docker.io" else registry
    helpers = {} if legacy else _section(data, "credHelpers", path)
    store = helpers.get(key) or helpers.get(registry) or (None if legacy else data.get("credsStore"))
    if store is not None:
        if not isinstance(store, str) or not store:
            raise CredentialError(f"the credential helper named for {registry} in {path} "
                                  "is not a name")
        found = run_helper(store, key, deadline, path)
        if found is not None:
            user, secret = found
            source = f"docker-credential-{store} (from {path}) for {registry}"
            if user == "<token>":
                return Credential(source, None, None, secret)
            return Credential(source, user, secret)
    auths = data if legacy else _section(data, "auths", path)
    name, entry = _entry(auths, registry)
    if entry is None:
        raise CredentialError(f"{path} holds no credentials for {registry}")
    return _from_entry(name, entry, registry, path)


def _entry(auths: dict[str, Any], registry: str) -> tuple[str, Any]:
    key = HUB_KEY if registry == "docker.io" else registry
    if key in auths:
        return key, auths[key]
    for name, entry in auths.items():
        if _hostname(name) == _hostname(registry):
            return name, entry
    return key, None


def _from_entry(name: str, entry: Any, registry: str, path: Path) -> Credential:
    if not isinstance(entry, dict):
        raise CredentialError(f"the auths entry {name!r} in {path} is not a JSON object")
    source = f"docker config {path} for {registry}"
    user = password = None
    auth = entry.get("auth")
    if isinstance(auth, str) and auth:
        try:
            pair = base64.b64decode(auth, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise CredentialError(f"the auth value of {name!r} in {path} is not base64 of "
                                  "user:password") from None
        if ":" not in pair:
            raise CredentialError(f"the auth value of {name!r} in {path} has no ':' between "
                                  "user and password")
        user, password = pair.split(":", 1)
    identity = entry.get("identitytoken")
    if isinstance(identity, str) and identity:
        return Credential(source, user, None, identity)
    if password:
        return Credential(source, user, password)
    raise CredentialError(f"{path} holds an empty entry for {registry}")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_helper(name: str, server: str, deadline: Deadline, path: Path) -> tuple[str, str] | None:
    """(user, secret) from ``docker-credential-<name> get``; None: not found there."""
    program = f"docker-credential-{name}"
    executable = shutil.which(program)
    if executable is None:
        raise CredentialError(f"the Docker credential helper {program} (named in {path}) is "
                              "not installed")
    timed_out = CredentialError(f"{program} did not answer before --timeout "
                                f"({deadline.seconds:g} s) ran out; it was stopped with its "
                                "process group")
    if deadline.passed():
        raise timed_out
    try:  # its own session: killing the group also ends what it started
        process = subprocess.Popen([executable, "get"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
    except OSError as exc:
        raise CredentialError(f"cannot run {program}: {exc.strerror}") from None

    def kill() -> None:
        _kill_group(process)

    deadline.at_expiry(kill)
    try:
        out, _ = process.communicate(server.encode(), timeout=max(0.01, deadline.remaining()))
    except subprocess.TimeoutExpired:
        kill()
        try:
            process.communicate(timeout=1)
        except subprocess.TimeoutExpired:  # a grandchild left the group and holds the pipe
            pass
        raise timed_out from None
    finally:
        deadline.forget(kill)
    if process.returncode != 0:
        if process.returncode < 0 and deadline.passed():
            raise timed_out
        if b"credentials not found" in out.lower():
            return None
        raise CredentialError(f"{program} failed (exit status {process.returncode})")
    return _helper_answer(out, program)


def _helper_answer(out: bytes, program: str) -> tuple[str, str] | None:
    if not out.strip():
        raise CredentialError(f"{program} printed nothing")
    try:
        data = json.loads(out)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise CredentialError(f"{program} printed something that is not a JSON object")
    user, secret = data.get("Username"), data.get("Secret")
    if not isinstance(secret, str) or not secret:
        return None  # docker treats an empty answer as "not found"
    return (user if isinstance(user, str) else ""), secret
