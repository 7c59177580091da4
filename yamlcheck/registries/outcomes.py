"""What a registry check can find (VH310-VH317), and the result of one check."""

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
    would fail at the pull.  The message lists some tags that do exist.

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
    this repository (HTTP 403; also an expired ECR token).

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
    Docker Hub limits anonymous and free pulls.  yamlcheck checks with HEAD
    requests, which Docker Hub does not count, and caches results, but other
    jobs on the same address may have used the quota.

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
    With `--remote`: the registry could not be reached: name resolution,
    connection, TLS certificate, timeout, or repeated server errors.  The
    message says which.

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
    platforms it does provide.  Attestation entries are not platforms.

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
    service-account file, no AWS credentials, a Docker credential helper that
    is not installed, or a missing optional dependency (`pip install
    'yamlcheck[aws]'`, `'yamlcheck[gcp]'`, `'yamlcheck[docker]'`).

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


STATUS_RULES: dict[str, type[Rule]] = {
    "manifest-unknown": ManifestUnknown,
    "repository-unknown": RepositoryUnknown,
    "unauthorized": RegistryUnauthorized,
    "denied": RegistryDenied,
    "rate-limited": RegistryRateLimited,
    "unreachable": RegistryUnreachable,
    "platform-missing": PlatformMissing,
    "credentials-unresolved": CredentialsUnresolved,
}


class Outcome(NamedTuple):
    """The result of checking one image reference."""

    status: str  # "ok" or a key of STATUS_RULES
    message: str = ""
    digest: str | None = None
    media_type: str | None = None
    platforms: tuple[str, ...] = ()
    credential_source: str = "anonymous"

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
)
