"""A small token server for the registry lab.

- ``GET /token`` and ``GET /oauth2/token``: Docker token auth.  Basic
  credentials are checked against ``users``; the JWT grants what ``grants``
  allows that user (anonymous users get what ``grants[None]`` allows).
  ``/oauth2/token`` answers with ``access_token`` only, as Azure does.
- ``POST /oauth2/token`` with ``grant_type=refresh_token``: identity tokens.
- ``POST /google/token``: a Google OAuth2 token endpoint for service-account
  JWT assertions (checked against the account's public key).
"""

from __future__ import annotations

import base64
import fnmatch
import json
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization

from .faults import QuietHandler, serve, stop

GOOGLE_TOKEN = "ya29.lab-access-token"


class TokenServer:
    def __init__(self, signing_pem: bytes, kid: str, issuer: str = "lab-issuer",
                 tls: tuple[str, str] | None = None, host: str = "127.0.0.1") -> None:
        """``tls``: (certificate chain, key) to serve https; ``host``: the name in ``url``."""
        self.signing_pem = signing_pem
        # loaded once: cryptography checks an RSA key each time it loads one (~30 ms)
        self.signing_key = serialization.load_pem_private_key(signing_pem, None)
        self.kid = kid
        self.issuer = issuer
        self.users: dict[str, str] = {}
        self.refresh_tokens: dict[str, str] = {}  # identity token -> user
        self.grants: dict[str | None, list[str]] = {None: []}  # user -> repository globs
        self.google_keys: dict[str, Any] = {}  # client email -> public key
        self.counts: Counter[str] = Counter()
        self.requests: list[str] = []
        self.server = serve(self._handler(), tls)
        self.port = self.server.server_address[1]
        self.url = f"{'https' if tls else 'http'}://{host}:{self.port}"

    def stop(self) -> None:
        stop(self.server)

    def issue(self, user: str | None, service: str, scopes: list[str]) -> str:
        allowed = self.grants.get(user, []) + (self.grants.get("*", []) if user else [])
        access = []
        for scope in scopes:
            parts = scope.split(":")
            if len(parts) < 3 or parts[0] != "repository":
                continue
            name, actions = ":".join(parts[1:-1]), parts[-1].split(",")
            if any(fnmatch.fnmatch(name, pattern) for pattern in allowed):
                access.append({"type": "repository", "name": name, "actions": actions})
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": user or "", "aud": service, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}
        return jwt.encode(claims, self.signing_key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        lab = self

        class Handler(QuietHandler):  # keep-alive, as real token services do
            def _send(self, status: int, body: dict[str, Any],
                      headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _user(self) -> tuple[bool, str | None]:
                header = self.headers.get("Authorization", "")
                if not header.startswith("Basic "):
                    return True, None
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                return lab.users.get(user) == password, user

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                lab.counts[url.path] += 1
                lab.requests.append(self.path)
                if url.path not in ("/token", "/oauth2/token"):
                    self._send(404, {"error": "not found"})
                    return
                ok, user = self._user()
                if not ok:
                    self._send(401, {"details": "incorrect username or password"},
                               {"WWW-Authenticate": 'Basic realm="lab"'})
                    return
                query = parse_qs(url.query)
                token = lab.issue(user, query.get("service", [""])[0], query.get("scope", []))
                if url.path == "/oauth2/token":
                    self._send(200, {"access_token": token})
                else:
                    self._send(200, {"token": token, "access_token": token, "expires_in": 300})

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                lab.counts[url.path] += 1
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode())
                if url.path == "/google/token":
                    self._google(form)
                    return
                user = lab.refresh_tokens.get(form.get("refresh_token", [""])[0])
                if url.path != "/oauth2/token" or user is None:
                    self._send(401, {"error": "invalid_grant"})
                    return
                scopes = form.get("scope", [""])[0].split()
                token = lab.issue(user, form.get("service", [""])[0], scopes)
                self._send(200, {"access_token": token})

            def _google(self, form: dict[str, list[str]]) -> None:
                assertion = form.get("assertion", [""])[0]
                try:
                    unverified = jwt.decode(assertion, options={"verify_signature": False})
                    key = lab.google_keys[unverified["iss"]]
                    # google-auth addresses the assertion to Google's own endpoint
                    jwt.decode(assertion, key, algorithms=["RS256"],
                               audience="https://oauth2.googleapis.com/token")
                except (jwt.PyJWTError, KeyError):
                    self._send(400, {"error": "invalid_grant"})
                    return
                self._send(200, {"access_token": GOOGLE_TOKEN, "expires_in": 3600,
                                 "token_type": "Bearer"})

        return Handler
