"""ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381), in pure Python, and named rotatable VRF keys.

The suite (RFC 9381 section 5.5): suite_string 0x03, the edwards25519 group of RFC 8032
(section 5.1), SHA-512, cLen = 16, ptLen = qLen = 32, encode_to_curve by try-and-increment
(section 5.4.1.1), nonce generation as RFC 8032 (section 5.4.2.2), challenge generation
(section 5.4.3), point and scalar encodings of RFC 8032 (sections 5.1.2 and 5.1.3). A proof
``pi`` is 80 bytes: ``point_to_string(Gamma) || int_to_string(c, 16) || int_to_string(s, 32)``;
the VRF output ``beta`` is 64 bytes.

The group arithmetic is written here (extended twisted Edwards coordinates, RFC 8032 section
5.1.4) because no maintained Python library exposes what TAI needs: decoding an arbitrary
curve point, including points outside the prime-order subgroup, and multiplying it by the
cofactor (libsodium's edwards25519 functions, as PyNaCl binds them, refuse such points).

Proving on the server: the point arithmetic of prove (cofactor clearing of H by additions,
then x·H, k·B and k·H, which involve the secret scalar ``x`` and the nonce ``k``) is done by
libsodium through PyNaCl when it is installed (the portal depends on it): its
``crypto_scalarmult_ed25519_noclamp`` is constant-time, and the whole prove is about ten times
faster than the Python arithmetic here. Both paths give the same bytes (tested against the
RFC vectors and each other). Without PyNaCl (the offline verifier needs only the standard
library and ``cryptography``) the pure Python path runs.

Side channels: :func:`verify` and :func:`proof_to_hash` only handle public data, so their
timing does not matter. The pure Python :func:`prove` path is NOT constant-time (Python
integers and the window tables leak through timing and cache use); the libsodium path leaves
only Python's big-integer arithmetic on ``k`` and ``x`` for ``s = k + c·x mod L``. An attacker
who can time many proofs precisely (same machine, shared caches) could learn the VRF secret,
and whoever holds it computes the label of any identifier: they can link a person's labels
and test guessed identity numbers against the public log (the log's integrity does not depend
on it). So prove only on the server that holds the key, never on a machine shared with
untrusted code, and rotate the key if that may have happened.

Key text forms (like :mod:`ledger.core.signing`, C2SP signed-note style):

* public:  ``<name>+<8 hex key ID>+base64(32-byte public key)``;
* private: ``PRIVATE+VRF+<name>+<8 hex key ID>+base64(32-byte secret)``;
* key ID:  ``SHA-256(name || 0x0A || 0xFF || "ECVRF-EDWARDS25519-SHA512-TAI" || pk)[:4]`` as
  a big-endian uint32 (C2SP signed-note's rule for key types without an assigned byte: 0xFF
  followed by an identifier), so a VRF key ID never equals a note key's ID for the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from ledger.core.signing import KeyFormatError, is_valid_key_name, load_key_text

_sodium_add: Callable[[bytes, bytes], bytes] | None
_sodium_mul: Callable[[bytes, bytes], bytes] | None
_sodium_mul_base: Callable[[bytes], bytes] | None
try:  # libsodium's constant-time edwards25519 arithmetic (server-side proving)
    from nacl.bindings import crypto_core_ed25519_add as _sodium_add
    from nacl.bindings import crypto_scalarmult_ed25519_base_noclamp as _sodium_mul_base
    from nacl.bindings import crypto_scalarmult_ed25519_noclamp as _sodium_mul
    from nacl.exceptions import RuntimeError as _SodiumError
except ImportError:  # pragma: no cover - the portal installs PyNaCl; offline tools need not
    _sodium_add = _sodium_mul = _sodium_mul_base = None
    _SodiumError = RuntimeError  # type: ignore[misc,assignment]  # never raised then

__all__ = [
    "PROOF_LEN",
    "SUITE",
    "SUITE_STRING",
    "VRFError",
    "VRFPublicKey",
    "VRFSecretKey",
    "generate_vrf_key",
    "load_vrf_key",
    "parse_vrf_public",
    "parse_vrf_secret",
    "proof_to_hash",
    "prove",
    "public_key",
    "verify",
    "vrf_key_hash",
]

SUITE = "ECVRF-EDWARDS25519-SHA512-TAI"
#: RFC 9381 section 5.5: suite_string for ECVRF-EDWARDS25519-SHA512-TAI.
SUITE_STRING = b"\x03"
PROOF_LEN = 80
_C_LEN = 16

# RFC 8032 section 5.1 (Table 1): edwards25519 parameters.
_P = 2**255 - 19
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_D2 = (2 * _D) % _P
_L = 2**252 + 27742317777372353535851937790883648493
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_COFACTOR = 8

# A point in extended coordinates (X, Y, Z, T) with x = X/Z, y = Y/Z, x*y = T/Z.
_Point = tuple[int, int, int, int]
_IDENTITY: _Point = (0, 1, 1, 0)


class VRFError(ValueError):
    """A VRF proof, public key or input is invalid (RFC 9381 "INVALID")."""


def _add(p: _Point, q: _Point) -> _Point:
    """Point addition, RFC 8032 section 5.1.4 (add-2008-hwcd-3)."""
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = t1 * _D2 * t2 % _P
    d = 2 * z1 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _double(p: _Point) -> _Point:
    """Point doubling, RFC 8032 section 5.1.4 (dbl-2008-hwcd)."""
    x1, y1, z1, _ = p
    a = x1 * x1 % _P
    b = y1 * y1 % _P
    c = 2 * z1 * z1 % _P
    h = a + b
    e = h - (x1 + y1) * (x1 + y1)
    g = a - b
    f = c + g
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _neg(p: _Point) -> _Point:
    x, y, z, t = p
    return (-x % _P, y, z, -t % _P)


def _is_identity(p: _Point) -> bool:
    x, y, z, _ = p
    return x % _P == 0 and (y - z) % _P == 0


def _table(p: _Point) -> list[_Point]:
    """0·P … 15·P for the 4-bit window."""
    out = [_IDENTITY, p]
    for _ in range(14):
        out.append(_add(out[-1], p))
    return out


def _mul(n: int, p: _Point) -> _Point:
    """n·P with a fixed 4-bit window (variable time)."""
    return _mul_table(n, _table(p))


def _mul_table(n: int, table: list[_Point]) -> _Point:
    """n·P given P's window table."""
    q = _IDENTITY
    for shift in range(((n.bit_length() + 3) // 4) * 4 - 4, -4, -4):
        q = _double(_double(_double(_double(q))))
        digit = (n >> shift) & 15
        if digit:
            q = _add(q, table[digit])
    return q


def _powers16(p: _Point, count: int = 64) -> list[_Point]:
    """16^i·P for i < count (4·(count - 1) doublings), shared by scalars on one base."""
    out = [p]
    for _ in range(count - 1):
        q = out[-1]
        out.append(_double(_double(_double(_double(q)))))
    return out


def _mul_powers(n: int, powers: list[_Point]) -> _Point:
    """n·P for 0 <= n < 16**len(powers) from _powers16(P) (Yao's method: additions only)."""
    if n >> (4 * len(powers)):
        raise ValueError("scalar too large for the table")
    buckets = [_IDENTITY] * 16
    for i, power in enumerate(powers):
        digit = (n >> (4 * i)) & 15
        if digit:
            buckets[digit] = _add(buckets[digit], power)
    running, total = _IDENTITY, _IDENTITY
    for digit in range(15, 0, -1):
        running = _add(running, buckets[digit])
        total = _add(total, running)
    return total


def _mul2(a: int, p: _Point, b: int, q: _Point) -> _Point:
    """a·P + b·Q (Straus' trick with 4-bit windows, variable time: public inputs only)."""
    tp, tq = _table(p), _table(q)
    r = _IDENTITY
    bits = max(a.bit_length(), b.bit_length())
    for shift in range(((bits + 3) // 4) * 4 - 4, -4, -4):
        r = _double(_double(_double(_double(r))))
        da, db = (a >> shift) & 15, (b >> shift) & 15
        if da:
            r = _add(r, tp[da])
        if db:
            r = _add(r, tq[db])
    return r


def _decode(s: bytes) -> _Point:
    """string_to_point: RFC 8032 section 5.1.3 decoding; raises VRFError for "INVALID".

    Non-canonical encodings (y >= p, or x = 0 with the sign bit set) are refused.
    """
    if len(s) != 32:
        raise VRFError("a point encoding is 32 bytes")
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:
        raise VRFError("point encoding is not canonical (y >= p)")
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x = u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P) % _P
    vx2 = v * x * x % _P
    if vx2 == u:
        pass
    elif vx2 == (-u) % _P:
        x = x * _SQRT_M1 % _P
    else:
        raise VRFError("bytes do not encode a point on edwards25519")
    if x == 0 and sign:
        raise VRFError("point encoding is not canonical (x = 0 with sign bit)")
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


def _encode(p: _Point) -> bytes:
    """point_to_string: RFC 8032 section 5.1.2 encoding."""
    x, y, z, _ = p
    zi = pow(z, -1, _P)
    x, y = x * zi % _P, y * zi % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


_BASE = _decode(bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666"))


def _base_tables() -> list[list[_Point]]:
    """Fixed-base tables: for window i, j·16^i·B for j = 0..15 (64 windows cover 256 bits)."""
    tables = []
    p = _BASE
    for _ in range(64):
        tables.append(_table(p))
        for _ in range(4):
            p = _double(p)
    return tables


_BASE_TABLES = _base_tables()


def _mul_base(n: int) -> _Point:
    """n·B for 0 <= n < 2**256 with the precomputed tables (additions only)."""
    q = _IDENTITY
    for i in range(64):
        digit = (n >> (4 * i)) & 15
        if digit:
            q = _add(q, _BASE_TABLES[i][digit])
    return q


def _secret_scalar(sk: bytes) -> tuple[int, bytes]:
    """RFC 8032 section 5.1.5: x from the first half of SHA-512(SK), pruned; and the hash."""
    if len(sk) != 32:
        raise VRFError("a VRF secret key is 32 bytes")
    h = hashlib.sha512(sk).digest()
    a = bytearray(h[:32])
    a[0] &= 248
    a[31] &= 127
    a[31] |= 64
    return int.from_bytes(a, "little"), h


def public_key(sk: bytes) -> bytes:
    """The 32-byte public key Y = x·B of a 32-byte secret (RFC 9381 section 5.5, RFC 8032 5.1.5)."""
    x, _ = _secret_scalar(sk)
    return _encode(_mul_base(x))


def _encode_to_curve(salt: bytes, alpha: bytes) -> _Point:
    """ECVRF_encode_to_curve_try_and_increment, RFC 9381 section 5.4.1.1 (salt = PK_string)."""
    for ctr in range(256):
        digest = hashlib.sha512(SUITE_STRING + b"\x01" + salt + alpha + bytes([ctr]) + b"\x00")
        try:
            h = _decode(digest.digest()[:32])
        except VRFError:
            continue
        h = _double(_double(_double(h)))  # cofactor 8
        if not _is_identity(h):
            return h
    # Probability about 2**-256: RFC 9381 section 5.4.1.1 lets the loop run on; we stop.
    raise VRFError("encode_to_curve found no point in 256 tries")


def _challenge(*points: bytes) -> int:
    """ECVRF_challenge_generation, RFC 9381 section 5.4.3 (points already encoded)."""
    digest = hashlib.sha512(SUITE_STRING + b"\x02" + b"".join(points) + b"\x00").digest()
    return int.from_bytes(digest[:_C_LEN], "little")


def _nonce(sk_hash: bytes, h_string: bytes) -> int:
    """ECVRF_nonce_generation_RFC8032, RFC 9381 section 5.4.2.2."""
    k_string = hashlib.sha512(sk_hash[32:64] + h_string).digest()
    return int.from_bytes(k_string, "little") % _L


def prove(sk: bytes, alpha: bytes) -> bytes:
    """ECVRF_prove, RFC 9381 section 5.1: the 80-byte proof pi for alpha under secret sk.

    Deterministic; not constant-time (see the module docstring).
    """
    x, sk_hash = _secret_scalar(sk)
    return _prove(x, sk_hash, _encode(_mul_base(x)), alpha)


def _prove(x: int, sk_hash: bytes, y_string: bytes, alpha: bytes) -> bytes:
    """RFC 9381 section 5.1 steps 2-7, given x, SHA-512(SK) and PK_string."""
    if _sodium_mul is not None:
        try:
            return _prove_sodium(x, sk_hash, y_string, alpha)
        except _SodiumError:  # an identity result (probability about 2**-252): Python path
            pass
    return _prove_python(x, sk_hash, y_string, alpha)


def _prove_sodium(x: int, sk_hash: bytes, y_string: bytes, alpha: bytes) -> bytes:
    """:func:`_prove_python` with x·H, k·B and k·H computed by libsodium.

    H = 8·P is in the prime-order subgroup, so n·H = (n mod L)·H and libsodium accepts H;
    k < L already, and x is reduced mod L (libsodium ignores a scalar's top bit).
    """
    assert _sodium_mul is not None and _sodium_mul_base is not None
    h_string = _encode_to_curve_sodium(y_string, alpha)
    gamma_string = _sodium_mul((x % _L).to_bytes(32, "little"), h_string)
    k = _nonce(sk_hash, h_string)
    k_bytes = k.to_bytes(32, "little")
    u_string, v_string = _sodium_mul_base(k_bytes), _sodium_mul(k_bytes, h_string)
    c = _challenge(y_string, h_string, gamma_string, u_string, v_string)
    s = (k + c * x) % _L
    return gamma_string + c.to_bytes(_C_LEN, "little") + s.to_bytes(32, "little")


_IDENTITY_STRING = (1).to_bytes(32, "little")
_HIGH_Y = {1, _P - 1}  # the points with x = 0: a set sign bit there is not canonical


def _canonical(s: bytes) -> bool:
    """RFC 8032 section 5.1.3's canonicality rules (y < p; no sign bit when x = 0), which
    libsodium's decoding does not apply, without decoding the point."""
    y = int.from_bytes(s, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    return y < _P and not (sign and y in _HIGH_Y)


def _encode_to_curve_sodium(salt: bytes, alpha: bytes) -> bytes:
    """:func:`_encode_to_curve` with libsodium's point addition: returns H's encoding.

    RFC 8032 decoding refuses what libsodium would accept, so canonicality (y < p, no sign
    bit on x = 0) is checked here first; libsodium refuses points off the curve and adds
    points outside the prime-order subgroup, so 8·P is three doublings by addition.
    """
    assert _sodium_add is not None
    for ctr in range(256):
        digest = hashlib.sha512(SUITE_STRING + b"\x01" + salt + alpha + bytes([ctr]) + b"\x00")
        candidate = digest.digest()[:32]
        if not _canonical(candidate):
            continue
        try:
            h = _sodium_add(candidate, candidate)
        except _SodiumError:  # not on the curve
            continue
        h = _sodium_add(h, h)
        h = _sodium_add(h, h)
        if h != _IDENTITY_STRING:
            return h
    raise VRFError("encode_to_curve found no point in 256 tries")


def _prove_python(x: int, sk_hash: bytes, y_string: bytes, alpha: bytes) -> bytes:
    """RFC 9381 section 5.1 steps 2-7 in pure Python (variable time)."""
    h = _encode_to_curve(y_string, alpha)
    h_string = _encode(h)
    h_powers = _powers16(h)  # x·H and k·H share H's doublings
    gamma_string = _encode(_mul_powers(x, h_powers))
    k = _nonce(sk_hash, h_string)
    u_string, v_string = _encode(_mul_base(k)), _encode(_mul_powers(k, h_powers))
    c = _challenge(y_string, h_string, gamma_string, u_string, v_string)
    s = (k + c * x) % _L
    return gamma_string + c.to_bytes(_C_LEN, "little") + s.to_bytes(32, "little")


def _decode_proof(pi: bytes) -> tuple[_Point, int, int]:
    """ECVRF_decode_proof, RFC 9381 section 5.4.4; s >= L is refused."""
    if len(pi) != PROOF_LEN:
        raise VRFError(f"a proof is {PROOF_LEN} bytes")
    gamma = _decode(pi[:32])
    c = int.from_bytes(pi[32:48], "little")
    s = int.from_bytes(pi[48:80], "little")
    if s >= _L:
        raise VRFError("proof scalar s is not reduced (s >= L)")
    return gamma, c, s


def _hash_point(gamma: _Point) -> bytes:
    """The proof_to_hash core, RFC 9381 section 5.2 steps 4-5."""
    cg = _double(_double(_double(gamma)))
    return hashlib.sha512(SUITE_STRING + b"\x03" + _encode(cg) + b"\x00").digest()


def proof_to_hash(pi: bytes) -> bytes:
    """ECVRF_proof_to_hash, RFC 9381 section 5.2: beta (64 bytes) from pi.

    Does not check the proof: use :func:`verify` for anything received from others.
    """
    if _sodium_add is not None and len(pi) == PROOF_LEN and _canonical(pi[:32]):
        if int.from_bytes(pi[48:80], "little") >= _L:
            raise VRFError("proof scalar s is not reduced (s >= L)")
        try:
            cg = _sodium_add(pi[:32], pi[:32])
        except _SodiumError:
            raise VRFError("bytes do not encode a point on edwards25519") from None
        cg = _sodium_add(_sodium_add(cg, cg), _sodium_add(cg, cg))
        return hashlib.sha512(SUITE_STRING + b"\x03" + cg + b"\x00").digest()
    gamma, _, _ = _decode_proof(pi)
    return _hash_point(gamma)


def _validate_key(pk: bytes) -> _Point:
    """ECVRF_validate_key, RFC 9381 section 5.4.5: a valid point not of small order."""
    y = _decode(pk)
    if _is_identity(_double(_double(_double(y)))):
        raise VRFError("public key is a point of small order")
    return y


def verify(pk: bytes, alpha: bytes, pi: bytes) -> bytes:
    """ECVRF_verify, RFC 9381 section 5.3 with validate_key = TRUE: beta, or VRFError.

    Refuses a public key of small order, a non-canonical point, s >= L, and any proof whose
    challenge does not match.
    """
    return _verify(pk, _validate_key(pk), None, alpha, pi)


def _verify(pk: bytes, y: _Point, y_powers: list[_Point] | None, alpha: bytes, pi: bytes) -> bytes:
    """RFC 9381 section 5.3 steps 3-8; y_powers (16^i·Y, i < 32) saves c·Y's doublings."""
    gamma, c, s = _decode_proof(pi)
    h = _encode_to_curve(pk, alpha)
    cy = _mul(c, y) if y_powers is None else _mul_powers(c, y_powers)
    u = _add(_mul_base(s), _neg(cy))
    v = _mul2(s, h, c, _neg(gamma))
    if _challenge(pk, _encode(h), pi[:32], _encode(u), _encode(v)) != c:
        raise VRFError("VRF proof does not verify")
    return _hash_point(gamma)


# --- Named keys --------------------------------------------------------------------------

_KEY_TYPE = b"\xff" + SUITE.encode("ascii")


def vrf_key_hash(name: str, pk: bytes) -> int:
    """Key ID of a VRF key: SHA-256(name || 0x0A || 0xFF || suite name || pk)[:4], big-endian."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + _KEY_TYPE + pk).digest()
    return int.from_bytes(digest[:4], "big")


def _check_name(name: str) -> None:
    """C2SP signed-note key name rules (non-empty, no spaces or '+', valid Unicode)."""
    if not isinstance(name, str) or not is_valid_key_name(name):
        raise KeyFormatError(f"invalid key name {name!r}")


@dataclass(frozen=True)
class VRFPublicKey:
    """A named VRF public key: ``<name>+<hash8>+base64(pk)``."""

    name: str
    public: bytes
    _point: _Point = field(init=False, repr=False, compare=False)
    _powers: list[_Point] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        try:
            point = _validate_key(self.public)
        except VRFError as exc:
            raise KeyFormatError(f"invalid VRF public key: {exc}") from None
        object.__setattr__(self, "_point", point)
        # c is 128 bits (cLen = 16): 32 powers of 16 make c·Y additions only.
        object.__setattr__(self, "_powers", _powers16(point, 32))

    @property
    def key_hash(self) -> int:
        """The 32-bit key ID."""
        return vrf_key_hash(self.name, self.public)

    @property
    def key_id(self) -> str:
        """``name+hash8``: names the key that made a label."""
        return f"{self.name}+{self.key_hash:08x}"

    @property
    def text(self) -> str:
        """``name+hash8+base64(pk)``."""
        return f"{self.key_id}+{base64.b64encode(self.public).decode('ascii')}"

    def verify(self, alpha: bytes, pi: bytes) -> bytes:
        """RFC 9381 verify under this key: beta, or VRFError (c·Y from cached powers)."""
        return _verify(self.public, self._point, self._powers, alpha, pi)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class VRFSecretKey:
    """A named VRF secret key.  ``repr`` never shows the secret."""

    name: str
    secret: bytes = field(repr=False)
    public: VRFPublicKey = field(init=False, repr=False, compare=False)
    _scalar: tuple[int, bytes] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        if not isinstance(self.secret, bytes) or len(self.secret) != 32:
            raise KeyFormatError("a VRF secret is 32 bytes")
        scalar = _secret_scalar(self.secret)
        object.__setattr__(self, "_scalar", scalar)
        object.__setattr__(self, "public", VRFPublicKey(self.name, _encode(_mul_base(scalar[0]))))

    @property
    def key_id(self) -> str:
        """``name+hash8`` of the public key."""
        return self.public.key_id

    @property
    def text(self) -> str:
        """``PRIVATE+VRF+name+hash8+base64(secret)``."""
        data = base64.b64encode(self.secret).decode("ascii")
        return f"PRIVATE+VRF+{self.key_id}+{data}"

    def prove(self, alpha: bytes) -> bytes:
        """RFC 9381 prove under this key: the 80-byte proof (x and PK_string cached)."""
        x, sk_hash = self._scalar
        return _prove(x, sk_hash, self.public.public, alpha)


def generate_vrf_key(name: str) -> VRFSecretKey:
    """A new named VRF key from 32 bytes of :mod:`secrets`."""
    return VRFSecretKey(name, secrets.token_bytes(32))


def _b64_32(data: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFormatError("key data is not valid base64") from None
    if len(raw) != 32:
        raise KeyFormatError(f"{what} must be 32 bytes")
    return raw


def _parse_hash(hash8: str) -> int:
    if len(hash8) != 8 or any(c not in "0123456789abcdef" for c in hash8):
        raise KeyFormatError("key ID must be 8 lowercase hexadecimal digits")
    return int(hash8, 16)


def parse_vrf_public(text: str) -> VRFPublicKey:
    """Parse ``name+hash8+base64(pk)``; the key ID must match and the key must be valid."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise KeyFormatError("VRF public key must look like name+hash+base64key")
    name, hash8, data = parts
    expected = _parse_hash(hash8)
    key = VRFPublicKey(name, _b64_32(data, "a VRF public key"))
    if key.key_hash != expected:
        raise KeyFormatError(f"key ID {hash8} does not match the VRF key for {name}")
    return key


def parse_vrf_secret(text: str) -> VRFSecretKey:
    """Parse ``PRIVATE+VRF+name+hash8+base64(secret)``; the key ID is checked."""
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "VRF":
        raise KeyFormatError("VRF secret key must look like PRIVATE+VRF+name+hash+base64key")
    _, _, name, hash8, data = parts
    expected = _parse_hash(hash8)
    key = VRFSecretKey(name, _b64_32(data, "a VRF secret"))
    if key.public.key_hash != expected:
        raise KeyFormatError(f"key ID {hash8} does not match the VRF key for {name}")
    return key


def load_vrf_key(
    *, path: str | os.PathLike[str] | None = None, env: str | None = None
) -> VRFSecretKey:
    """Load a VRF secret key from a file (first non-empty line) or an environment variable.

    Exactly one of ``path`` and ``env``.  Error messages never include the key.
    """
    return load_key_text(parse_vrf_secret, path=path, env=env)
