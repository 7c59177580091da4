"""Proof that the layers can be pulled, not only the manifest (VH318).

After the manifest, one request for the config blob and one HEAD for the
smallest layer, with the same credentials.  Redirects (to a CDN or a storage
bucket) are followed under the trust rules of the host they lead to, without
Authorization; there the HEAD becomes a GET of the first byte, because
pre-signed URLs are signed for GET only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yamlcheck.registries.manifests import MAX_BODY, Blob
from yamlcheck.registries.transport import Reply, Unreachable
from yamlcheck.registries.trust import netloc_of

if TYPE_CHECKING:
    from yamlcheck.registries.client import Client, Endpoint


class BlobRefused(Exception):
    """A blob of the image cannot be downloaded with these credentials."""


class RateLimited(Exception):
    pass


def size_text(size: int | None) -> str:
    if size is None:
        return "size unknown"
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return ""  # pragma: no cover


class BlobCheck:
    """Requests for the blobs of one repository, as a check makes them."""

    def __init__(self, client: Client, endpoint: Endpoint, headers: dict[str, str],
                 repository: str) -> None:
        self.client, self.endpoint, self.headers = client, endpoint, headers
        self.repository = repository

    def _url(self, blob: Blob) -> str:
        return f"{self.endpoint.base}/v2/{self.repository}/blobs/{blob.digest}"

    def fetch(self, blob: Blob) -> bytes:
        """GET the (small) config blob; its refusal is a refusal of the pull."""
        reply = self.client.request("GET", self._url(blob), self.endpoint, self.headers,
                                    f"the {blob.role} blob", "blob GET", cap=MAX_BODY)
        self._judge(blob, reply)
        return reply.body

    def probe(self, blob: Blob) -> None:
        reply = self.client.request("HEAD", self._url(blob), self.endpoint, self.headers,
                                    f"the {blob.role} blob", "blob HEAD", cap=0,
                                    probe_elsewhere=True)
        self._judge(blob, reply)

    def _judge(self, blob: Blob, reply: Reply) -> None:
        if reply.status in (200, 206):
            return
        registry = self.endpoint.netloc
        host = netloc_of(reply.url)
        who = registry if host == registry else \
            f"the storage host {host} that {registry} redirects the download to"
        named = f"the {blob.role} blob {blob.digest[:19]}… ({size_text(blob.size)})"
        if reply.status == 429:
            raise RateLimited(f"{who} answered 429 (too many requests) for {named}")
        if reply.status in (401, 403):
            raise BlobRefused(f"{named} cannot be downloaded: {who} answered {reply.status}; "
                              "the manifest is readable, so the credentials lack the right to "
                              "pull layers")
        if reply.status == 404:
            raise BlobRefused(f"{named} is missing: {who} answered 404; the image is incomplete")
        raise Unreachable(f"{who} answered {reply.status} for {named}")
