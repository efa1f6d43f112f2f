"""Named Ed25519 keys in the C2SP signed-note encodings.

* Key ID (C2SP signed-note, "Signatures"): ``SHA-256(name || 0x0A || type || public key)[:4]``
  read as a big-endian uint32, where ``type`` is 0x01 for Ed25519 note signatures and 0x04 for
  Ed25519 timestamped witness cosignatures (C2SP tlog-cosignature).
* Verifier key ("vkey", C2SP signed-note / ``note.NewVerifier``):
  ``<name>+<8 hex digits key ID>+base64(type || 32-byte public key)``.
* Signer key ("skey", ``note.GenerateKey``):
  ``PRIVATE+KEY+<name>+<8 hex digits key ID>+base64(type || 32-byte Ed25519 seed)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

__all__ = [
    "ALG_COSIGNATURE_V1",
    "ALG_ED25519",
    "KeyFormatError",
    "SigningKey",
    "VerifierKey",
    "generate",
    "is_valid_key_name",
    "key_hash",
    "load_key_text",
    "load_signing_key",
    "parse_skey",
    "parse_vkey",
]

#: C2SP signed-note signature type 0x01: Ed25519 over the note text.
ALG_ED25519 = 0x01
#: C2SP signed-note signature type 0x04: timestamped Ed25519 cosignature (tlog-cosignature/v1).
ALG_COSIGNATURE_V1 = 0x04

_ALGS = (ALG_ED25519, ALG_COSIGNATURE_V1)


class KeyFormatError(ValueError):
    """A key string or key file is malformed, or its key ID does not match."""


def is_valid_key_name(name: str) -> bool:
    """C2SP signed-note: names are non-empty, with no Unicode spaces and no '+' (U+002B)."""
    if not name or "+" in name:
        return False
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in name):
        return False  # a lone surrogate has no UTF-8 encoding, so no key ID
    # Go's unicode.IsSpace: White_Space property; approximate with str.isspace plus Zs/Zl/Zp.
    return not any(ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp") for ch in name)


def key_hash(name: str, alg: int, public: bytes) -> int:
    """Key ID: first 4 bytes, big-endian, of SHA-256(name || 0x0A || alg || public key).

    C2SP signed-note section "Signatures" (type 0x01) and C2SP tlog-cosignature "Format"
    (type 0x04).
    """
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([alg]) + public).digest()
    return int.from_bytes(digest[:4], "big")


def _raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class VerifierKey:
    """A named Ed25519 public key (C2SP signed-note verifier key)."""

    name: str
    public: Ed25519PublicKey = field(compare=False)
    alg: int = ALG_ED25519
    public_bytes: bytes = field(init=False)

    def __post_init__(self) -> None:
        if not is_valid_key_name(self.name):
            raise KeyFormatError(f"invalid key name {self.name!r}")
        if self.alg not in _ALGS:
            raise KeyFormatError(f"unsupported key type 0x{self.alg:02x}")
        object.__setattr__(self, "public_bytes", _raw_public(self.public))

    @property
    def key_hash(self) -> int:
        """The 32-bit key ID (C2SP signed-note)."""
        return key_hash(self.name, self.alg, self.public_bytes)

    @property
    def key_id(self) -> str:
        """``name+hash8``: the vkey prefix, unique per (name, key, type)."""
        return f"{self.name}+{self.key_hash:08x}"

    @property
    def vkey(self) -> str:
        """C2SP signed-note vkey: ``name+hash8+base64(type || public key)``."""
        data = base64.b64encode(bytes([self.alg]) + self.public_bytes).decode("ascii")
        return f"{self.key_id}+{data}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Ed25519 (RFC 8032) verification of ``signature`` over ``message``."""
        if len(signature) != 64:
            return False
        try:
            self.public.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __str__(self) -> str:
        return self.vkey


@dataclass(frozen=True)
class SigningKey:
    """A named Ed25519 private key.  ``repr`` never shows the key material."""

    name: str
    private: Ed25519PrivateKey = field(repr=False, compare=False)
    alg: int = ALG_ED25519

    def __post_init__(self) -> None:
        if not is_valid_key_name(self.name):
            raise KeyFormatError(f"invalid key name {self.name!r}")
        if self.alg not in _ALGS:
            raise KeyFormatError(f"unsupported key type 0x{self.alg:02x}")

    @property
    def verifier(self) -> VerifierKey:
        """The matching public verifier key."""
        return VerifierKey(self.name, self.private.public_key(), self.alg)

    @property
    def key_hash(self) -> int:
        """The 32-bit key ID (C2SP signed-note)."""
        return self.verifier.key_hash

    @property
    def key_id(self) -> str:
        """``name+hash8``."""
        return self.verifier.key_id

    @property
    def vkey(self) -> str:
        """The public vkey string."""
        return self.verifier.vkey

    @property
    def skey(self) -> str:
        """``PRIVATE+KEY+name+hash8+base64(type || seed)`` as Go's ``note.GenerateKey``."""
        seed = self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        data = base64.b64encode(bytes([self.alg]) + seed).decode("ascii")
        return f"PRIVATE+KEY+{self.key_id}+{data}"

    def sign(self, message: bytes) -> bytes:
        """Ed25519 (RFC 8032) signature over ``message``."""
        return self.private.sign(message)


