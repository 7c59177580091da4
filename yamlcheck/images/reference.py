"""Container image references, exactly as distribution/reference parses them.

``parse`` follows the Docker (normalising) rules: a first path part is a
registry host only when it is ``localhost``, contains ``.`` or ``:``, or has
an upper-case letter, and only when a ``/`` follows it; otherwise the image is
on Docker Hub (``docker.io``), and a single-part name gets ``library/``.
Unlike the Docker CLI, the result also keeps the name *as written*, because
Valohai matches registry patterns against that.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

DOCKER_HUB = "docker.io"
LEGACY_HUB = "index.docker.io"
PATH_MAX = 255
TAG_MAX = 128

_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_PATH = rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"

_REFERENCE = re.compile(rf"((?:{_DOMAIN}/)?{_PATH})(?::({_TAG}))?(?:@({_DIGEST}))?", re.ASCII)
_NAME = re.compile(rf"(?:({_DOMAIN})/)?({_PATH})", re.ASCII)
_DOMAIN_RE = re.compile(_DOMAIN, re.ASCII)
_PATH_COMPONENT_RE = re.compile(_PATH_COMPONENT, re.ASCII)
_TAG_RE = re.compile(_TAG, re.ASCII)
_IMAGE_ID = re.compile(r"[a-f0-9]{64}", re.ASCII)
_DIGEST_LENGTHS = {"sha256": 64, "sha512": 128}


def is_registry_host(text: str) -> bool:
    """Whether ``text`` is a registry host as an image name writes it
    (``host``, ``host:port``, ``[ipv6]:port``)."""
    return _DOMAIN_RE.fullmatch(text) is not None


class ReferenceError(ValueError):
    """Not a valid reference; the message says why."""


class Reference(NamedTuple):
    original: str
    domain: str | None  # the host as written, None when the name has none
    path: str  # the repository path as written (no library/ added)
    tag: str | None
    digest: str | None

    @property
    def registry(self) -> str:
        """Normalised registry host: docker.io when none is written."""
        if self.domain is None or self.domain == LEGACY_HUB:
            return DOCKER_HUB
        return self.domain

    @property
    def repository(self) -> str:
        """Normalised repository path (library/ added on Docker Hub)."""
        if self.registry == DOCKER_HUB and "/" not in self.path:
            return f"library/{self.path}"
        return self.path

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}"

    @property
    def normalized(self) -> str:
        """The fully qualified form, keeping tag and digest as written."""
        text = self.name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text

    @property
    def reference(self) -> str:
        """What to ask the registry for: the digest when there is one."""
        return self.digest or self.tag or "latest"


def _split_domain(text: str) -> tuple[str, str]:
    slash = text.find("/")
    first = text[:slash] if slash >= 0 else ""
    if slash < 0 or (
        "." not in first and ":" not in first and first != "localhost" and first.lower() == first
    ):
        domain, rest = DOCKER_HUB, text
    else:
        domain, rest = first, text[slash + 1 :]
    if domain == LEGACY_HUB:
        domain = DOCKER_HUB
    if domain == DOCKER_HUB and "/" not in rest:
        rest = f"library/{rest}"
    return domain, rest


@lru_cache(maxsize=4096)
def parse(text: str) -> Reference:
    """Parse with Docker's normalising rules, or raise ReferenceError (the
    same image is often named by many steps: parsed once)."""
    if not text:
        raise ReferenceError("the image is empty")
    if _IMAGE_ID.fullmatch(text):
        raise ReferenceError("this is a 64-character image ID, not an image name")
    domain, rest = _split_domain(text)
    remote = rest.split(":", 1)[0]
    if remote.lower() != remote:
        raise ReferenceError(_uppercase_message(text))
    match = _REFERENCE.fullmatch(f"{domain}/{rest}")
    if match is None:
        raise ReferenceError(diagnose(text))
    name_match = _NAME.fullmatch(match.group(1))
    assert name_match is not None
    path = name_match.group(2)
    if len(path) > PATH_MAX:
        raise ReferenceError(f"the repository path is {len(path)} characters; at most {PATH_MAX}")
    digest = match.group(3)
    if digest:
        _check_digest(digest)
    tag = match.group(2)
    written_domain, written_path = _as_written(text, tag, digest)
    return Reference(text, written_domain, written_path, tag, digest)


def _as_written(text: str, tag: str | None, digest: str | None) -> tuple[str | None, str]:
    """The domain and path as the user wrote them (no docker.io/library/ added)."""
    slash = text.find("/")
    first = text[:slash] if slash >= 0 else ""
    explicit = slash >= 0 and (
        "." in first or ":" in first or first == "localhost" or first.lower() != first
    )
    after = text[slash + 1 :] if explicit else text
    suffix = (len(tag) + 1 if tag else 0) + (len(digest) + 1 if digest else 0)
    return (first if explicit else None), after[: len(after) - suffix]


def _check_digest(digest: str) -> None:
    algorithm, _, encoded = digest.partition(":")
    expected = _DIGEST_LENGTHS.get(algorithm)
    if expected is None:
        raise ReferenceError(f"digest algorithm {algorithm!r} is not supported; use sha256")
    if len(encoded) != expected:
        raise ReferenceError(
            f"a {algorithm} digest has {expected} hex characters, this one has {len(encoded)}"
        )
    if encoded.lower() != encoded:
        raise ReferenceError("digest hex characters must be lower case")


def _uppercase_message(text: str) -> str:
    lowered = _lower_path(text)
    try:
        lowered = parse(lowered).normalized
    except ReferenceError:
        pass
    return f"the repository name must be lower case; write {lowered!r}"


def _lower_path(text: str) -> str:
    """``text`` with its repository path lower-cased (host and tag kept)."""
    domain, rest = _split_written(text)
    name, sep, suffix = _split_suffix(rest)
    lowered = name.lower() + sep + suffix
    return f"{domain}/{lowered}" if domain else lowered


def _split_written(text: str) -> tuple[str | None, str]:
    slash = text.find("/")
    first = text[:slash] if slash >= 0 else ""
    if slash >= 0 and ("." in first or ":" in first or first == "localhost"):
        return first, text[slash + 1 :]
    return None, text


def _split_suffix(rest: str) -> tuple[str, str, str]:
    """Split 'path:tag@digest' into path, separator and the rest."""
    at = rest.find("@")
    head = rest if at < 0 else rest[:at]
    colon = head.rfind(":")
    cut = colon if colon >= 0 else at
    if cut < 0:
        return rest, "", ""
    return rest[:cut], rest[cut], rest[cut + 1 :]


def diagnose(text: str) -> str:
    """Say which part of an invalid reference is wrong."""
    if "://" in text:
        return "remove the URL scheme: an image is written host/path:tag"
    if any(ch.isspace() for ch in text):
        return "the image contains white space"
    if not text.isascii():
        return "the image contains non-ASCII characters"
    domain, rest = _split_written(text)
    if domain is not None and not _DOMAIN_RE.fullmatch(domain):
        return f"{domain!r} is not a valid registry host (letters, digits, '-', '.', ':port')"
    if "@" in rest:
        rest, _, digest = rest.partition("@")
        if not re.fullmatch(_DIGEST, digest, re.ASCII):
            return f"{digest!r} is not a digest; write sha256:<64 hex characters>"
    path, sep, tag = _split_suffix(rest)
    if sep == ":":
        if not tag:
            return "the tag after ':' is empty"
        if len(tag) > TAG_MAX:
            return f"the tag is {len(tag)} characters; at most {TAG_MAX}"
        if not _TAG_RE.fullmatch(tag):
            return (f"invalid tag {tag!r}: letters, digits, '_', '.' and '-', "
                    "not starting with '.' or '-'")
    if not path:
        return "the repository name is missing"
    for component in path.split("/"):
        if not component:
            return "the repository path has an empty part ('//' or a trailing '/')"
        if not _PATH_COMPONENT_RE.fullmatch(component):
            return (f"invalid repository part {component!r}: lower-case letters and digits, "
                    "joined by single '.', '_', '__' or dashes")
    return "not a valid image reference (host/path:tag)"
