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
    `gcr.io/acme/trainer:*`.  Needs a configuration with `registries:`
    (VH304 says once when there is none).

    ## Why
    Valohai uses the credentials of the first pattern that matches the image
    as written and pulls anonymously otherwise.  An anonymous pull of a
    private image fails with "unauthorized" minutes after the execution was
    queued.

    Valohai's documentation gives match patterns by example only (every one
    with a host, ending in `*`) and tells users to write private images by
    their full name; that the pattern is matched against the image as
    written is inferred from those examples.

    ## Example
    ```yaml
    # .yamlcheck.yaml
    registries:
      - match: docker.io/acme/trainer:*
        type: docker-hub
        username: acme-ci
        password-env: DOCKERHUB_TOKEN
    ```
    ```yaml
    # valohai.yaml
    - step:
        name: evaluate
        image: docker.io/acme/evaluator:1.0
        command: python evaluate.py
    ```

    ## Use instead
    A pattern that covers the image, in Valohai's registry settings and in
    `.yamlcheck.yaml`:
    ```yaml
    # .yamlcheck.yaml
    registries:
      - match: docker.io/acme/*
        type: docker-hub
        username: acme-ci
        password-env: DOCKERHUB_TOKEN
    ```
    ```yaml
    # valohai.yaml
    - step:
        name: evaluate
        image: docker.io/acme/evaluator:1.0
        command: python evaluate.py
    ```
    """

    code = "VH301"
    name = "image-no-registry-match"
    severity = Severity.ERROR
    summary = "No registry pattern matches, yet the image needs credentials"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for occurrence in images_of(ctx):
            found = occurrence.classification
            if found and found.needs_credentials and found.configured:
                yield self.at(ctx.path, occurrence.span,
                              f"no registry pattern matches image {occurrence.image!r}, and "
                              f"{found.reason}; Valohai would pull it anonymously and fail: "
                              f"{found.hint}")


class ImageMatchesOnlyWhenQualified(DocumentRule):
    """
    ## What it does
    Reports an image that a registry pattern matches only in its fully
    qualified form: `acme/app:1` or `index.docker.io/acme/app:1` against the
    pattern `docker.io/acme/*`.

    ## Why
    Valohai matches patterns against the image as written, with no Docker
    name normalisation (inferred from its documentation; see VH301).  The
    pattern that holds the credentials is never used and the pull fails as
    unauthorized.  An image written without a host is also VH203's.

    ## Example
    ```yaml
    # .yamlcheck.yaml
    registries:
      - match: docker.io/acme/*
        type: docker-hub
        username: acme-ci
        password-env: DOCKERHUB_TOKEN
    ```
    ```yaml
    # valohai.yaml
    - step:
        name: train
        image: acme/trainer:1.0
        command: python train.py
    ```

    ## Use instead
    ```yaml
    # .yamlcheck.yaml
    registries:
      - match: docker.io/acme/*
        type: docker-hub
        username: acme-ci
        password-env: DOCKERHUB_TOKEN
    ```
    ```yaml
    # valohai.yaml
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
    # .yamlcheck.yaml
    registries:
      - match: docker.io/acme/*
        type: docker-hub
        username: acme-ci
        password-env: DOCKERHUB_TOKEN
    ```
    ```yaml
    # valohai.yaml
    - step:
        name: train
        image: europe-west1-docker.pkg.dev/acme/ml/trainer:1.0
        command: python train.py
    ```

    ## Use instead
    A `gcp` pattern for the registry, in Valohai and in `.yamlcheck.yaml`
    (or, for an image that is public, a suppression comment):
    ```yaml
    # .yamlcheck.yaml
    registries:
      - match: docker.io/acme/*
        type: docker-hub
        username: acme-ci
        password-env: DOCKERHUB_TOKEN
      - match: europe-west1-docker.pkg.dev/acme/*
        type: gcp
    ```
    ```yaml
    # valohai.yaml
    - step:
        name: train
        image: europe-west1-docker.pkg.dev/acme/ml/trainer:1.0
        command: python train.py
    ```
    """

    code = "VH303"
    name = "image-private-host-unmatched"
    severity = Severity.WARNING
    summary = "No pattern matches and the host is usually private"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for occurrence in images_of(ctx):
            found = occurrence.classification
            if found and found.usually_private and found.configured and occurrence.reference:
                yield self.at(ctx.path, occurrence.span,
                              f"no registry pattern matches image {occurrence.image!r} on "
                              f"{occurrence.reference.registry}, a usually private registry; "
                              "Valohai pulls it anonymously, which works only for a public image "
                              f"(else {found.hint})")


class RegistryPatternsUnknown(DocumentRule):
    """
    ## What it does
    Says once per file, at the first such image, that the configuration has
    no `registries:` while the file names images that usually need
    credentials (a private AWS ECR host, Google, Azure or JFrog registries,
    hosts listed under `registry-hosts`).

    ## Why
    Whether Valohai has credentials for an image depends on the
    organisation's registry patterns, which only `.yamlcheck.yaml` can tell
    yamlcheck.  Without them, VH301 and VH303 stay silent rather than guess.

    ## Example
    ```yaml
    # valohai.yaml
    - step:
        name: train
        image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/trainer:1.0
        command: python train.py
    ```

    ## Use instead
    The organisation's registry settings, mirrored in `.yamlcheck.yaml`:
    ```yaml
    # .yamlcheck.yaml
    registries:
      - match: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/*
        type: aws-ecr
    ```
    ```yaml
    # valohai.yaml
    - step:
        name: train
        image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/trainer:1.0
        command: python train.py
    ```
    """

    code = "VH304"
    name = "registry-patterns-unknown"
    severity = Severity.INFO
    summary = "No registries are configured, so private images cannot be checked against patterns"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        private = [o for o in images_of(ctx) if o.classification and not o.classification.configured
                   and (o.classification.needs_credentials or o.classification.usually_private)]
        if private:
            more = len(private) - 1
            others = f" (and {more} more image{'s' if more > 1 else ''})" if more else ""
            yield self.at(ctx.path, private[0].span,
                          f"no `registries:` in the configuration, so the organisation's registry "
                          f"patterns are unknown: yamlcheck cannot tell whether Valohai has "
                          f"credentials for {private[0].image!r}{others}; list them in "
                          ".yamlcheck.yaml")


RULES = (
    ImageNoRegistryMatch,
    ImageMatchesOnlyWhenQualified,
    ImagePrivateHostUnmatched,
    RegistryPatternsUnknown,
)
