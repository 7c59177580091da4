"""What a registry check can find (VH310-VH318), and the result of one check."""

from __future__ import annotations

from typing import Any, NamedTuple

from yamlcheck.core.diagnostic import Severity
from yamlcheck.core.rule import Rule


class ManifestUnknown(Rule):
    """
    ## What it does
    With `--remote`: the repository exists, but the tag or digest does not.

    ## Why
    The tag was never pushed, was deleted, or is misspelt; the execution
    would fail at the pull.  The message lists some tags that do exist.  On
    a registry that does not list tags, a missing tag is reported here when
    another image of the same repository was found in the run.

    ## Example
    ```yaml
    image: docker.io/acme/trainer:2.4.l
    ```

    ## Use instead
    ```yaml
    image: docker.io/acme/trainer:2.4.1
    ```
    """

    code = "VH310"
    name = "manifest-unknown"
    severity = Severity.ERROR
    summary = "The repository exists but the tag or digest does not"


class RepositoryUnknown(Rule):
    """
    ## What it does
    With `--remote`: the repository does not exist on the registry, or these
    credentials cannot see it.

    ## Why
    A misspelt repository, or an image that was pushed to another registry.

    ## Example
    ```yaml
    image: docker.io/acme/trainr:2.4.1
    ```

    ## Use instead
    ```yaml
    image: docker.io/acme/trainer:2.4.1
    ```
    """

    code = "VH311"
    name = "repository-unknown"
    severity = Severity.ERROR
    summary = "The repository does not exist (or is invisible to these credentials)"


class RegistryUnauthorized(Rule):
    """
    ## What it does
    With `--remote`: the registry asked for credentials and got none, or
    rejected the ones Valohai would use.  The message names the credential
    source (never the secret).

    ## Why
    Valohai uses the credentials of the first registry pattern that matches
    the image as written, and none otherwise.  Docker Hub also answers
    "unauthorized" for a repository that does not exist.

    ## Example
    ```yaml
    # no registry pattern covers this private image
    image: docker.io/acme/private-trainer:1.0
    ```

    ## Use instead
    Add a `docker.io/acme/*` pattern with credentials in Valohai (and in
    `.yamlcheck.yaml`), or fix the credentials it names.
    """

    code = "VH312"
    name = "registry-unauthorized"
    severity = Severity.ERROR
    summary = "Credentials missing or rejected; the credential source is named"


class RegistryDenied(Rule):
    """
    ## What it does
    With `--remote`: the credentials were accepted, but they may not pull
    this repository (HTTP 403, or a 401 `insufficient_scope` after the token
    service issued a token; also an expired ECR token).

    ## Why
    The robot account or IAM role lacks pull rights on the repository.

    ## Example
    ```yaml
    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/other-team/app:1.0
    ```

    ## Use instead
    Grant pull access (for ECR: ecr:BatchGetImage) to the identity Valohai
    uses, or use an image it may pull.
    """

    code = "VH313"
    name = "registry-denied"
    severity = Severity.ERROR
    summary = "Authenticated but not allowed to pull"


class RegistryRateLimited(Rule):
    """
    ## What it does
    With `--remote`: the registry answered 429 (too many requests) and kept
    doing so after the retries yamlcheck allows itself, so the check could
    not finish.

    ## Why
    Docker Hub limits anonymous and free pulls.  yamlcheck fetches each
    manifest once per check (one pull, as `docker pull` counts it), and with
    a cached result only sends a HEAD, which Docker Hub does not count; but
    other jobs on the same address may have used the quota.

    ## Example
    ```yaml
    image: docker.io/library/python:3.12
    ```

    ## Use instead
    Authenticate (a `docker.io/*` pattern with a token), or run again later.
    """

    code = "VH314"
    name = "registry-rate-limited"
    severity = Severity.WARNING
    summary = "429 / quota exhausted; the check could not finish"


class RegistryUnreachable(Rule):
    """
    ## What it does
    With `--remote`: the registry could not be reached or did not behave as
    one: name resolution, connection, TLS certificate, the `--timeout`
    deadline (the message names what it was waiting for), repeated server
    errors, a host with no registry API (`/v2/` answers 404), an HTML page
    where a manifest was expected (a login page or captive portal), or a
    cloud API (ECR, Google's token endpoint) that fails or does not answer.
    The message names the host that failed and the setting that would help.

    ## Why
    Valohai's workers may reach the registry where yamlcheck cannot (a
    private network), so check the host and the `registry-hosts` settings
    (`endpoint`, `ca-bundle`) first.

    ## Example
    ```yaml
    image: registry.internal.example:5000/ml/trainer:1.0
    ```

    ## Use instead
    ```yaml
    # .yamlcheck.yaml
    registry-hosts:
      registry.internal.example:5000:
        ca-bundle: certs/internal-ca.pem
    ```
    """

    code = "VH315"
    name = "registry-unreachable"
    severity = Severity.ERROR
    summary = "DNS, connection, TLS or timeout; the message says which"


