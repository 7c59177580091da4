"""Which settings apply to a host the check contacts, and what it may send there.

``registry-hosts`` settings apply per host actually contacted: the registry
(or its ``endpoint``), a token realm on another host, a storage host a blob
redirect leads to.  A host without an entry is verified against the default
trust (REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE when set, else certifi).  Loopback
means ``localhost`` and IP literals in 127.0.0.0/8 or ``::1``, nothing else.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urljoin, urlsplit

from yamlcheck.core.settings import HostSettings
from yamlcheck.images.providers import is_loopback

DEFAULT_PORTS = {"http": 80, "https": 443}


def resolve_url(base: str, ref: str) -> str | None:
    """``ref`` (a Location or a realm) resolved against ``base``; None when it is no
    usable http(s) URL."""
    try:
        url = urljoin(base, ref.strip())
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def netloc_of(url: str) -> str:
    """``host[:port]`` of ``url``, lower case, without user info or the default port
    (``url`` itself when it cannot be parsed)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None or port == DEFAULT_PORTS.get(parts.scheme):
        return host
    return f"{host}:{port}"


def origin(url: str) -> tuple[str, str]:
    """(scheme, netloc): Authorization never leaves its origin."""
    return urlsplit(url).scheme.lower(), netloc_of(url)


def _normal(key: str) -> str:
    """A registry-hosts key as netloc_of writes it (registries speak https: no :443)."""
    key = key.lower()
    return key[: -len(":443")] if key.endswith(":443") else key


def is_private_literal(host: str) -> bool:
    """A loopback, private or link-local IP literal (not a name)."""
    literal = host.split("]")[0].lstrip("[") if host.startswith("[") else host.split(":")[0]
    try:
        address = ipaddress.ip_address(literal)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def guessed_http(registry: str, settings: HostSettings) -> bool:
    """A loopback registry without settings: plain http is tried first."""
    return not settings.endpoint and not settings.insecure_http and not settings.ca_bundle \
        and is_loopback(registry)


def endpoint_base(registry: str, settings: HostSettings) -> str:
    """The URL a registry is first reached at: its ``endpoint``, else https (plain
    http with ``insecure-http``, or for a loopback registry without settings)."""
    if settings.endpoint:
        return settings.endpoint.rstrip("/")
    api = "registry-1.docker.io" if registry == "docker.io" else registry
    plain = settings.insecure_http or guessed_http(registry, settings)
    return f"{'http' if plain else 'https'}://{api}"


class HostTrust:
    """``registry-hosts`` looked up by the host actually contacted."""

    def __init__(self, hosts: dict[str, HostSettings] | tuple[tuple[str, HostSettings], ...]) -> None:
        items = hosts.items() if isinstance(hosts, dict) else hosts
        self.by_name: dict[str, HostSettings] = {}
        self._table: dict[str, tuple[str, HostSettings]] = {}
        for name, settings in items:
            self.by_name[name] = settings
            self._table[_normal(name)] = (name, settings)
        for name, settings in items:  # an endpoint is reached with its registry's settings
            if settings.endpoint:
                self._table.setdefault(netloc_of(settings.endpoint), (name, settings))

    def entry(self, netloc: str) -> tuple[str | None, HostSettings]:
        """(the registry-hosts key that applies, its settings)."""
        found = self._table.get(_normal(netloc))
        if found is None:
            return None, HostSettings()
        return found

    def settings(self, netloc: str) -> HostSettings:
        return self.entry(netloc)[1]

    def verify(self, netloc: str) -> bool | str:
        return self.settings(netloc).ca_bundle or True

    def plain_http_allowed(self, netloc: str) -> bool:
        return is_loopback(netloc) or self.settings(netloc).insecure_http

    def tls_advice(self, netloc: str) -> str:
        """What to set when the certificate of ``netloc`` is not trusted."""
        name, settings = self.entry(netloc)
        if settings.ca_bundle:
            return (f"the certificate of {netloc} is not signed by the ca-bundle "
                    f"{settings.ca_bundle} set for {name} under registry-hosts")
        return (f"set registry-hosts: {name or netloc}: ca-bundle: to the CA that signed "
                f"the certificate of {netloc}")
