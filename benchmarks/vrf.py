"""Cost of the v2 ledger VRF (RFC 9381 ECVRF-EDWARDS25519-SHA512-TAI) per call.

    .venv/bin/python benchmarks/vrf.py [--n 500]

Prints, in one run, µs per call of: a label proof (``prove_label``: alpha, prove, beta), a
label check (``verify_label``), bare ``prove`` and ``verify``, ``proof_to_hash``, and as the
baseline raw Ed25519 sign and verify from ``cryptography`` (OpenSSL) on a 64-byte message.
The VRF rows run twice: with libsodium through PyNaCl (the portal's proving path) and with the
pure Python arithmetic (what the offline verifier runs without PyNaCl).  No database.  Median of
5 rounds of ``--n`` calls each.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.core import vrf as vrf_module
from ledger.core.label import label_alpha, prove_label, verify_label
from ledger.core.vrf import generate_vrf_key, proof_to_hash, prove, verify

SODIUM = ("_sodium_add", "_sodium_mul", "_sodium_mul_base")


@contextmanager
def pure_python() -> Iterator[None]:
    """The module's libsodium hooks unset for the duration: the pure Python path runs."""
    saved = {name: getattr(vrf_module, name) for name in SODIUM}
    for name in SODIUM:
        setattr(vrf_module, name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(vrf_module, name, value)


def per_call_us(fn: Callable[[int], object], n: int, rounds: int = 5) -> float:
    """Median over rounds of the mean µs per call of fn(i) for i in range(n)."""
    results = []
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(n):
            fn(i)
        results.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="calls per round (default 500)")
    n = parser.parse_args().n

    key = generate_vrf_key("vrf.bench.example")
    pk = key.public.public
    identifier = "110101199003071234"
    proofs = [prove_label(key, "person", identifier, i) for i in range(n)]
    alphas = [label_alpha("person", identifier, i) for i in range(n)]
    raw = [p for _, p in proofs]

    ed = Ed25519PrivateKey.generate()
    ed_pub = ed.public_key()
    msg = secrets.token_bytes(64)
    sig = ed.sign(msg)

    vrf_rows: list[tuple[str, Callable[[int], object]]] = [
        ("prove_label (alpha, prove, beta)", lambda i: prove_label(key, "person", identifier, i)),
        (
            "verify_label",
            lambda i: verify_label(key.public, "person", identifier, i, proofs[i][0], proofs[i][1]),
        ),
        ("prove (secret key bytes)", lambda i: prove(key.secret, alphas[i])),
        ("verify", lambda i: verify(pk, alphas[i], raw[i])),
        ("proof_to_hash", lambda i: proof_to_hash(raw[i])),
    ]
    baseline: list[tuple[str, Callable[[int], object]]] = [
        ("raw Ed25519 sign (cryptography)", lambda i: ed.sign(msg)),
        ("raw Ed25519 verify (cryptography)", lambda i: ed_pub.verify(sig, msg)),
    ]
    have_sodium = vrf_module._sodium_mul is not None
    print(f"ECVRF-EDWARDS25519-SHA512-TAI; median of 5 rounds of {n} calls")
    results: dict[str, float] = {}

    def run(rows: list[tuple[str, Callable[[int], object]]], suffix: str) -> None:
        for name, fn in rows:
            results[name + suffix] = per_call_us(fn, n)
            print(f"{name + suffix:48s} {results[name + suffix]:10.1f} µs/call")

    run(baseline, "")
    if have_sodium:
        run(vrf_rows, " [libsodium]")
    else:
        print("PyNaCl is not installed: the libsodium rows are left out")
    with pure_python():
        run(vrf_rows, " [pure Python]")
    run(baseline, " (again)")
    sign = (
        results["raw Ed25519 sign (cryptography)"]
        + results["raw Ed25519 sign (cryptography) (again)"]
    ) / 2
    check = (
        results["raw Ed25519 verify (cryptography)"]
        + results["raw Ed25519 verify (cryptography) (again)"]
    ) / 2
    for suffix in ([" [libsodium]"] if have_sodium else []) + [" [pure Python]"]:
        ratio_p = results["prove_label (alpha, prove, beta)" + suffix] / sign
        ratio_v = results["verify_label" + suffix] / check
        print(f"prove_label / Ed25519 sign{suffix:15s} = {ratio_p:.0f}x")
        print(f"verify_label / Ed25519 verify{suffix:12s} = {ratio_v:.0f}x")


if __name__ == "__main__":
    main()