class PlatformMissing(Rule):
    """
    ## What it does
    With `--remote`: the image does not provide the platform executions run
    on (`--platform`, default `linux/amd64`).  The message lists the
    platforms it does provide.  Attestation entries are not platforms, so an
    index holding only attestations, an OCI artifact whose config names no
    os/architecture, or a manifest that is not an image provides none.  The
    kind of manifest is read from the body, not from the `Content-Type` the
    server claims.

    ## Why
    An arm64-only image fails on amd64 workers with "exec format error".

    ## Example
    ```yaml
    image: docker.io/acme/trainer:1.0   # built on an Apple laptop: linux/arm64 only
    ```

    ## Use instead
    Build and push a multi-platform image (`docker buildx build --platform
    linux/amd64,linux/arm64 --push`).
    """

    code = "VH316"
    name = "platform-missing"
    severity = Severity.ERROR
    summary = "The image lacks the required platform; the ones present are listed"


class CredentialsUnresolved(Rule):
    """
    ## What it does
    With `--remote`: the credential source configured for the matching
    registry pattern yields nothing: an unset environment variable, a missing
    or malformed service-account file or variable, no AWS credentials, a
    Docker config that is not valid (not a JSON object, an `auth` value that
    is not base64 of `user:password`), a Docker credential helper that is not
    installed, fails, prints no JSON, or does not answer before `--timeout`
    (it is then stopped with its whole process group), or a missing optional
    dependency (`pip install 'yamlcheck[aws]'`, `'yamlcheck[gcp]'`).  It is
    reported once per registry pattern and file, on the first image it
    affects, and names the others.

    ## Why
    Without credentials the check cannot tell whether Valohai can pull.

    ## Example
    ```yaml
    # .yamlcheck.yaml
    registries:
      - match: "docker.io/acme/*"
        type: docker-hub
        username: acme-ci
        password-env: DOCKERHUB_TOKEN   # not set in this shell
    ```

    ## Use instead
    Export the variable (in CI, from a secret) before running yamlcheck.
    """

    code = "VH317"
    name = "credentials-unresolved"
    severity = Severity.ERROR
    summary = "The configured credential source yields nothing"


class LayerPullDenied(Rule):
    """
    ## What it does
    With `--remote`: the manifest is readable, but a blob of the image is
    not, with the same credentials: after the manifest (for an index, the
    manifest of the required platform) yamlcheck requests the config blob
    and sends one HEAD for the smallest layer, following redirects to
    storage hosts under the same trust rules.  The message names the blob
    and who refused it: the registry, or the storage host it redirects to.

    ## Why
    Valohai pulls the layers, not only the manifest.  An ECR policy without
    `ecr:GetDownloadUrlForLayer` or `ecr:BatchGetImage`, a GCR bucket without
    Storage Object Viewer, or a storage host that refuses the redirected
    download all pass a manifest check and fail at pull time.  A missing
    blob (an incomplete image) fails the same way.

    ## Example
    ```yaml
    # the IAM policy of the robot allows ecr:BatchGetImage only
    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/ml/trainer:1.0
    ```

    ## Use instead
    Grant the identity Valohai uses the right to download layers (for ECR:
    `ecr:GetDownloadUrlForLayer` and `ecr:BatchCheckLayerAvailability`; for
    Google: Artifact Registry Reader or Storage Object Viewer on the
    bucket), or push the image again when a blob is missing.
    """

    code = "VH318"
    name = "layer-pull-denied"
    severity = Severity.ERROR
    summary = "The manifest is readable but a blob (config or layer) is not"


STATUS_RULES: dict[str, type[Rule]] = {
    "manifest-unknown": ManifestUnknown,
    "repository-unknown": RepositoryUnknown,
    "unauthorized": RegistryUnauthorized,
    "denied": RegistryDenied,
    "rate-limited": RegistryRateLimited,
    "unreachable": RegistryUnreachable,
    "platform-missing": PlatformMissing,
    "credentials-unresolved": CredentialsUnresolved,
    "layer-pull-denied": LayerPullDenied,
}


class Outcome(NamedTuple):
    """The result of checking one image reference."""

    status: str  # "ok" or a key of STATUS_RULES
    message: str = ""
    digest: str | None = None
    media_type: str | None = None
    platforms: tuple[str, ...] = ()
    credential_source: str = "anonymous"
    unconfirmed: bool = False  # repository-unknown, but the registry could not say

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "digest": self.digest, "media_type": self.media_type,
                "platforms": list(self.platforms), "credential_source": self.credential_source}


RULES = (
    ManifestUnknown,
    RepositoryUnknown,
    RegistryUnauthorized,
    RegistryDenied,
    RegistryRateLimited,
    RegistryUnreachable,
    PlatformMissing,
    CredentialsUnresolved,
    LayerPullDenied,
)
