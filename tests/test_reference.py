"""The image reference grammar, checked against a table derived from
distribution/reference (normalising semantics)."""

from __future__ import annotations

import pytest

from yamlcheck.images.reference import ReferenceError, parse

F64 = "f" * 64
HEX = "86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"
H32 = "be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912"
S = f"sha256:{F64}"

# (input, expected registry, repository, tag, digest); None means invalid.
VALID = [
    ("ubuntu", "docker.io", "library/ubuntu", None, None),
    ("ubuntu:latest", "docker.io", "library/ubuntu", "latest", None),
    ("library/ubuntu", "docker.io", "library/ubuntu", None, None),
    ("docker.io/ubuntu", "docker.io", "library/ubuntu", None, None),
    ("index.docker.io/library/ubuntu", "docker.io", "library/ubuntu", None, None),
    ("index.docker.io/debian", "docker.io", "library/debian", None, None),
    ("registry-1.docker.io/library/ubuntu", "registry-1.docker.io", "library/ubuntu", None, None),
    ("docker.io/library/foo/bar", "docker.io", "library/foo/bar", None, None),
    ("fooo/bar", "docker.io", "fooo/bar", None, None),
    ("test_com", "docker.io", "library/test_com", None, None),
    ("test_com/foo", "docker.io", "test_com/foo", None, None),
    ("test.com:tag", "docker.io", "library/test.com", "tag", None),
    ("test.com:5000", "docker.io", "library/test.com", "5000", None),
    ("test.com/repo:tag", "test.com", "repo", "tag", None),
    ("test:5000/repo", "test:5000", "repo", None, None),
    ("test:5000/repo:tag", "test:5000", "repo", "tag", None),
    (f"test:5000/repo@{S}", "test:5000", "repo", None, S),
    (f"test:5000/repo:tag@{S}", "test:5000", "repo", "tag", S),
    ("test-com:8080/foo", "test-com:8080", "foo", None, None),
    ("localhost/fooo", "localhost", "fooo", None, None),
    (f"localhost:8080/name@sha256:{H32}", "localhost:8080", "name", None, f"sha256:{H32}"),
    (f"localhost:8080@sha256:{H32}", "docker.io", "library/localhost", "8080", f"sha256:{H32}"),
    ("localhost", "docker.io", "library/localhost", None, None),
    ("LOCALDOMAIN/fooo", "LOCALDOMAIN", "fooo", None, None),
    ("Foo/bar", "Foo", "bar", None, None),
    ("Uppercase/lowercase:tag", "Uppercase", "lowercase", "tag", None),
    (f"validname@sha512:{'f' * 128}", "docker.io", "library/validname", None, f"sha512:{'f' * 128}"),
    ("lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase", None),
    (f"example.com/{'a' * 255}:tag", "example.com", "a" * 255, "tag", None),
    ("a/" * 127 + "a:tag-puts-this-over-max", "docker.io", "a/" * 127 + "a",
     "tag-puts-this-over-max", None),
    ("sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux",
     "some-long-tag", None),
    ("b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app",
     "test.example.com", None),
    ("xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com", None),
    (f"xn--7o8h.com/myimage:xn--7o8h.com@{S}", "xn--7o8h.com", "myimage", "xn--7o8h.com", S),
    ("foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", None),
    ("foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", "8080", None),
    ("192.168.1.1", "docker.io", "library/192.168.1.1", None, None),
    ("192.168.1.1:5000", "docker.io", "library/192.168.1.1", "5000", None),
    ("192.168.1.1/repo", "192.168.1.1", "repo", None, None),
    ("192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050", None),
    ("[2001:db8::1]/repo", "[2001:db8::1]", "repo", None, None),
    (f"[2001:db8::1]:5000/repo:tag@{S}", "[2001:db8::1]:5000", "repo", "tag", S),
    ("[::1]:5000/repo", "[::1]:5000", "repo", None, None),
    ("dock__er/docker", "docker.io", "dock__er/docker", None, None),
    ("docker---rules/docker", "docker.io", "docker---rules/docker", None, None),
    ("registry.io/foo/project--id.module--name.ver---sion--name", "registry.io",
     "foo/project--id.module--name.ver---sion--name", None, None),
    ("Asdf.com/foo/bar", "Asdf.com", "foo/bar", None, None),
    (f"docker.io/{'1a3f5e7d' * 8}", "docker.io", f"library/{'1a3f5e7d' * 8}", None, None),
    ("thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "docker.io",
     "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", None, None),
    (f"busybox:latest@sha256:{HEX}", "docker.io", "library/busybox", "latest", f"sha256:{HEX}"),
    (f"gcr.io/library/busybox:latest@sha256:{HEX}", "gcr.io", "library/busybox", "latest",
     f"sha256:{HEX}"),
    (f"repo:{'a' * 128}", "docker.io", "library/repo", "a" * 128, None),
    ("repo:_tag", "docker.io", "library/repo", "_tag", None),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1.2.3",
     "123456789012.dkr.ecr.us-east-1.amazonaws.com", "team/app", "v1.2.3", None),
    (f"us-docker.pkg.dev/my-project/my-repo/app@sha256:{HEX}", "us-docker.pkg.dev",
     "my-project/my-repo/app", None, f"sha256:{HEX}"),
    ("myregistry.azurecr.io/samples/nginx:1.25", "myregistry.azurecr.io", "samples/nginx", "1.25",
     None),
    ("example.com", "docker.io", "library/example.com", None, None),
    ("a.b-c.d:65535/x.y_z--w/v__u:T.a-g_9", "a.b-c.d:65535", "x.y_z--w/v__u", "T.a-g_9", None),
    ("localhost:5000/a/b/c/d:1", "localhost:5000", "a/b/c/d", "1", None),
    ("0/1", "docker.io", "0/1", None, None),
]

