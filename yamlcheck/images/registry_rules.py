"""Offline registry-pattern rules (VH301-VH303): will Valohai use credentials?"""

from __future__ import annotations

from collections.abc import Iterator

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.images.occurrences import images_of
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext


class ImageNoRegistryMatch(DocumentRule):
    """
    ## What it does
    Reports an image that no registry pattern matches although it cannot be
    pulled without credentials: its host is a private AWS ECR registry, or
    its namespace (host plus first path part) is one the patterns cover, for
    example `gcr.io/acme/other:1` while the patterns cover
    `gcr.io/acme/trainer:*`.

    ## Why
    Valohai uses the credentials of the first pattern that matches the image
    as written and pulls anonymously otherwise.  An anonymous pull of a
    private image fails with "unauthorized" minutes after the execution was
    queued.

    ## Example
    ```yaml
    # .yamlcheck.yaml: registries: [{match: "docker.io/acme/trainer:*", type: docker-hub, ...}]
    - step:
        name: evaluate
        image: docker.io/acme/evaluator:1.0
        command: python evaluate.py
    ```

    ## Use instead
    Add a pattern for the image in Valohai's registry settings (and in
    `.yamlcheck.yaml`), e.g. `docker.io/acme/*`.
    """

    code = "VH301"
    name = "image-no-registry-match"
    severity = Severity.ERROR
    summary = "No registry pattern matches, yet the image needs credentials"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for occurrence in images_of(ctx):
            found = occurrence.classification
            if found and found.needs_credentials:
                yield self.at(ctx.path, occurrence.span,
                              f"no registry pattern matches image {occurrence.image!r}, and "
                              f"{found.reason}; Valohai would pull it anonymously and fail")


class ImageMatchesOnlyWhenQualified(DocumentRule):
    """
    ## What it does
    Reports an image that a registry pattern matches only in its fully
    qualified form: `acme/app:1` or `index.docker.io/acme/app:1` against the
    pattern `docker.io/acme/*`.

    ## Why
    Valohai matches patterns against the image as written, with no Docker
    name normalisation.  The pattern that holds the credentials is never
    used and the pull fails as unauthorized.

    ## Example
    ```yaml
    # pattern: docker.io/acme/*
    - step:
        name: train
        image: acme/trainer:1.0
        command: python train.py
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/acme/trainer:1.0
        command: python train.py
    ```
    """

    code = "VH302"
    name = "image-matches-only-when-qualified"
    severity = Severity.ERROR
    summary = "A pattern matches the normalised name but not the name as written"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for occurrence in images_of(ctx):
            found = occurrence.classification
            if found and found.qualified_match is not None and occurrence.reference:
                yield self.at(ctx.path, occurrence.span,
                              f"registry pattern {found.qualified_match.match!r} matches only "
                              f"{occurrence.reference.normalized!r}, not {occurrence.image!r} as "
                              f"written; write {occurrence.reference.normalized!r}")


class ImagePrivateHostUnmatched(DocumentRule):
    """
    ## What it does
    Reports an image that no registry pattern matches while its host usually
    serves private images: Google Container/Artifact Registry, Azure
    Container Registry, JFrog, or a host listed under `registry-hosts` in
    `.yamlcheck.yaml`.  Not raised where VH301 applies.

    ## Why
    Valohai pulls such an image anonymously.  That works only if the image is
    public.

    ## Example
    ```yaml
    - step:
        name: train
        image: europe-west1-docker.pkg.dev/acme/ml/trainer:1.0
        command: python train.py
    ```

    ## Use instead
    Add a `gcp` registry pattern such as `europe-west1-docker.pkg.dev/acme/*`
    in Valohai and in `.yamlcheck.yaml`, or suppress the finding for a public
    image.
    """

    code = "VH303"
    name = "image-private-host-unmatched"
    severity = Severity.WARNING
    summary = "No pattern matches and the host is usually private"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for occurrence in images_of(ctx):
            found = occurrence.classification
            if found and found.usually_private and occurrence.reference:
                yield self.at(ctx.path, occurrence.span,
                              f"no registry pattern matches image {occurrence.image!r} on "
                              f"{occurrence.reference.registry}, a usually private registry; "
                              "Valohai pulls it anonymously, which works only for a public image")


RULES = (ImageNoRegistryMatch, ImageMatchesOnlyWhenQualified, ImagePrivateHostUnmatched)
