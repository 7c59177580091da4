"""Check one image against its registry: does it exist, may these credentials
pull it (manifest and blobs), does it provide the platform?"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yamlcheck.images.reference import Reference
from yamlcheck.registries import challenge
from yamlcheck.registries import manifests as mf
from yamlcheck.registries import platforms as plat
from yamlcheck.registries.blobs import BlobCheck, BlobRefused, RateLimited
from yamlcheck.registries.client import Client, Endpoint
from yamlcheck.registries.credentials import Credential, CredentialRejected
from yamlcheck.registries.deadline import DeadlinePassed
from yamlcheck.registries.outcomes import Outcome
from yamlcheck.registries.transport import Reply, Unreachable

MAX_BODY = mf.MAX_BODY


class Wanted:
    """The platform to require (None: do not check platforms)."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.platform = plat.parse(text) if text else None
        self.variant_given = bool(text) and text.count("/") == 2

    def accepts(self, platform: plat.Platform) -> bool:
        return self.platform is None or plat.matches(self.platform, platform, self.variant_given)


def describe(ref: Reference) -> str:
    kind = "digest" if ref.digest else "tag"
    return f"{kind} {ref.reference!r} of {ref.repository} on {ref.registry}"


class _Finding(Exception):
    """Ends a check early with an outcome other than ok."""

    def __init__(self, status: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.extra = status, detail, extra


class ImageCheck:
    def __init__(self, client: Client, endpoint: Endpoint, credential: Credential,
                 wanted: Wanted, known: Callable[[str], Outcome | None] | None = None,
                 head_first: bool = False) -> None:
        """``known``: the cached outcome for a digest, if any.  ``head_first``: the tag
        probably still names a digest ``known`` has, so a HEAD may settle the check;
        otherwise the manifest is fetched at once (its body is needed anyway)."""
        self.client, self.endpoint, self.credential = client, endpoint, credential
        self.wanted = wanted
        self.known = known or (lambda digest: None)
        self.head_first = head_first
        self.headers: dict[str, str] = {}
        self.what = ""

    def outcome(self, status: str, message: str, **extra: Any) -> Outcome:
        return Outcome(status, message, credential_source=self.credential.source, **extra)

    def run(self, ref: Reference) -> Outcome:
        self.what = describe(ref)
        problem = self.endpoint.problem()
        if problem:
            return self.outcome("unreachable", f"{self.what}: {problem}")
        try:
            return self._run(ref)
        except _Finding as found:
            return self.outcome(found.status, f"{self.what}{found.detail}", **found.extra)
        except (Unreachable, DeadlinePassed) as exc:
            return self.outcome("unreachable", f"{self.what}: {exc}")
        except CredentialRejected as exc:
            return self.outcome("unauthorized", f"{self.what}: {exc}")

    def _url(self, ref: Reference, kind: str, name: str) -> str:
        return f"{self.endpoint.base}/v2/{ref.repository}/{kind}/{name}"

    def _get(self, url: str, what: str, count: str) -> Reply:
        return self.client.request("GET", url, self.endpoint, self.headers, what, count,
                                   cap=MAX_BODY)

    def _run(self, ref: Reference) -> Outcome:
        self.headers = {"Accept": plat.ACCEPT}
        value = self.client.authorization(self.endpoint, self.credential, ref.repository)
        if value:
            self.headers["Authorization"] = value
        url = self._url(ref, "manifests", ref.reference)
        reply = None
        if self.head_first:
            reply = self.client.request("HEAD", url, self.endpoint, self.headers,
                                        "the manifest", "manifest HEAD", cap=0)
        if reply is None or reply.status in (405, 501):
            reply = self._get(url, "the manifest", "manifest GET")
        status = reply.status
        if status == 200:
            return self._found(ref, reply)
        if status == 404:
            return self._missing(ref)
        if status == 401:
            return self._unauthorized(reply)
        if status == 403:
            return self.outcome("denied", f"{self.what}: {self.credential.source} may not "
                                "pull this repository")
        if status == 429:
            return self.outcome("rate-limited", f"{self.what}: {ref.registry} answered 429 "
                                "(too many requests) after retries")
        raise Unreachable(f"{self.endpoint.netloc} answered {status} to the manifest request")

    def _unauthorized(self, reply: Reply) -> Outcome:
        if self.credential.anonymous:
            return self.outcome(
                "unauthorized", f"{self.what}: the registry requires credentials and no "
                "registry pattern matches the image as written, so Valohai pulls "
                "anonymously (on Docker Hub this also means the repository may not exist)")
        errors = {c.params.get("error", "") for value in reply.challenges
                  for c in challenge.parse(value)}
        if "insufficient_scope" in errors:  # a token was issued, without pull rights
            return self.outcome("denied", f"{self.what}: the registry accepted "
                                f"{self.credential.source}, which may not pull this repository "
                                "(insufficient_scope; on Docker Hub also when it does not exist)")
        return self.outcome("unauthorized", f"{self.what}: the registry did not accept "
                            f"{self.credential.source}")

    def _missing(self, ref: Reference) -> Outcome:
        """Tell a missing tag from a missing repository (a registry answers
        MANIFEST_UNKNOWN for both)."""
        reply = self._get(self._url(ref, "tags", "list?n=200"), "the tag list", "tags")
        body = reply.json()
        if reply.status == 200 and isinstance(body, dict):
            tags = body.get("tags") if isinstance(body.get("tags"), list) else []
            shown = ", ".join(sorted(str(t) for t in tags)[:8]) or "none"
            return self.outcome("manifest-unknown", f"{self.what} does not exist "
                                f"(tags there: {shown})")
        codes = {e.get("code") for e in (body or {}).get("errors", []) if isinstance(e, dict)} \
            if isinstance(body, dict) and isinstance(body.get("errors"), list) else set()
        if reply.status == 404 and "NAME_UNKNOWN" in codes:
            return self.outcome("repository-unknown", f"repository {ref.repository} does not "
                                f"exist on {ref.registry}")
        return self.outcome("repository-unknown", f"{self.what} does not exist, nor perhaps "
                            f"the repository ({ref.registry} does not list tags: "
                            f"{reply.status})", unconfirmed=True)

    def _found(self, ref: Reference, reply: Reply) -> Outcome:
        body = reply.body if reply.body else None
        header = reply.headers.get("Docker-Content-Digest", "").strip()
        digest = ref.digest or (header if mf.DIGEST.fullmatch(header) else None)
        if body is None and digest is None:  # no digest header: the body tells
            body = self._get(self._url(ref, "manifests", ref.reference), "the manifest",
                             "manifest GET").body
        if body is not None and not ref.digest:
            digest = mf.digest_of(body)
        assert digest is not None
        if not ref.digest:
            cached = self.known(digest)
            if cached is not None:
                return cached
        if body is None:
            fetched = self._get(self._url(ref, "manifests", digest), "the manifest",
                                "manifest GET")
            self._expect(fetched, "the manifest")
            body = fetched.body
        content_type = reply.headers.get("Content-Type", "").split(";")[0].strip()
        top = mf.parse(body, content_type, f"the answer of {self.endpoint.netloc}")
        if not mf.matches(body, digest):
            raise Unreachable(f"{self.endpoint.netloc} sent a manifest that does not match "
                              f"its digest {digest}")
        found: dict[str, Any] = {"digest": digest, "media_type": top.media_type or None}
        try:
            found["platforms"] = self._examine(ref, top)
        except _Finding as finding:
            finding.extra = {**found, **finding.extra}
            raise
        return self.outcome("ok", "", **found)

    def _expect(self, reply: Reply, what: str) -> None:
        if reply.status != 200:
            raise Unreachable(f"{self.endpoint.netloc} answered {reply.status} to a GET of "
                              f"{what}")

    def _examine(self, ref: Reference, top: mf.Manifest) -> tuple[str, ...]:
        """The platforms offered; raises _Finding unless the image is pullable here."""
        blobs = BlobCheck(self.client, self.endpoint, self.headers, ref.repository)
        try:
            if top.kind == "index":
                return self._examine_index(ref, top, blobs)
            if top.kind == "image":
                return self._examine_image(top, blobs)
        except BlobRefused as exc:
            raise _Finding("layer-pull-denied", f": {exc}") from None
        except RateLimited as exc:
            raise _Finding("rate-limited", f": {exc}") from None
        if self.wanted.platform is not None:
            raise _Finding("platform-missing", f" is not an image (a {top.media_type} "
                           "manifest): no platform found")
        return ()

    def _examine_index(self, ref: Reference, top: mf.Manifest, blobs: BlobCheck
                       ) -> tuple[str, ...]:
        entries, note = mf.index_entries(top)
        offered = tuple(str(entry.platform) for entry in entries)
        if not entries:
            raise _Finding("platform-missing", f" provides no platform: the index holds "
                           f"{note or 'no entries'}", platforms=())
        chosen = next((e for e in entries if self.wanted.accepts(e.platform)), None)
        if chosen is None:
            raise _Finding("platform-missing", f" has no {self.wanted.text} image; it provides "
                           f"{', '.join(offered)}", platforms=offered)
        reply = self._get(self._url(ref, "manifests", chosen.digest),
                          f"the {chosen.platform} manifest", "manifest GET")
        self._expect(reply, f"the {chosen.platform} manifest")
        if not mf.matches(reply.body, chosen.digest):
            raise Unreachable(f"{self.endpoint.netloc} sent a {chosen.platform} manifest that "
                              f"does not match its digest {chosen.digest}")
        image = mf.parse(reply.body, reply.headers.get("Content-Type", ""),
                         f"the {chosen.platform} entry")
        if image.kind != "image":
            raise _Finding("platform-missing", f": the {chosen.platform} entry is not an image "
                           f"manifest but {image.media_type or 'something else'}",
                           platforms=offered)
        self._pull(image, blobs, config_fetched=False)
        return offered

    def _examine_image(self, top: mf.Manifest, blobs: BlobCheck) -> tuple[str, ...]:
        if self.wanted.platform is None:
            self._pull(top, blobs, config_fetched=False)
            return ()
        config = mf.config_blob(top)
        if config is None:
            raise _Finding("platform-missing", " has no config blob, so no platform")
        platform = mf.platform_of_config(blobs.fetch(config))
        if platform is None:
            raise _Finding("platform-missing", " is not a runnable image: its config "
                           f"({mf.config_media_type(top)}) names no os/architecture")
        if not self.wanted.accepts(platform):
            raise _Finding("platform-missing", f" has no {self.wanted.text} image; it provides "
                           f"{platform}", platforms=(str(platform),))
        self._pull(top, blobs, config_fetched=True)
        return (str(platform),)

    def _pull(self, image: mf.Manifest, blobs: BlobCheck, config_fetched: bool) -> None:
        """The config (unless already fetched) and the smallest layer can be downloaded."""
        config = mf.config_blob(image)
        if config is not None and not config_fetched:
            blobs.probe(config)
        layer = mf.smallest_layer(image)
        if layer is not None:
            blobs.probe(layer)
