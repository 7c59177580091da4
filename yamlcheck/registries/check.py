"""Check one image against its registry: exists? pullable? right platform?"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import requests

from yamlcheck.images.reference import Reference
from yamlcheck.registries import platforms as plat
from yamlcheck.registries.client import Client, Endpoint, Unreachable
from yamlcheck.registries.credentials import Credential, CredentialRejected
from yamlcheck.registries.outcomes import Outcome

MAX_BODY = 4 * 1024 * 1024


class Wanted:
    """The platform to require (None: do not check platforms)."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.platform = plat.parse(text) if text else None
        self.variant_given = bool(text) and text.count("/") == 2


def _what(ref: Reference) -> str:
    kind = "digest" if ref.digest else "tag"
    return f"{kind} {ref.reference!r} of {ref.repository} on {ref.registry}"


class ImageCheck:
    def __init__(self, client: Client, endpoint: Endpoint, credential: Credential,
                 wanted: Wanted, platform_cache: dict[str, tuple[str, ...]]) -> None:
        self.client, self.endpoint, self.credential = client, endpoint, credential
        self.wanted, self.platform_cache = wanted, platform_cache

    def outcome(self, status: str, message: str, **extra: Any) -> Outcome:
        return Outcome(status, message, credential_source=self.credential.source, **extra)

    def run(self, ref: Reference) -> Outcome:
        problem = self.endpoint.problem()
        if problem:
            return self.outcome("unreachable", f"{_what(ref)}: {problem}")
        try:
            return self._run(ref)
        except Unreachable as exc:
            return self.outcome("unreachable", f"{_what(ref)}: {exc}")
        except CredentialRejected as exc:
            return self.outcome("unauthorized", f"{_what(ref)}: {exc}")

    def _headers(self, ref: Reference) -> dict[str, str]:
        headers = {"Accept": plat.ACCEPT}
        value = self.client.authorization(self.endpoint, self.credential, ref.repository)
        if value:
            headers["Authorization"] = value
        return headers

    def _url(self, ref: Reference, kind: str, name: str) -> str:
        return f"{self.endpoint.base}/v2/{ref.repository}/{kind}/{name}"

    def _run(self, ref: Reference) -> Outcome:
        headers = self._headers(ref)
        url = self._url(ref, "manifests", ref.reference)
        response = self.client.request("HEAD", url, self.endpoint.verify, headers)
        if response.status_code in (405, 501):
            response = self.client.request("GET", url, self.endpoint.verify, headers)
        status = response.status_code
        if status == 200:
            return self._found(ref, response, headers)
        if status == 404:
            return self._missing(ref, headers)
        if status == 401:
            if self.credential.anonymous:
                return self.outcome(
                    "unauthorized", f"{_what(ref)}: the registry requires credentials and no "
                    "registry pattern matches the image as written, so Valohai pulls "
                    "anonymously (on Docker Hub this also means the repository may not exist)")
            return self.outcome("unauthorized", f"{_what(ref)}: the registry did not accept "
                                f"{self.credential.source}")
        if status == 403:
            return self.outcome("denied", f"{_what(ref)}: {self.credential.source} may not "
                                "pull this repository")
        if status == 429:
            return self.outcome("rate-limited", f"{_what(ref)}: {ref.registry} answered 429 "
                                "(too many requests) after retries")
        raise Unreachable(f"{self.endpoint.netloc} answered {status}")

    def _missing(self, ref: Reference, headers: dict[str, str]) -> Outcome:
        """Tell a missing tag from a missing repository (HEAD has no body)."""
        url = self._url(ref, "tags", "list?n=200")
        response = self.client.request("GET", url, self.endpoint.verify, headers)
        if response.status_code == 200:
            tags = _json(response).get("tags") or []
            shown = ", ".join(sorted(str(t) for t in tags)[:8]) or "none"
            return self.outcome("manifest-unknown", f"{_what(ref)} does not exist "
                                f"(tags there: {shown})")
        if response.status_code == 404:
            return self.outcome("repository-unknown", f"repository {ref.repository} does not "
                                f"exist on {ref.registry} (as seen with {self.credential.source})")
        return self.outcome("manifest-unknown", f"{_what(ref)} does not exist")

    def _found(self, ref: Reference, response: requests.Response,
               headers: dict[str, str]) -> Outcome:
        media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
        digest = response.headers.get("Docker-Content-Digest")
        if not digest or response.request.method == "GET":
            body = self._get(self._url(ref, "manifests", ref.reference), headers)
            digest = "sha256:" + hashlib.sha256(body).hexdigest()
        found = {"digest": digest, "media_type": media_type or None}
        if self.wanted.platform is None:
            return self.outcome("ok", "", **found)
        offered = self._platforms(ref, digest, media_type, headers)
        found["platforms"] = offered
        if offered and not plat.available([plat.parse(p) for p in offered], self.wanted.platform,
                                          self.wanted.variant_given):
            return self.outcome("platform-missing", f"{_what(ref)} has no {self.wanted.text} "
                                f"image; it provides {', '.join(offered)}", **found)
        return self.outcome("ok", "", **found)

    def _get(self, url: str, headers: dict[str, str]) -> bytes:
        response = self.client.request("GET", url, self.endpoint.verify, headers)
        if response.status_code != 200:
            raise Unreachable(f"{self.endpoint.netloc} answered {response.status_code} to a "
                              "manifest or blob GET")
        if len(response.content) > MAX_BODY:
            raise Unreachable(f"{self.endpoint.netloc} sent more than {MAX_BODY} bytes")
        return response.content

    def _platforms(self, ref: Reference, digest: str, media_type: str,
                   headers: dict[str, str]) -> tuple[str, ...]:
        """The platforms the image provides (cached by digest: it never changes)."""
        if digest in self.platform_cache:
            return self.platform_cache[digest]
        body = self._get(self._url(ref, "manifests", digest), headers)
        if "sha256:" + hashlib.sha256(body).hexdigest() != digest:
            raise Unreachable(f"{self.endpoint.netloc} sent a manifest that does not match "
                              f"its digest {digest}")
        manifest = json.loads(body)
        kind = media_type or manifest.get("mediaType", "")
        found: list[plat.Platform] = []
        if kind in plat.INDEX_TYPES or "manifests" in manifest:
            for entry in manifest.get("manifests", []):
                platform = plat.from_descriptor(entry)
                if platform is not None and platform not in found:
                    found.append(platform)
        elif isinstance(manifest.get("config"), dict):
            config_digest = manifest["config"].get("digest", "")
            blob = self._get(self._url(ref, "blobs", config_digest), headers)
            platform = plat.from_config(json.loads(blob))
            if platform is not None:
                found.append(platform)
        result = tuple(str(p) for p in found)
        self.platform_cache[digest] = result
        return result


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
