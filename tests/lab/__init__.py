"""A registry lab on 127.0.0.1: real docker-registry processes, a token
server, TLS, and misbehaving sockets.  Used by tests/remote and bench/."""

from __future__ import annotations

from pathlib import Path

from .faults import FaultProxy, SilentServer
from .pki import Pki, rsa_private_pem, tls_files
from .registry import Pusher, Registry, free_port, registry_available, write_htpasswd
from .token_server import GOOGLE_TOKEN, TokenServer

# Secrets of the lab.  Every one contains MARKER so that a test can grep
# every output for it.
ALICE_PASSWORD = "alice-MARKER-pw"
ACR_SECRET = "acr-MARKER-secret"
IDENTITY_TOKEN = "identity-MARKER-token"
ECR_PASSWORD = "123456789012-auth-token"  # what moto's GetAuthorizationToken hands out


class Lab:
    """Token server, four registries and their images."""

    def __init__(self, folder: Path) -> None:
        if not registry_available():
            raise RuntimeError("Debian's docker-registry is missing: "
                               "run scripts/install-system-deps.sh")
        self.pki = Pki(folder / "pki")
        self.tokens = TokenServer(self.pki.signing_pem, self.pki.kid)
        self.tokens.users.update({"alice": ALICE_PASSWORD, "bob": "bob-pw",
                                  "oauth2accesstoken": GOOGLE_TOKEN, "sp-client": ACR_SECRET})
        self.tokens.refresh_tokens[IDENTITY_TOKEN] = "sp-client"
        self.tokens.grants.update({None: ["public/*", "library/*"], "alice": ["*"], "bob": ["team/*"],
                                   "oauth2accesstoken": ["acme/*"], "sp-client": ["samples/*"]})
        htpasswd = folder / "htpasswd"
        write_htpasswd(htpasswd, {"alice": ALICE_PASSWORD, "AWS": ECR_PASSWORD})
        basic_auth = {"htpasswd": {"realm": "basic-realm", "path": str(htpasswd)}}
        self.basic = Registry(folder / "basic", basic_auth)
        self.token = Registry(folder / "token", self._token_auth("token-registry", "/token"))
        self.acr = Registry(folder / "acr", self._token_auth("acme.azurecr.io", "/oauth2/token"))
        self.tls = Registry(folder / "tls", basic_auth, tls=(self.pki.server_cert,
                                                              self.pki.server_key,
                                                              self.pki.ca_file))
        self.registries = [self.basic, self.token, self.acr, self.tls]
        self.digests: dict[str, str] = {}
        self._push()

    def _token_auth(self, service: str, path: str) -> dict[str, object]:
        return {"token": {"realm": f"{self.tokens.url}{path}", "service": service,
                          "issuer": self.tokens.issuer,
                          "rootcertbundle": str(self.pki.signing_cert)}}

    def _push(self) -> None:
        for registry in (self.basic, self.tls):
            push = Pusher(registry, "alice", ALICE_PASSWORD, verify=str(self.pki.ca_file))
            self.digests[f"{registry.host}/team/app:1.0"] = push.image("team/app", "1.0")
            push.image("team/app", "1.1")
        push = Pusher(self.basic, "alice", ALICE_PASSWORD)
        self.digests["basic/team/app:multi"] = push.index(
            "team/app", "multi", [("amd64", ""), ("arm64", "v8")])
        push.image("team/arm", "1.0", arch="arm64")
        push = Pusher(self.token, "alice", ALICE_PASSWORD)
        for repo in ("acme/app", "public/tool", "team/app", "private/secret", "acme/ml/trainer",
                     "library/python"):
            self.digests[f"token/{repo}:1.0"] = push.image(repo, "1.0")
        Pusher(self.acr, "sp-client", ACR_SECRET).image("samples/nginx", "1.25")

    def close(self) -> None:
        for registry in self.registries:
            registry.stop()
        self.tokens.stop()


__all__ = [
    "ACR_SECRET",
    "ALICE_PASSWORD",
    "ECR_PASSWORD",
    "GOOGLE_TOKEN",
    "IDENTITY_TOKEN",
    "FaultProxy",
    "Lab",
    "Pki",
    "Pusher",
    "Registry",
    "SilentServer",
    "TokenServer",
    "free_port",
    "rsa_private_pem",
    "tls_files",
]
