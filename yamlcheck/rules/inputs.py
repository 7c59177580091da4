"""Input defaults: is each one a URI Valohai can fetch?

What Valohai documents (docs.valohai.com, step inputs and data pages):
``s3://{bucket}/{key}``, ``gs://{bucket}/{key}``,
``azure://{account_name}/{container_name}/{blob_name}``,
``swift://{project}/{container}/{key}`` (with ``*`` and ``**`` wildcards in
the key), ``datum://{id or alias}``, ``dataset://{name}/{version}``,
``model://{name}/{version}`` and public ``http(s)://`` URLs; a
``{parameter:NAME}`` may be interpolated into the URI.  What it does with
anything else is not written down: a shape it certainly cannot fetch is an
error, one that is only doubtful a warning that says what is known.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.core.suggest import did_you_mean
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.steps import overrides

# scheme -> the parts after // that a URI of it names, in order
STORES = {"s3": ("bucket", "key"), "gs": ("bucket", "key"),
          "azure": ("account", "container", "blob"), "swift": ("project", "container", "key")}
VALOHAI = {"datum": ("id or alias",), "dataset": ("name", "version"),
           "model": ("name", "version")}
WEB = ("http", "https")
SCHEMES = (*STORES, *VALOHAI, *WEB)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_FORMS = {"datum": "datum://ID or datum://ALIAS"}
_EXPECTED = ("s3://bucket/key, gs://bucket/key, azure://account/container/blob, "
             "swift://project/container/key, datum://id, dataset://name/version, "
             "model://name/version or an http(s):// URL")


class Problem(NamedTuple):
    severity: Severity
    message: str


def uri_problem(value: str) -> Problem | None:
    """What is wrong with an input default, or None."""
    text = value.strip()
    if not text:
        return None  # an empty default is no default
    match = _SCHEME.match(text)
    if match is None and "{" in text:
        return None  # a placeholder where the scheme would be: known only at run time
    if match is None or (len(match.group(1)) == 1 and text[2:3] in ("\\", "/")):
        return Problem(Severity.ERROR, "is a local path, which Valohai cannot fetch; give a "
                                       f"URI such as {_EXPECTED}")
    scheme, rest = match.group(1), text[match.end():]
    if "{" in scheme:
        return None
    lower = scheme.lower()
    if lower == "file":
        return Problem(Severity.ERROR, "is a file on your machine, which Valohai cannot fetch; "
                                       f"give a URI such as {_EXPECTED}")
    if lower not in SCHEMES:  # Valohai's list of stores is not exhaustive: doubtful, not certain
        return Problem(Severity.WARNING, f"has the scheme {scheme!r}{did_you_mean(lower, SCHEMES)}"
                                         f"; Valohai documents {_EXPECTED} (its other stores, "
                                         "such as OVH and Oracle, use s3://)")
    if not rest.startswith("//"):
        return Problem(Severity.ERROR, f"needs two slashes after '{scheme}:'; write "
                                       f"{lower}://{rest.lstrip('/')}")
    if scheme != lower:
        return Problem(Severity.WARNING, f"writes the scheme as {scheme!r}; Valohai's "
                                         f"documentation writes '{lower}://', and whether it "
                                         "accepts other cases is not documented")
    return _parts_problem(lower, rest[2:])


def _parts_problem(scheme: str, rest: str) -> Problem | None:
    interpolated = "{" in rest
    if interpolated:  # a {parameter:...} is interpolated: check what precedes it only
        rest = rest[:rest.index("{")]
        if "/" not in rest:
            return None
    parts = rest.split("/")
    if scheme in WEB:
        if not parts[0] or any(c.isspace() for c in parts[0]):
            return Problem(Severity.ERROR, f"has no host; write {scheme}://host/path")
        if "*" in rest:
            return Problem(Severity.WARNING, "has a wildcard, which Valohai documents for data "
                                             "store URLs (s3://, gs://, azure://) only")
        return None
    names = STORES.get(scheme) or VALOHAI[scheme]
    example = _FORMS.get(scheme) or f"{scheme}://" + "/".join(names)
    if not parts[0]:
        return Problem(Severity.ERROR, f"names no {names[0]}; write {example}")
    if scheme in VALOHAI and "*" in rest:
        return Problem(Severity.WARNING, "has a wildcard, which Valohai documents for data "
                                         "store URLs (s3://, gs://, azure://) only")
    given = [p for p in parts if p]
    if len(given) < len(names) and not interpolated:
        missing = names[len(given)]
        return Problem(Severity.WARNING, f"names no {missing}; Valohai documents the form "
                                         f"{example}")
    return None


class InputUriInvalid(DocumentRule):
    """
    ## What it does
    Checks every `default` of step inputs and of pipeline node override
    inputs: it must be a URI Valohai can fetch: `s3://bucket/key`,
    `gs://bucket/key`, `azure://account/container/blob`,
    `swift://project/container/key` (wildcards `*` and `**` allowed in the
    key), `datum://` with an id or alias, `dataset://name/version`,
    `model://name/version`, or an `http(s)://` URL with a host.
    `{parameter:NAME}` placeholders may appear in it.

    A local path (or `file://`), an empty `datum://` (the API refuses it),
    a missing bucket (`s3:///x`), a single slash (`s3:/x`) and a URL without
    a host are errors.  An unknown scheme (`gcs://`), a missing key or
    version, a wildcard outside a data store URL and an upper-case scheme
    are warnings: Valohai's documentation does not say what it does with
    them, and its list of stores is not exhaustive.  Needs no repository,
    but is part of the repository checks that `--no-repo` turns off.

    ## Why
    The execution is created, then fails while downloading its inputs.

    ## Example
    ```yaml
    inputs:
      - name: dataset
        default: data/train.csv
      - name: model
        default: gcs://models/latest.pt
    ```

    ## Use instead
    ```yaml
    inputs:
      - name: dataset
        default: s3://my-bucket/data/train.csv
      - name: model
        default: gs://models/latest.pt
    ```
    """

    code = "VH505"
    name = "input-uri-invalid"
    severity = Severity.ERROR
    summary = "An input default is not a URI Valohai can fetch"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        owners = [(f"{step.called('step')}", step) for step in ctx.doc.steps]
        owners += list(overrides(ctx))
        for label, owner in owners:
            for item in owner.objects("inputs"):
                for value, span in item.strings("default"):
                    problem = uri_problem(value)
                    if problem is not None:
                        found = self.at(ctx.path, span, f"{label} {item.called('input')}: "
                                                        f"{value.strip()!r} {problem.message}")
                        yield found.with_severity(problem.severity)


RULES = (InputUriInvalid,)
