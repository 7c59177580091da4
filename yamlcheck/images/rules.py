"""Offline image rules: reference form (VH201-VH206)."""

from __future__ import annotations

from collections.abc import Iterator

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.images.fix import scalar_fix
from yamlcheck.images.occurrences import images_of
from yamlcheck.images.patterns import qualified_pattern
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext


class ImageMissing(DocumentRule):
    """
    ## What it does
    Reports a step or endpoint without an image, or with an empty one.

    ## Why
    Valohai cannot start an execution or a deployment without an image.

    ## Example
    ```yaml
    - step:
        name: train
        image: ""
        command: python train.py
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    ```
    """

    code = "VH201"
    name = "image-missing"
    severity = Severity.ERROR
    summary = "A step or endpoint has no image, or it is empty"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for occurrence in images_of(ctx):
            if not occurrence.image.strip():
                yield self.at(ctx.path, occurrence.span,
                              f"{occurrence.location} is empty; name an image such as "
                              "'docker.io/library/python:3.12'")


class ImageInvalidReference(DocumentRule):
    """
    ## What it does
    Checks each image against the reference grammar Docker and every registry
    use (distribution/reference): lower-case repository path, valid host and
    port, a tag of at most 128 letters, digits, `_`, `.` and `-`, and a digest
    of the form `sha256:` plus 64 lower-case hex characters.

    ## Why
    Valohai accepts any string as an image; a malformed one only fails when
    the execution tries to pull it.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/Acme/Trainer:v1
        command: python train.py
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/acme/trainer:v1
        command: python train.py
    ```
    """

    code = "VH202"
    name = "image-invalid-reference"
    severity = Severity.ERROR
    summary = "Not a valid image reference (case, characters, tag length, digest form)"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for occurrence in images_of(ctx):
            if occurrence.error and occurrence.image.strip():
                yield self.at(ctx.path, occurrence.span,
                              f"image {occurrence.image!r} is invalid: {occurrence.error}")


class ImageNotFullyQualified(DocumentRule):
    """
    ## What it does
    Reports an image written without a registry host, such as `python:3.9`
    or `acme/trainer:1`, and offers the fully qualified name as a fix
    (`docker.io/library/python:3.9`, `docker.io/acme/trainer:1`).

    ## Why
    Valohai matches an organisation's registry credentials against the image
    name *as written*.  `acme/trainer:1` does not match the pattern
    `docker.io/acme/*`, so the private image is pulled anonymously and the
    execution fails.  Writing the host also makes it obvious where the image
    comes from.

    ## Example
    ```yaml
    - step:
        name: train
        image: python:3.9
        command: python train.py
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.9
        command: python train.py
    ```

    ## Fix
    `yamlcheck lint --fix` rewrites the image in place and keeps every other
    byte of the file (comments, quotes, indentation, line endings).  There
    is no automatic fix when a registry pattern written without a host
    (`acme/*`) matches the image as written: the qualified image would no
    longer match it and would be pulled without credentials, so image and
    pattern must change together.
    """

    code = "VH203"
    name = "image-not-fully-qualified"
    severity = Severity.ERROR
    summary = "No explicit registry host (python:3.9); fix: docker.io/library/python:3.9"
    fixable = True

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for occurrence in images_of(ctx):
            ref = occurrence.reference
            if ref is None or ref.domain is not None:
                continue
            if "/" not in ref.path and "." in ref.path:
                yield self.at(ctx.path, occurrence.span,
                              f"image {occurrence.image!r} has no repository path; "
                              f"'{ref.path}' reads as a Docker Hub name, not a registry host "
                              "(write host/repository:tag)")
                continue
            found = occurrence.classification
            if found is not None and found.match is not None and not found.keeps_match:
                pattern = found.match.match
                yield self.at(ctx.path, occurrence.span,
                              f"image {occurrence.image!r} has no registry host, and the registry "
                              f"pattern {pattern!r} matches it as written: qualifying only the "
                              "image would lose those credentials; change both together, to "
                              f"{ref.normalized!r} and {qualified_pattern(pattern)!r}, in "
                              "valohai.yaml, in Valohai's registry settings and in .yamlcheck.yaml")
                continue
            fix = scalar_fix(ctx.text, occurrence.span, ref.normalized)
            yield self.at(ctx.path, occurrence.span,
                          f"image {occurrence.image!r} has no registry host; "
                          f"write {ref.normalized!r}", fix)


class ImageUntagged(DocumentRule):
    """
    ## What it does
    Reports an image with neither a tag nor a digest.

    ## Why
    Without a tag the registry serves whatever `latest` points at today, so
    two executions of the same commit may run different software.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/acme/trainer
        command: python train.py
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/acme/trainer:2.4.1
        command: python train.py
    ```
    """

    code = "VH204"
    name = "image-untagged"
    severity = Severity.ERROR
    summary = "Neither tag nor digest (pulls whatever latest is)"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for occurrence in images_of(ctx):
            ref = occurrence.reference
            if ref is not None and ref.tag is None and ref.digest is None:
                yield self.at(ctx.path, occurrence.span,
                              f"image {occurrence.image!r} has no tag, so it pulls whatever "
                              "'latest' is; add a version tag (name:1.2.3)")


class ImageLatestTag(DocumentRule):
    """
    ## What it does
    Reports an image tagged `latest` without a digest.

    ## Why
    `latest` moves.  Executions are reproducible only with a fixed tag or a
    digest.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/acme/trainer:latest
        command: python train.py
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/acme/trainer:2.4.1
        command: python train.py
    ```
    """

    code = "VH205"
    name = "image-latest-tag"
    severity = Severity.WARNING
    summary = "Explicit :latest with no digest"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for occurrence in images_of(ctx):
            ref = occurrence.reference
            if ref is not None and ref.tag == "latest" and ref.digest is None:
                yield self.at(ctx.path, occurrence.span,
                              f"image {occurrence.image!r} uses the moving 'latest' tag; "
                              "pin a version tag or a digest")


class ImageNotPinned(DocumentRule):
    """
    ## What it does
    Reports an image without an `@sha256:` digest.  Off by default; enable it
    next to the others with `select: [VH, VH206]` or `--select VH,VH206`
    (`select` replaces the list, so `VH206` alone selects only this rule).

    ## Why
    A tag can be pushed again; only a digest names exactly one image.
    `yamlcheck lint --remote --fix --pin-digests` appends the verified digest.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/acme/app:2.4
        command: python train.py
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/acme/app:2.4@sha256:4f6c1b0e8c7d9a2f3e5b6a7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f80912
        command: python train.py
    ```
    """

    code = "VH206"
    name = "image-not-pinned"
    severity = Severity.INFO
    summary = "No @sha256: digest"
    default_enabled = False

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for occurrence in images_of(ctx):
            ref = occurrence.reference
            if ref is not None and ref.digest is None:
                yield self.at(ctx.path, occurrence.span,
                              f"image {occurrence.image!r} is not pinned to a digest")


RULES = (
    ImageMissing,
    ImageInvalidReference,
    ImageNotFullyQualified,
    ImageUntagged,
    ImageLatestTag,
    ImageNotPinned,
)