def generate(name: str, alg: int = ALG_ED25519) -> SigningKey:
    """Generate a new named Ed25519 key (``note.GenerateKey``)."""
    return SigningKey(name, Ed25519PrivateKey.generate(), alg)


def _b64(data: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFormatError("key data is not valid base64") from None


def _parse_hash(hash16: str) -> int:
    if len(hash16) != 8 or any(c not in "0123456789abcdefABCDEF" for c in hash16):
        raise KeyFormatError("key ID must be 8 hexadecimal digits")
    return int(hash16, 16)


def parse_vkey(vkey: str) -> VerifierKey:
    """Parse a C2SP signed-note verifier key ``name+hash8+base64(type || key)``.

    Follows ``note.NewVerifier``: the key ID must match the key, the type must be 0x01 or 0x04,
    and the key must be 32 bytes.
    """
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise KeyFormatError("verifier key must look like name+hash+base64key")
    name, hash16, data = parts
    if not is_valid_key_name(name):
        raise KeyFormatError(f"invalid key name {name!r}")
    expected = _parse_hash(hash16)
    raw = _b64(data)
    if len(raw) != 33:
        raise KeyFormatError("verifier key must be a type byte and a 32-byte Ed25519 key")
    alg, public = raw[0], raw[1:]
    if alg not in _ALGS:
        raise KeyFormatError(f"unsupported key type 0x{alg:02x}")
    if key_hash(name, alg, public) != expected:
        raise KeyFormatError(f"key ID {hash16} does not match the key for {name}")
    return VerifierKey(name, Ed25519PublicKey.from_public_bytes(public), alg)


def parse_skey(skey: str) -> SigningKey:
    """Parse a signer key ``PRIVATE+KEY+name+hash8+base64(type || seed)`` (``note.NewSigner``).

    The key ID is checked against the public key derived from the seed.
    """
    parts = skey.strip().split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise KeyFormatError("signer key must look like PRIVATE+KEY+name+hash+base64key")
    _, _, name, hash16, data = parts
    if not is_valid_key_name(name):
        raise KeyFormatError(f"invalid key name {name!r}")
    expected = _parse_hash(hash16)
    raw = _b64(data)
    if len(raw) != 33:
        raise KeyFormatError("signer key must be a type byte and a 32-byte Ed25519 seed")
    alg, seed = raw[0], raw[1:]
    if alg not in _ALGS:
        raise KeyFormatError(f"unsupported key type 0x{alg:02x}")
    key = SigningKey(name, Ed25519PrivateKey.from_private_bytes(seed), alg)
    if key.key_hash != expected:
        raise KeyFormatError(f"key ID {hash16} does not match the key for {name}")
    return key


_K = TypeVar("_K")


def load_key_text(
    parse: Callable[[str], _K],
    *,
    path: str | os.PathLike[str] | None = None,
    env: str | None = None,
) -> _K:
    """Read a key's text form from a file (first non-empty line) or an environment variable
    and parse it with ``parse`` (any key kind: log, witness, VRF).

    Exactly one of ``path`` and ``env`` must be given.  Error messages never include the key.
    """
    if (path is None) == (env is None):
        raise ValueError("give exactly one of path= and env=")
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise KeyFormatError(f"cannot read key file {path}: {exc.strerror}") from None
        source = f"key file {path}"
    else:
        assert env is not None
        value = os.environ.get(env)
        if value is None:
            raise KeyFormatError(f"environment variable {env} is not set")
        text = value
        source = f"environment variable {env}"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise KeyFormatError(f"{source} is empty")
    try:
        return parse(lines[0])
    except KeyFormatError as exc:
        raise KeyFormatError(f"{source}: {exc}") from None


def load_signing_key(
    *, path: str | os.PathLike[str] | None = None, env: str | None = None
) -> SigningKey:
    """Load a signer key (C2SP signed-note skey) from a file or an environment variable."""
    return load_key_text(parse_skey, path=path, env=env)
