"""Registry patterns, provider hosts and image classification."""

from __future__ import annotations

import pytest
from helpers import lint_text

from yamlcheck.core.settings import Config, RegistryEntry
from yamlcheck.images.patterns import classify_image, first_match, matches, namespace
from yamlcheck.images.providers import classify
from yamlcheck.images.reference import parse


@pytest.mark.parametrize(("pattern", "image", "expected"), [
    ("docker.io/acme/*", "docker.io/acme/app:1", True),
    ("docker.io/acme/*", "docker.io/acme/team/app:1", True),  # * crosses '/'
    ("docker.io/acme/*", "acme/app:1", False),  # matched as written
    ("docker.io/acme/*", "index.docker.io/acme/app:1", False),
    ("gcr.io/acme/trainer:*", "gcr.io/acme/trainer:2.0", True),
    ("gcr.io/acme/trainer:*", "gcr.io/acme/trainer-x:2.0", False),
    ("gcr.io/acme/trainer:*", "gcr.io/acme/trainer@sha256:" + "a" * 64, False),
    ("*.dkr.ecr.*.amazonaws.com/*", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/a:1", True),
    ("docker.io/acme/app:1", "docker.io/acme/app:1", True),
    ("docker.io/acme/app:1", "docker.io/acme/app:10", False),
    ("docker.io/acme/app?", "docker.io/acme/app1", False),  # only * is special
    ("registry.example.com/[ab]*", "registry.example.com/[ab]x:1", True),
    ("Docker.io/acme/*", "docker.io/acme/app:1", False),  # case-sensitive
])
def test_pattern_matching(pattern: str, image: str, expected: bool) -> None:
    assert matches(pattern, image) is expected


def test_first_match_wins() -> None:
    entries = (RegistryEntry("docker.io/acme/*", "docker-hub", {}),
               RegistryEntry("docker.io/*", "basic", {}))
    assert first_match(entries, "docker.io/acme/app:1") is entries[0]
    assert first_match(entries, "docker.io/other/app:1") is entries[1]
    assert first_match(entries, "quay.io/x:1") is None


@pytest.mark.parametrize(("pattern", "expected"), [
    ("docker.io/acme/*", "docker.io/acme"), ("gcr.io/acme/trainer:*", "gcr.io/acme"),
    ("123.dkr.ecr.eu-west-1.amazonaws.com/*", None), ("docker.io/ac*/x", None), ("*", None),
])
def test_namespace(pattern: str, expected: str | None) -> None:
    assert namespace(pattern) == expected


@pytest.mark.parametrize(("host", "kind", "region", "fips"), [
    ("123456789012.dkr.ecr.us-west-2.amazonaws.com", "aws-ecr", "us-west-2", False),
    ("123456789012.dkr-ecr.us-west-2.on.aws", "aws-ecr", "us-west-2", False),
    ("123456789012.dkr-ecr-fips.us-west-2.on.aws", "aws-ecr", "us-west-2", True),
    ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "aws-ecr", "us-gov-west-1", True),
    ("210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn", "aws-ecr", "cn-north-1", False),
    ("210987654321.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn", "aws-ecr", "cn-north-1",
     False),
    ("123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov", "aws-ecr", "us-iso-east-1", False),
    ("123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu", "aws-ecr", "eusc-de-east-1", False),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com.fake.example.com", "generic", None, False),
    (".dkr.ecr.not-real.amazonaws.com", "generic", None, False),
    ("210987654321.dkr.ecr.cn-north-1.on.aws.com.cn", "generic", None, False),
    ("public.ecr.aws", "aws-ecr-public", "us-east-1", False),
    ("gcr.io", "gcp", None, False), ("eu.gcr.io", "gcp", None, False),
    ("europe-west1-docker.pkg.dev", "gcp", None, False),
    ("acme.azurecr.io", "azure-acr", None, False), ("acme.azurecr.cn", "azure-acr", None, False),
    ("azurecr.io.evil.com", "generic", None, False),
    ("acme.jfrog.io", "jfrog", None, False), ("docker.io", "docker-hub", None, False),
    ("registry-1.docker.io", "generic", None, False), ("localhost:5000", "generic", None, False),
])
def test_provider_hosts(host: str, kind: str, region: str | None, fips: bool) -> None:
    provider = classify(host)
    assert (provider.kind, provider.region, provider.fips) == (kind, region, fips)


ENTRIES = (
    RegistryEntry("docker.io/acme/*", "docker-hub", {}),
    RegistryEntry("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/*", "aws-ecr", {}),
    RegistryEntry("gcr.io/acme/trainer:*", "gcp", {}),
)


@pytest.mark.parametrize(("image", "outcome"), [
    ("docker.io/acme/app:1", "match"),
    ("acme/app:1", "qualified"),
    ("index.docker.io/acme/app:1", "qualified"),
    ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/other/x:1", "needs"),
    ("999999999999.dkr.ecr.eu-west-1.amazonaws.com/x:1", "needs"),
    ("gcr.io/acme/other:1", "needs"),
    ("gcr.io/someone/else:1", "private"),
    ("acme.azurecr.io/x:1", "private"),
    ("docker.io/library/python:3.12", "public"),
    ("python:3.12", "public"),
    ("ghcr.io/acme/x:1", "public"),
])
def test_classification(image: str, outcome: str) -> None:
    found = classify_image(parse(image), ENTRIES)
    actual = ("match" if found.match else "qualified" if found.qualified_match else
              "needs" if found.needs_credentials else "private" if found.usually_private
              else "public")
    assert actual == outcome


def test_registry_match_in_images_list() -> None:
    config = Config(registries=ENTRIES)
    text = ("- step: {name: a, image: 'docker.io/acme/app:1', command: x}\n"
            "- endpoint: {name: ep, image: 'acme/app:1', wsgi: a}\n")
    from yamlcheck.engine import lint_bytes

    result = lint_bytes("v.yaml", text.encode(), config)
    assert [i.registry_match for i in result.images] == ["docker.io/acme/*", None]
    assert [d.code for d in result.diagnostics].count("VH302") == 1


def test_override_images_are_checked() -> None:
    text = """\
- step: {name: train, image: "docker.io/library/python:3.12", command: x}
- pipeline:
    name: p
    nodes:
      - name: a
        type: execution
        step: train
        override: {image: "python:3.9"}
    edges: []
"""
    found = [(d.line, d.code) for d in lint_text(text)]
    assert (8, "VH203") in found


def test_did_you_mean_knows_a_difference_of_case() -> None:
    from yamlcheck.core.suggest import closest

    assert closest("LR", ["lr", "epochs"]) == "lr"
    assert closest("Epochs", ["epochs", "lr"]) == "epochs"
    assert closest("x", ["X", "x"]) != "X"  # two differ in case alone: no guess from case