INVALID = [
    "", ":justtag", f"@{S}", f"repo@sha256:{'f' * 34}", f"validname@invaliddigest:{F64}",
    "Uppercase:tag", "test:5000/Uppercase/lowercase:tag", f"domain/{'a' * 256}:tag",
    "aa/asdf$$^/aa", "[2001:db8::1]", "[2001:db8::1]:5000", "[fe80::1%eth0]:5000/repo",
    "[2001:db8:3:4::192.0.2.33]:5000/debian", "fc00::1:5000/debian",
    "https://github.com/docker/docker", "docker/Docker", "-docker", "docker-/docker",
    "docker///docker", "docker/", "dock..er/docker", "____/____",
    "example.com/__underscore/myimage", "do__cker:8080/docker", "bad_hostname.com:8080/myapp:tag",
    "foo.com:http/bar", "registry.com:8080/myapp:invalid~tag",
    "registry.com:8080/myapp@sha256:badbadbadbad", "registry.com:8080/myapp@2bad",
    "1a3f5e7d" * 8, f"repo@sha256:{'F' * 64}", f"repo:{'a' * 129}", "repo:-tag", "repo:.tag",
    "example.com/", "a//a/a", "foo/bar-", "docker./docker", "ubuntu\n", "repo:täg",
    "python 3.9", " python:3.9", "repo:", "repo@", "a:b:c", "/repo", "repo@sha256",
    f"repo@sha384:{'f' * 96}", f"repo@sha256:{'f' * 65}", "<<registry/image:tag>>",
    "docker.io/acme/app:1@sha256:xyz", "UPPER/Case:tag/x",
]


@pytest.mark.parametrize(("text", "registry", "repository", "tag", "digest"), VALID,
                         ids=[v[0][:40] for v in VALID])
def test_valid_references(text: str, registry: str, repository: str, tag: str | None,
                          digest: str | None) -> None:
    ref = parse(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (registry, repository, tag,
                                                                    digest)


@pytest.mark.parametrize("text", INVALID, ids=[repr(v[:40]) for v in INVALID])
def test_invalid_references(text: str) -> None:
    with pytest.raises(ReferenceError) as raised:
        parse(text)
    assert str(raised.value)  # every rejection says why


def test_table_is_large() -> None:
    assert len(VALID) + len(INVALID) >= 80


@pytest.mark.parametrize(("text", "domain", "path"), [
    ("python:3.9", None, "python"),
    ("library/python:3.9", None, "library/python"),
    ("docker.io/python:3.9", "docker.io", "python"),
    ("index.docker.io/acme/app:1", "index.docker.io", "acme/app"),
    ("gcr.io/acme/app@sha256:" + F64, "gcr.io", "acme/app"),
])
def test_name_as_written_is_kept(text: str, domain: str | None, path: str) -> None:
    ref = parse(text)
    assert (ref.domain, ref.path) == (domain, path)


@pytest.mark.parametrize(("text", "normalized"), [
    ("python:3.9", "docker.io/library/python:3.9"),
    ("tensorflow/serving:2", "docker.io/tensorflow/serving:2"),
    ("index.docker.io/debian:12", "docker.io/library/debian:12"),
    (f"busybox:1@{S}", f"docker.io/library/busybox:1@{S}"),
    ("quay.io/acme/app:1", "quay.io/acme/app:1"),
])
def test_normalized_form(text: str, normalized: str) -> None:
    assert parse(text).normalized == normalized


@pytest.mark.parametrize(("text", "words"), [
    ("docker.io/Acme/App:1", "lower case"),
    ("repo:" + "a" * 129, "at most 128"),
    (f"repo@sha256:{'f' * 10}", "sha256"),
    (f"repo@md5:{F64}", "not supported"),
    ("https://x.io/a:1", "URL scheme"),
    ("a" * 64, "image ID"),
    ("foo/bar-", "repository part"),
])
def test_messages_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(ReferenceError, match=words):
        parse(text)
