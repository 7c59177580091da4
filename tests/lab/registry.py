"""Debian's docker-registry as a child process on 127.0.0.1, and pushing
images to it over the registry HTTP API (no Docker engine needed)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Any

import bcrypt
import requests

BINARY = shutil.which("docker-registry") or "/usr/bin/docker-registry"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_htpasswd(path: Path, users: dict[str, str]) -> None:
    lines = [f"{user}:{bcrypt.hashpw(pw.encode(), bcrypt.gensalt(rounds=5)).decode()}"
             for user, pw in users.items()]
    path.write_text("\n".join(lines) + "\n")


class Registry:
    """One registry process; ``auth`` is the registry config's ``auth`` block."""

    def __init__(self, folder: Path, auth: dict[str, Any] | None = None,
                 tls: tuple[Path, Path, Path] | None = None) -> None:
        """``tls``: (certificate, key, CA file)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.tls = tls
        for _ in range(5):  # free_port() can race with another process
            self.port = free_port()
            http: dict[str, Any] = {"addr": f"127.0.0.1:{self.port}", "secret": "lab-secret"}
            if tls:
                http["tls"] = {"certificate": str(tls[0]), "key": str(tls[1])}
            config = {
                "version": 0.1, "log": {"level": "error"},
                "storage": {"filesystem": {"rootdirectory": str(folder / "storage")},
                            "delete": {"enabled": True},
                            "maintenance": {"uploadpurging": {"enabled": False}}},
                "http": http,
            }
            if auth:
                config["auth"] = auth
            config_file = folder / "config.yml"
            config_file.write_text(json.dumps(config))
            log = open(folder / "registry.log", "wb")
            self.process = subprocess.Popen([BINARY, "serve", str(config_file)], stdout=log,
                                            stderr=subprocess.STDOUT, env={"PATH": "/usr/bin:/bin"})
            self._log = log
            if self._wait():
                break
            self.stop()
        else:
            raise RuntimeError(f"docker-registry did not start: {self.read_log()}")
        scheme = "https" if tls else "http"
        self.host = f"127.0.0.1:{self.port}"
        self.url = f"{scheme}://{self.host}"

    def _wait(self) -> bool:
        scheme = "https" if self.tls else "http"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                response = requests.get(f"{scheme}://127.0.0.1:{self.port}/v2/", timeout=1,
                                        verify=str(self.tls[2]) if self.tls else True)
                if response.status_code in (200, 401):
                    return True
            except requests.RequestException:
                pass
            time.sleep(0.02)
        return False

    def read_log(self) -> str:
        return (self.folder / "registry.log").read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()


# -- images -------------------------------------------------------------------
def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def make_image(arch: str, os_name: str = "linux", variant: str = "",
               marker: str = "") -> tuple[bytes, list[tuple[str, bytes]]]:
    """(manifest, blobs) of a deterministic one-file OCI image."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        content = f"hello from {os_name}/{arch}{variant} {marker}\n".encode()
        info = tarfile.TarInfo("hello.txt")
        info.size, info.mtime = len(content), 0
        tar.addfile(info, io.BytesIO(content))
    layer_raw = raw.getvalue()
    layer = gzip.compress(layer_raw, mtime=0)
    config: dict[str, Any] = {"architecture": arch, "os": os_name,
                              "rootfs": {"type": "layers", "diff_ids": [_digest(layer_raw)]}}
    if variant:
        config["variant"] = variant
    config_blob = json.dumps(config, sort_keys=True).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": _digest(config_blob),
                   "size": len(config_blob)},
        "layers": [{"mediaType": OCI_LAYER, "digest": _digest(layer), "size": len(layer)}],
    }, sort_keys=True).encode()
    return manifest, [(_digest(config_blob), config_blob), (_digest(layer), layer)]


class Pusher:
    """Pushes blobs and manifests with Basic or Bearer (token server) auth."""

    def __init__(self, registry: Registry, user: str, password: str, verify: Any = False) -> None:
        self.registry = registry
        self.session = requests.Session()
        self.session.trust_env = False
        self.basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.verify = verify
        self.bearer: dict[str, str] = {}

    def _request(self, method: str, url: str, repo: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        headers["Authorization"] = self.bearer.get(repo, self.basic)
        response = self.session.request(method, url, headers=headers, verify=self.verify,
                                        timeout=10, **kwargs)
        challenge = response.headers.get("WWW-Authenticate", "")
        if response.status_code == 401 and challenge.startswith("Bearer"):
            params = dict(part.split("=", 1) for part in challenge[7:].split('",'))
            params = {k.strip(): v.strip('"') for k, v in params.items()}
            token = self.session.get(params["realm"], params={
                "service": params["service"], "scope": f"repository:{repo}:pull,push"},
                headers={"Authorization": self.basic}, timeout=10,
                verify=self.verify).json()["access_token"]
            self.bearer[repo] = f"Bearer {token}"
            headers["Authorization"] = self.bearer[repo]
            response = self.session.request(method, url, headers=headers, verify=self.verify,
                                            timeout=10, **kwargs)
        return response

    def blob(self, repo: str, digest: str, data: bytes) -> None:
        base = self.registry.url
        if self._request("HEAD", f"{base}/v2/{repo}/blobs/{digest}", repo).status_code == 200:
            return
        started = self._request("POST", f"{base}/v2/{repo}/blobs/uploads/", repo)
        assert started.status_code == 202, started.text
        location = started.headers["Location"]
        if location.startswith("/"):
            location = base + location
        done = self._request("PUT", f"{location}&digest={digest}", repo, data=data,
                             headers={"Content-Type": "application/octet-stream"})
        assert done.status_code == 201, done.text

    def manifest(self, repo: str, reference: str, body: bytes, media_type: str) -> str:
        response = self._request("PUT", f"{self.registry.url}/v2/{repo}/manifests/{reference}",
                                 repo, data=body, headers={"Content-Type": media_type})
        assert response.status_code == 201, response.text
        return response.headers["Docker-Content-Digest"]

    def image(self, repo: str, tag: str, arch: str = "amd64", variant: str = "") -> str:
        manifest, blobs = make_image(arch, variant=variant, marker=f"{repo}:{tag}")
        for digest, data in blobs:
            self.blob(repo, digest, data)
        return self.manifest(repo, tag, manifest, OCI_MANIFEST)

    def index(self, repo: str, tag: str, platforms: list[tuple[str, str]],
              attestation: bool = True) -> str:
        entries = []
        for arch, variant in platforms:
            manifest, blobs = make_image(arch, variant=variant, marker=f"{repo}:{tag}")
            for digest, data in blobs:
                self.blob(repo, digest, data)
            digest = self.manifest(repo, _digest(manifest), manifest, OCI_MANIFEST)
            platform = {"os": "linux", "architecture": arch}
            if variant:
                platform["variant"] = variant
            entries.append({"mediaType": OCI_MANIFEST, "digest": digest, "size": len(manifest),
                            "platform": platform})
        if attestation:
            manifest, blobs = make_image("unknown", os_name="unknown", marker="attestation")
            for digest, data in blobs:
                self.blob(repo, digest, data)
            digest = self.manifest(repo, _digest(manifest), manifest, OCI_MANIFEST)
            entries.append({"mediaType": OCI_MANIFEST, "digest": digest, "size": len(manifest),
                            "platform": {"os": "unknown", "architecture": "unknown"},
                            "annotations": {"vnd.docker.reference.type": "attestation-manifest"}})
        body = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries},
                          sort_keys=True).encode()
        return self.manifest(repo, tag, body, OCI_INDEX)


def registry_available() -> bool:
    return os.access(BINARY, os.X_OK)
