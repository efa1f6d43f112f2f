"""ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381), labels and named VRF keys."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core import vrf
from ledger.core.label import (
    LabelError,
    label_alpha,
    label_from_beta,
    prove_label,
    verify_label,
)
from ledger.core.signing import KeyFormatError, generate
from ledger.core.vrf import (
    PROOF_LEN,
    VRFError,
    VRFSecretKey,
    generate_vrf_key,
    load_vrf_key,
    parse_vrf_public,
    parse_vrf_secret,
    proof_to_hash,
    prove,
    public_key,
    verify,
)
from tests.ledger.rfc9381_vectors import RFC9381_B3

IDS = ["example16", "example17", "example18"]

#: The order of the edwards25519 prime-order subgroup (RFC 8032 section 5.1).
L = 2**252 + 27742317777372353535851937790883648493

#: Encodings of points of small order (orders 1, 2, 4, 8): never valid public keys.
SMALL_ORDER = [
    "0100000000000000000000000000000000000000000000000000000000000000",  # identity
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 2
    "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
]

FIXED_KEY = VRFSecretKey("vrf.ledger.example.gov.cn", bytes(range(32)))


@pytest.mark.parametrize(("sk", "pk", "alpha", "pi", "beta"), RFC9381_B3, ids=IDS)
def test_rfc9381_b3_vectors(sk: str, pk: str, alpha: str, pi: str, beta: str) -> None:
    """Every Appendix B.3 vector: PK from SK, prove gives pi, verify and proof_to_hash beta."""
    secret, a = bytes.fromhex(sk), bytes.fromhex(alpha)
    assert public_key(secret).hex() == pk
    assert prove(secret, a).hex() == pi
    assert verify(bytes.fromhex(pk), a, bytes.fromhex(pi)).hex() == beta
    assert proof_to_hash(bytes.fromhex(pi)).hex() == beta
    key = VRFSecretKey("rfc", secret)
    assert key.public.public.hex() == pk
    assert key.prove(a).hex() == pi
    assert key.public.verify(a, bytes.fromhex(pi)).hex() == beta


#: RFC 9381 Appendix B.3 intermediate values: (x, H, k, U, V), all hex encodings.
RFC9381_B3_STEPS = [
    (
        "307c83864f2833cb427a2ef1c00a013cfdff2768d980c0a3a520f006904de94f",
        "91bbed02a99461df1ad4c6564a5f5d829d0b90cfc7903e7a5797bd658abf3318",
        "8a49edbd1492a8ee09766befe50a7d563051bf3406cbffc20a88def030730f0f",
        "aef27c725be964c6a9bf4c45ca8e35df258c1878b838f37d9975523f09034071",
        "5016572f71466c646c119443455d6cb9b952f07d060ec8286d678615d55f954f",
    ),
    (
        "68bd9ed75882d52815a97585caf4790a7f6c6b3b7f821c5e259a24b02e502e51",
        "5b659fc3d4e9263fd9a4ed1d022d75eaacc20df5e09f9ea937502396598dc551",
        "d8c3a66921444cb3427d5d989f9b315aa8ca3375e9ec4d52207711a1fdb44107",
        "1dcb0a4821a2c48bf53548228b7f170962988f6d12f5439f31987ef41f034ab3",
        "fd03c0bf498c752161bae4719105a074630a2aa5f200ff7b3995f7bfb1513423",
    ),
    (
        "909a8b755ed902849023a55b15c23d11ba4d7f4ec5c2f51b1325a181991ea95c",
        "bf4339376f5542811de615e3313d2b36f6f53c0acfebb482159711201192576a",
        "5ffdbc72135d936014e8ab708585fda379405542b07e3bd2c0bd48437fbac60a",
        "2bae73e15a64042fcebf062abe7e432b2eca6744f3e8265bc38e009cd577ecd5",
        "88cba1cb0d4f9b649d9a86026b69de076724a93a65c349c988954f0961c5d506",
    ),
]


@pytest.mark.parametrize(
    ("vector", "steps"), list(zip(RFC9381_B3, RFC9381_B3_STEPS, strict=True)), ids=IDS
)
def test_rfc9381_b3_intermediate_values(
    vector: tuple[str, str, str, str, str], steps: tuple[str, str, str, str, str]
) -> None:
    """Secret scalar, encode_to_curve (TAI), nonce, U = k·B and V = k·H as printed in B.3.

    (Example 17 needs the second try of try-and-increment, ctr = 1.)
    """
    from ledger.core import vrf

    sk, pk, alpha = bytes.fromhex(vector[0]), bytes.fromhex(vector[1]), bytes.fromhex(vector[2])
    x_hex, h_hex, k_hex, u_hex, v_hex = steps
    x, sk_hash = vrf._secret_scalar(sk)
    assert x.to_bytes(32, "little").hex() == x_hex
    h = vrf._encode_to_curve(pk, alpha)
    assert vrf._encode(h).hex() == h_hex
    k = vrf._nonce(sk_hash, vrf._encode(h))
    assert k.to_bytes(32, "little").hex() == k_hex
    assert vrf._encode(vrf._mul_base(k)).hex() == u_hex
    assert vrf._encode(vrf._mul(k, h)).hex() == v_hex
    assert vrf._encode(vrf._mul_powers(k, vrf._powers16(h))).hex() == v_hex


@pytest.mark.parametrize(("sk", "pk", "alpha", "pi", "beta"), RFC9381_B3, ids=IDS)
def test_verify_refuses_changed_proof_alpha_or_key(
    sk: str, pk: str, alpha: str, pi: str, beta: str
) -> None:
    """A flipped bit anywhere in pi, another alpha or another key: refused."""
    public, a, proof = bytes.fromhex(pk), bytes.fromhex(alpha), bytes.fromhex(pi)
    for pos in (0, 17, 31, 32, 40, 47, 48, 60, 79):
        bad = bytearray(proof)
        bad[pos] ^= 0x01
        with pytest.raises(VRFError):
            verify(public, a, bytes(bad))
    with pytest.raises(VRFError):
        verify(public, a + b"\x00", proof)
    with pytest.raises(VRFError):
        verify(public, a, proof[:-1])
    other = next(v[1] for v in RFC9381_B3 if v[1] != pk)
    with pytest.raises(VRFError):
        verify(bytes.fromhex(other), a, proof)


def test_verify_refuses_non_canonical_scalar() -> None:
    """s + L is the same scalar mod L, but s >= L is refused (RFC 9381 section 5.4.4)."""
    _, pk, alpha, pi, _ = RFC9381_B3[0]
    proof = bytes.fromhex(pi)
    s = int.from_bytes(proof[48:], "little")
    assert s + L < 2**256
    bad = proof[:48] + (s + L).to_bytes(32, "little")
    with pytest.raises(VRFError, match="s >= L"):
        verify(bytes.fromhex(pk), bytes.fromhex(alpha), bad)
    with pytest.raises(VRFError, match="s >= L"):
        proof_to_hash(bad)


@pytest.mark.parametrize("pk", SMALL_ORDER)
def test_verify_refuses_small_order_public_key(pk: str) -> None:
    """validate_key (RFC 9381 section 5.4.5): a small-order key verifies nothing."""
    with pytest.raises(VRFError, match="small order"):
        verify(bytes.fromhex(pk), b"", bytes(PROOF_LEN))
    with pytest.raises(KeyFormatError):
        parse_vrf_public("k+00000000+" + base64.b64encode(bytes.fromhex(pk)).decode())


def test_verify_refuses_non_canonical_or_off_curve_points() -> None:
    """y >= p, and bytes that are no curve point, are refused as keys and as Gamma."""
    _, pk, alpha, pi, _ = RFC9381_B3[0]
    non_canonical = (2**255 - 19 + 1).to_bytes(32, "little")  # y = p + 1 ≡ 1
    with pytest.raises(VRFError, match="not canonical"):
        verify(non_canonical, b"", bytes.fromhex(pi))
    off_curve = (2).to_bytes(32, "little")  # y = 2 has no x on edwards25519
    with pytest.raises(VRFError, match="not encode a point"):
        verify(off_curve, b"", bytes.fromhex(pi))
    with pytest.raises(VRFError):
        verify(bytes.fromhex(pk), bytes.fromhex(alpha), off_curve + bytes.fromhex(pi)[32:])


@settings(max_examples=25, deadline=None)
@given(secret=st.binary(min_size=32, max_size=32), alpha=st.binary(max_size=80))
def test_prove_verify_round_trip(secret: bytes, alpha: bytes) -> None:
    """Any key and input: the proof verifies to proof_to_hash(pi) and to nothing else."""
    pi = prove(secret, alpha)
    beta = verify(public_key(secret), alpha, pi)
    assert beta == proof_to_hash(pi) and len(beta) == 64
    with pytest.raises(VRFError):
        verify(public_key(secret), alpha + b"!", pi)


def test_label_alpha_bytes() -> None:
    """alpha = prefix, namespace, NUL, identifier, NUL, 8-byte big-endian counter."""
    assert label_alpha("person", "110101199003071234", 258) == (
        b"access-ledger/label/v2\x00person\x00110101199003071234\x00"
        + bytes([0, 0, 0, 0, 0, 0, 1, 2])
    )
    assert label_alpha("sealed", "x", 0).startswith(b"access-ledger/label/v2\x00sealed\x00")
    for bad in (("other", "x", 0), ("person", "", 0), ("person", "x", -1)):
        with pytest.raises(LabelError):
            label_alpha(*bad)
    with pytest.raises(LabelError):
        label_alpha("person", "x", 2**64)
    with pytest.raises(LabelError):
        label_alpha("person", "a\x00b", 0)
    with pytest.raises(LabelError, match="surrogate"):
        label_alpha("person", "\ud800", 0)


def test_label_is_first_half_of_beta_and_verifies() -> None:
    label, pi = prove_label(FIXED_KEY, "person", "110101199003071234", 0)
    beta = verify(FIXED_KEY.public.public, label_alpha("person", "110101199003071234", 0), pi)
    assert label == beta[:32].hex() == label_from_beta(beta)
    assert verify_label(FIXED_KEY.public, "person", "110101199003071234", 0, label, pi)
    with pytest.raises(LabelError, match="refused"):
        verify_label(FIXED_KEY.public, "person", "110101199003071234", 1, label, pi)
    with pytest.raises(LabelError, match="refused"):
        verify_label(FIXED_KEY.public, "sealed", "110101199003071234", 0, label, pi)
    other_label, _ = prove_label(FIXED_KEY, "person", "110101199003071234", 1)
    with pytest.raises(LabelError, match="different label"):
        verify_label(FIXED_KEY.public, "person", "110101199003071234", 0, other_label, pi)
    with pytest.raises(LabelError, match="hexadecimal"):
        verify_label(FIXED_KEY.public, "person", "110101199003071234", 0, label.upper(), pi)


IDENTIFIER_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")


@settings(max_examples=20, deadline=None)
@given(
    identifier=st.text(IDENTIFIER_CHARS, min_size=1, max_size=20),
    other=st.text(IDENTIFIER_CHARS, min_size=1, max_size=20),
    counters=st.lists(st.integers(0, 2**64 - 1), min_size=2, max_size=2, unique=True),
)
def test_labels_never_collide(identifier: str, other: str, counters: list[int]) -> None:
    """Two counters of one subject, or two subjects at one counter, never share a label."""
    a, _ = prove_label(FIXED_KEY, "person", identifier, counters[0])
    b, _ = prove_label(FIXED_KEY, "person", identifier, counters[1])
    assert a != b
    if other != identifier:
        c, _ = prove_label(FIXED_KEY, "person", other, counters[0])
        assert a != c
    sealed, _ = prove_label(FIXED_KEY, "sealed", identifier, counters[0])
    assert sealed != a


def test_vrf_key_text_forms_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = generate_vrf_key("vrf.ledger.example.gov.cn")
    assert key.text.startswith("PRIVATE+VRF+vrf.ledger.example.gov.cn+")
    assert base64.b64encode(key.secret).decode() not in repr(key)
    again = parse_vrf_secret(key.text)
    assert again.secret == key.secret and again.key_id == key.key_id
    public = parse_vrf_public(key.public.text)
    assert public == key.public and str(public) == key.public.text
    assert public.key_id == key.key_id == f"vrf.ledger.example.gov.cn+{public.key_hash:08x}"
    # Rotation: a new key under the same name has another key ID.
    assert generate_vrf_key("vrf.ledger.example.gov.cn").key_id != key.key_id
    path = tmp_path / "vrf.key"
    path.write_text("\n" + key.text + "\n", encoding="utf-8")
    assert load_vrf_key(path=path).secret == key.secret
    monkeypatch.setenv("LEDGER_TEST_VRF", key.text)
    assert load_vrf_key(env="LEDGER_TEST_VRF").secret == key.secret


def test_vrf_key_text_forms_refuse_mistakes(monkeypatch: pytest.MonkeyPatch) -> None:
    key = FIXED_KEY
    name, hash8, data = key.public.text.split("+")
    with pytest.raises(KeyFormatError, match="does not match"):
        parse_vrf_public(f"{name}+{(key.public.key_hash ^ 1):08x}+{data}")
    with pytest.raises(KeyFormatError, match="does not match"):
        parse_vrf_public(f"othername+{hash8}+{data}")
    with pytest.raises(KeyFormatError, match="does not match"):
        parse_vrf_secret(key.text.replace(hash8, f"{(key.public.key_hash ^ 1):08x}"))
    with pytest.raises(KeyFormatError, match="PRIVATE"):
        parse_vrf_secret(key.text.replace("PRIVATE+VRF", "PRIVATE+KEY"))
    with pytest.raises(KeyFormatError, match="32 bytes"):
        parse_vrf_public(f"{name}+{hash8}+{base64.b64encode(b'short').decode()}")
    with pytest.raises(KeyFormatError, match="base64"):
        parse_vrf_public(f"{name}+{hash8}+!!!")
    with pytest.raises(KeyFormatError, match="name"):
        VRFSecretKey("bad name", bytes(32))
    for bad_name in ("bad\ud800", "", "a+b"):
        with pytest.raises(KeyFormatError, match="invalid key name"):
            VRFSecretKey(bad_name, bytes(32))
    with pytest.raises(KeyFormatError, match="invalid key name"):
        generate("log\udfff")  # the same rule for log and witness keys
    monkeypatch.setenv("LEDGER_TEST_VRF", "PRIVATE+VRF+x+zz")
    with pytest.raises(KeyFormatError) as info:
        load_vrf_key(env="LEDGER_TEST_VRF")
    assert "environment variable LEDGER_TEST_VRF" in str(info.value)
    monkeypatch.delenv("LEDGER_TEST_VRF")
    with pytest.raises(KeyFormatError, match="not set"):
        load_vrf_key(env="LEDGER_TEST_VRF")


@settings(max_examples=30, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32))
def test_public_key_matches_openssl_ed25519(seed: bytes) -> None:
    """The group arithmetic agrees with OpenSSL: Y = x·B is the RFC 8032 public key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    expected = (
        Ed25519PrivateKey.from_private_bytes(seed)
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    assert public_key(seed) == expected


@settings(max_examples=30, deadline=None)
@given(n=st.integers(0, 2**256 - 1), m=st.integers(0, 2**256 - 1))
def test_scalar_multiplication_methods_agree(n: int, m: int) -> None:
    """Window, fixed-base, Yao and Straus multiplication give the same points."""
    from ledger.core import vrf

    b = vrf._BASE
    p = vrf._mul(m % L or 1, b)
    reference = vrf._encode(vrf._mul(n, p))
    assert vrf._encode(vrf._mul_powers(n, vrf._powers16(p))) == reference
    assert vrf._encode(vrf._mul_base(n)) == vrf._encode(vrf._mul(n, b))
    assert vrf._encode(vrf._mul2(n, p, m, b)) == vrf._encode(
        vrf._add(vrf._mul(n, p), vrf._mul(m, b))
    )
    assert vrf._is_identity(vrf._mul(L, p))


@pytest.mark.parametrize(("sk", "pk", "alpha", "pi", "beta"), RFC9381_B3, ids=IDS)
def test_libsodium_and_python_provers_give_the_rfc_proofs(
    sk: str, pk: str, alpha: str, pi: str, beta: str
) -> None:
    """The server proves with libsodium (PyNaCl); the pure Python path is the reference."""
    assert vrf._sodium_mul is not None, "PyNaCl is a dependency of the portal"
    x, sk_hash = vrf._secret_scalar(bytes.fromhex(sk))
    args = (x, sk_hash, bytes.fromhex(pk), bytes.fromhex(alpha))
    assert vrf._prove_sodium(*args).hex() == pi
    assert vrf._prove_python(*args).hex() == pi


@settings(max_examples=40, deadline=None)
@given(secret=st.binary(min_size=32, max_size=32), alpha=st.binary(max_size=64))
def test_libsodium_and_python_provers_agree(secret: bytes, alpha: bytes) -> None:
    x, sk_hash = vrf._secret_scalar(secret)
    pk = vrf.public_key(secret)
    assert vrf._prove_sodium(x, sk_hash, pk, alpha) == vrf._prove_python(x, sk_hash, pk, alpha)


@settings(max_examples=40, deadline=None)
@given(alpha=st.binary(max_size=64))
def test_libsodium_proof_to_hash_equals_the_python_one(alpha: bytes) -> None:
    pi = FIXED_KEY.prove(alpha)
    assert proof_to_hash(pi) == vrf._hash_point(vrf._decode_proof(pi)[0])


def test_proof_to_hash_refuses_what_rfc8032_decoding_refuses() -> None:
    pi = FIXED_KEY.prove(b"x")
    off_curve = bytes([2]) + bytes(31)  # y = 2 is not on edwards25519
    non_canonical = (2**255 - 19 + 1).to_bytes(32, "little")  # y = p + 1
    for gamma in (off_curve, non_canonical):
        with pytest.raises(VRFError):
            proof_to_hash(gamma + pi[32:])
    with pytest.raises(VRFError, match="not reduced"):
        proof_to_hash(pi[:48] + (L + 1).to_bytes(32, "little"))
