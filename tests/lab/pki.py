"""Certificates and keys for the registry lab: a TLS CA, and the key the token
server signs with (its libtrust key id is what the registry looks up)."""

from __future__ import annotations

import base64
import datetime
import hashlib
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def libtrust_kid(public_key: rsa.RSAPublicKey) -> str:
    """The key id distribution's token verifier expects in the JWT header."""
    der = public_key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    text = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
    return ":".join(text[i:i + 4] for i in range(0, len(text), 4))


class Pki:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.ca = trustme.CA()
        server = self.ca.issue_cert("127.0.0.1", "localhost")
        self.ca_file = folder / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.server_cert = folder / "server.crt"
        self.server_key = folder / "server.key"
        server.cert_chain_pems[0].write_to_path(str(self.server_cert))
        server.private_key_pem.write_to_path(str(self.server_key))
        self.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = libtrust_kid(self.signing_key.public_key())
        self.signing_cert = folder / "token-signer.crt"
        self.signing_cert.write_bytes(_self_signed(self.signing_key).public_bytes(
            serialization.Encoding.PEM))
        self.signing_pem = self.signing_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())


def _self_signed(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "token-signer")])
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))


def rsa_private_pem() -> str:
    """A fresh RSA key in PEM (for a fake Google service account)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def tls_files(folder: Path, name: str) -> tuple[Path, Path, Path]:
    """A CA of its own and a server certificate for 127.0.0.1 and localhost signed
    by it: (CA file, certificate chain, key), under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    files = folder / f"{name}-ca.pem", folder / f"{name}.crt", folder / f"{name}.key"
    ca.cert_pem.write_to_path(str(files[0]))
    server.cert_chain_pems[0].write_to_path(str(files[1]))
    server.private_key_pem.write_to_path(str(files[2]))
    return files
