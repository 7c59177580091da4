"""Endpoints and deployments: volumes, deployment defaults, file targets."""

from __future__ import annotations

from collections.abc import Iterator

from yamlcheck.core.diagnostic import Diagnostic, Severity, Span
from yamlcheck.core.suggest import did_you_mean
from yamlcheck.document.model import Endpoint, Obj
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.edges import edge_ends


def _volumes(endpoint: Endpoint) -> Iterator[tuple[str, Obj]]:
    for volume in endpoint.objects("shared-volumes"):
        yield "shared volume", volume
    workspace = endpoint.get("workspace-volume")
    if isinstance(workspace, dict):
        yield "workspace volume", Obj(workspace)


class InvalidVolumePath(DocumentRule):
    """
    ## What it does
    Checks endpoint volumes: a shared volume's or the workspace volume's
    `mount-path` must be absolute, and a shared volume's `sub-path` must be
    relative.

    ## Why
    Valohai's validator refuses the endpoint ("mount path ... must start
    with "/"", "sub-path ... must not start with "/"").

    ## Example
    ```yaml
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        server-command: python serve.py
        shared-volumes:
          - {pvc-name: models, mount-path: models, sub-path: /v1}
    ```

    ## Use instead
    ```yaml
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        server-command: python serve.py
        shared-volumes:
          - {pvc-name: models, mount-path: /models, sub-path: v1}
    ```
    """

    code = "VH460"
    name = "invalid-volume-path"
    severity = Severity.ERROR
    summary = "An endpoint volume's mount-path is relative or its sub-path absolute"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for endpoint in ctx.doc.endpoints:
            for what, volume in _volumes(endpoint):
                path = volume.str("mount-path")
                if path is not None and not path.startswith("/"):
                    yield self.at(ctx.path, volume.value_span("mount-path"),
                                  f"{endpoint.called('endpoint')}: {what} mount path {path!r} must "
                                  "start with '/'")
                sub = volume.str("sub-path")
                if sub is not None and sub.startswith("/"):
                    yield self.at(ctx.path, volume.value_span("sub-path"),
                                  f"{endpoint.called('endpoint')}: {what} sub-path {sub!r} must not "
                                  "start with '/'")


class ConflictingVolumePath(DocumentRule):
    """
    ## What it does
    Reports two volumes of one endpoint mounted at the same path (two shared
    volumes, or the workspace volume and a shared volume).

    ## Why
    Only one of them can be mounted there; Valohai's validator refuses the
    endpoint ("... is already used by a shared volume").

    ## Example
    ```yaml
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        server-command: python serve.py
        workspace-volume: {mount-path: /models, size: 10}
        shared-volumes:
          - {pvc-name: models, mount-path: /models}
    ```

    ## Use instead
    ```yaml
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        server-command: python serve.py
        workspace-volume: {mount-path: /scratch, size: 10}
        shared-volumes:
          - {pvc-name: models, mount-path: /models}
    ```
    """

    code = "VH461"
    name = "conflicting-volume-path"
    severity = Severity.ERROR
    summary = "Two endpoint volumes are mounted at the same path"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for endpoint in ctx.doc.endpoints:
            seen: dict[str, Span] = {}
            for what, volume in _volumes(endpoint):
                path = volume.str("mount-path")
                if path is None:
                    continue
                if path in seen:
                    yield self.at(ctx.path, volume.value_span("mount-path"),
                                  f"{endpoint.called('endpoint')}: {what} mount path {path!r} is "
                                  f"already used by a shared volume (line {seen[path][0] + 1})")
                else:
                    seen[path] = volume.value_span("mount-path")


class DeploymentWithoutTarget(DocumentRule):
    """
    ## What it does
    Reports a top-level `deployment` without `defaults.target`.

    ## Why
    Valohai needs the target to create the deployment automatically when a
    pipeline's deployment node refers to it.

    ## Example
    ```yaml
    - deployment:
        name: production
    ```

    ## Use instead
    ```yaml
    - deployment:
        name: production
        defaults:
          target: my-kubernetes-target
    ```
    """

    code = "VH462"
    name = "deployment-without-target"
    severity = Severity.WARNING
    summary = "A deployment has no defaults.target for automatic creation"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for deployment in ctx.doc.deployments:
            defaults = deployment.get("defaults")
            if not (isinstance(defaults, dict) and defaults.get("target")):
                yield self.at(ctx.path, deployment.name_span,
                              f"{deployment.called('deployment')} has no defaults.target, which "
                              "automatic deployment creation needs")


class UnknownEndpointFile(DocumentRule):
    """
    ## What it does
    Checks `node.file.ENDPOINT.FILE` edge targets on deployment nodes: the
    endpoint must be one of the node's `endpoints`, and the file one of that
    endpoint's `files`.

    ## Why
    Valohai's validator does not check file edges, and what the platform
    does with one that names no endpoint file is not documented (a
    warning); the file would go nowhere and the endpoint would start
    without its model.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        server-command: python serve.py
        files: [{name: model, path: model.pkl}]
    - pipeline:
        name: release
        nodes:
          - {name: train, type: execution, step: train}
          - {name: deploy, type: deployment, deployment: production, endpoints: [predict]}
        edges:
          - [train.output.model.pkl, deploy.file.predict.modle]
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        server-command: python serve.py
        files: [{name: model, path: model.pkl}]
    - pipeline:
        name: release
        nodes:
          - {name: train, type: execution, step: train}
          - {name: deploy, type: deployment, deployment: production, endpoints: [predict]}
        edges:
          - [train.output.model.pkl, deploy.file.predict.model]
    ```
    """

    code = "VH463"
    name = "unknown-endpoint-file"
    severity = Severity.WARNING
    summary = "A file edge names an endpoint or file the deployment node lacks"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        endpoints = ctx.doc.endpoint_map
        for end in edge_ends(ctx):
            node, socket = end.node, end.socket
            if node is None or socket is None or socket.type != "file" or node.type != "deployment":
                continue
            endpoint_name, _, file_name = socket.key.partition(".")
            label = f"{end.pipeline.called('pipeline')} {node.called('node')}"
            if not file_name:
                yield self.at(ctx.path, end.span,
                              f"{label}: file target {end.text!r} names no file of an endpoint; "
                              "write node.file.<endpoint>.<file>")
                continue
            listed = [name for name, _ in node.strings("endpoints")]
            if endpoint_name not in listed:
                yield self.at(ctx.path, end.span,
                              f"{label}: endpoint {endpoint_name!r} is not in the node's "
                              f"endpoints{did_you_mean(endpoint_name, listed)}")
                continue
            endpoint = endpoints.get(endpoint_name)
            if endpoint is None:
                continue  # reported as an unknown endpoint
            files = [f.name for f in endpoint.objects("files") if f.name]
            if file_name not in files:
                yield self.at(ctx.path, end.span,
                              f"{label}: endpoint {endpoint_name!r} has no file {file_name!r}"
                              f"{did_you_mean(file_name, files)}")


RULES = (InvalidVolumePath, ConflictingVolumePath, DeploymentWithoutTarget, UnknownEndpointFile)
