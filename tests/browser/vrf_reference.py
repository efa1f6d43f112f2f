"""A small, slow, test-only RFC 9381 ECVRF-EDWARDS25519-SHA512-TAI prover in pure Python.

It exists so that the browser verifier is checked against an implementation that shares no code
with it: its output is checked against RFC 9381 Appendix B.3 (the proofs must come out
byte-identical) before it is used to make label proofs. Test-only, not constant time, never for
real keys; the portal's VRF lives in ledger/core/.
"""

from __future__ import annotations

import hashlib

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, -1, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
SUITE = b"\x03"

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T)


def _add(p: Point, q: Point) -> Point:
    # RFC 8032 section 5.1.4.
    a = (p[1] - p[0]) * (q[1] - q[0]) % P
    b = (p[1] + p[0]) * (q[1] + q[0]) % P
    c = 2 * D * p[3] * q[3] % P
    d = 2 * p[2] * q[2] % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(k: int, p: Point) -> Point:
    result: Point = (0, 1, 1, 0)
    while k:
        if k & 1:
            result = _add(result, p)
        p = _add(p, p)
        k >>= 1
    return result


def _encode(p: Point) -> bytes:
    zinv = pow(p[2], -1, P)
    x, y = p[0] * zinv % P, p[1] * zinv % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _decode(s: bytes) -> Point | None:
    # RFC 8032 section 5.1.3.
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, -1, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


BASE = _decode((4 * pow(5, -1, P) % P).to_bytes(32, "little"))
assert BASE is not None


def _encode_to_curve(salt: bytes, alpha: bytes) -> Point:
    # RFC 9381 section 5.4.1.1.
    for ctr in range(256):
        digest = hashlib.sha512(SUITE + b"\x01" + salt + alpha + bytes([ctr]) + b"\x00").digest()
        point = _decode(digest[:32])
        if point is not None:
            return _mul(8, point)
    raise ValueError("no point found")


def public_key(sk: bytes) -> bytes:
    h = hashlib.sha512(sk).digest()
    x = int.from_bytes(h[:32], "little")
    x = (x & ((1 << 254) - 8)) | (1 << 254)
    assert BASE is not None
    return _encode(_mul(x, BASE))


def prove(sk: bytes, alpha: bytes) -> tuple[bytes, bytes]:
    """(pi, beta) of RFC 9381 sections 5.1 and 5.2."""
    assert BASE is not None
    h = hashlib.sha512(sk).digest()
    x = (int.from_bytes(h[:32], "little") & ((1 << 254) - 8)) | (1 << 254)
    pk = _encode(_mul(x, BASE))
    hp = _encode_to_curve(pk, alpha)
    h_string = _encode(hp)
    gamma = _mul(x, hp)
    k = int.from_bytes(hashlib.sha512(h[32:] + h_string).digest(), "little") % L
    points = [pk, h_string, _encode(gamma), _encode(_mul(k, BASE)), _encode(_mul(k, hp))]
    c_string = hashlib.sha512(SUITE + b"\x02" + b"".join(points) + b"\x00").digest()[:16]
    c = int.from_bytes(c_string, "little")
    s = (k + c * x) % L
    pi = _encode(gamma) + c_string + s.to_bytes(32, "little")
    beta = hashlib.sha512(SUITE + b"\x03" + _encode(_mul(8, gamma)) + b"\x00").digest()
    return pi, beta
