"""The browser's ledger verifier (static/ledger/): VRF (RFC 9381) and commitment checks.

The modules run in headless Debian Chromium, loaded from files by a test-only page served with
the site's script policy (``script-src 'self'``: no inline script, no eval). Expected values
come from RFC 9381 Appendix B.3 and from the Python side (hashlib and
``ledger.core.encoding.canonicalize``), never from the JavaScript under test.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page

from ledger.core import vrf
from ledger.core.encoding import canonicalize
from ledger.core.label import label_alpha, label_from_beta
from tests.browser import vrf_reference
from tests.ledger.rfc9381_vectors import RFC9381_B3 as RFC9381_SK_B3

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).resolve().parent / "ledger_harness"

#: RFC 9381 Appendix B.3 as the browser takes them: (PK, alpha, pi, beta).
RFC9381_B3 = [(pk, alpha, pi, beta) for _sk, pk, alpha, pi, beta in RFC9381_SK_B3]


def site_csp() -> str:
    """The site's own Content-Security-Policy (portal/settings.py), sent by the test server."""
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class _Handler(SimpleHTTPRequestHandler):
    """Serves /static/ledger/ from the repository and /harness/ from the test directory."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0]
        if path.startswith("/static/ledger/"):
            return str(ROOT / "static" / "ledger" / Path(path).name)
        if path.startswith("/harness/"):
            return str(HARNESS / Path(path).name)
        return str(HARNESS / "missing")

    def do_GET(self) -> None:
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", site_csp())
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def harness_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/harness/index.html"
    server.shutdown()
    server.server_close()


@pytest.fixture
def harness(page: Page, harness_url: str) -> Page:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.goto(harness_url)
    page.wait_for_function("() => window.ledgerHarness !== undefined")
    assert problems == [], problems
    return page


@pytest.mark.django_db(transaction=True)
def test_the_site_serves_the_modules_under_its_own_policy(live_server: object, page: Page) -> None:
    """The portal's static serving and CSP let a portal page import the verifier modules."""
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    response = page.goto(f"{live_server}/")
    assert response is not None
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    pk, alpha, pi, beta = RFC9381_B3[2]
    result = page.evaluate(
        """async ([pk, pi, alpha]) => {
            const { verify } = await import("/static/ledger/vrf.js");
            const { bytesToHex, hexToBytes } = await import("/static/ledger/bytes.js");
            return bytesToHex(await verify(hexToBytes(pk), hexToBytes(pi), hexToBytes(alpha)));
        }""",
        [pk, pi, alpha],
    )
    assert result == beta
    assert errors == []


def call(page: Page, name: str, *args: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        "([name, args]) => window.ledgerHarness[name](...args)", [name, list(args)]
    )
    return result


def flip(hex_string: str, byte_index: int) -> str:
    data = bytearray.fromhex(hex_string)
    data[byte_index] ^= 0x01
    return data.hex()


# --- VRF ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("pk", "alpha", "pi", "beta"), RFC9381_B3)
def test_every_rfc9381_vector_verifies_in_the_browser_and_gives_beta(
    harness: Page, pk: str, alpha: str, pi: str, beta: str
) -> None:
    assert call(harness, "verify", pk, pi, alpha) == {"ok": True, "value": beta}
    assert call(harness, "proofToHash", pi) == {"ok": True, "value": beta}


@pytest.mark.parametrize("byte_index", [0, 31, 32, 47, 48, 79])
def test_a_changed_proof_is_refused(harness: Page, byte_index: int) -> None:
    pk, alpha, pi, _ = RFC9381_B3[1]
    result = call(harness, "verify", pk, flip(pi, byte_index), alpha)
    assert result["ok"] is False
    # A changed Gamma may no longer decode; anything else must fail the challenge check.
    if byte_index < 32:
        assert result["code"] in {"vrf_proof_gamma", "vrf_proof_mismatch"}
    else:
        assert result["code"] in {"vrf_proof_mismatch", "vrf_proof_scalar"}
    assert "VRF proof" in result["message"]


def test_a_changed_input_is_refused(harness: Page) -> None:
    pk, alpha, pi, _ = RFC9381_B3[2]
    result = call(harness, "verify", pk, pi, flip(alpha, 0))
    assert result == {
        "ok": False,
        "code": "vrf_proof_mismatch",
        "message": "VRF proof does not verify for this public key and input",
    }
    assert call(harness, "verify", pk, pi, alpha + "00")["code"] == "vrf_proof_mismatch"


def test_another_public_key_is_refused(harness: Page) -> None:
    _, alpha, pi, _ = RFC9381_B3[0]
    other_pk = RFC9381_B3[1][0]
    assert call(harness, "verify", other_pk, pi, alpha)["code"] == "vrf_proof_mismatch"


def test_invalid_public_keys_are_refused_with_the_reason(harness: Page) -> None:
    _, alpha, pi, _ = RFC9381_B3[0]
    # The identity (y = 1) has small order: RFC 9381 section 5.4.5 refuses it.
    identity = (1).to_bytes(32, "little").hex()
    result = call(harness, "verify", identity, pi, alpha)
    assert result["code"] == "vrf_public_key"
    assert "small order" in result["message"]
    # y = p is not canonical (RFC 8032 section 5.1.3 step 1).
    non_canonical = (2**255 - 19).to_bytes(32, "little").hex()
    result = call(harness, "verify", non_canonical, pi, alpha)
    assert result["code"] == "vrf_public_key"
    assert "not below p" in result["message"]
    # y = 2 gives no square root for x: not on the curve.
    off_curve = (2).to_bytes(32, "little").hex()
    assert "not on the curve" in call(harness, "verify", off_curve, pi, alpha)["message"]
    assert call(harness, "verify", identity[:-2], pi, alpha)["code"] == "vrf_public_key"


def test_a_scalar_not_below_q_and_a_short_proof_are_refused(harness: Page) -> None:
    pk, alpha, pi, _ = RFC9381_B3[0]
    q = 2**252 + 27742317777372353535851937790883648493
    s = int.from_bytes(bytes.fromhex(pi)[48:], "little")
    high_s = pi[:96] + (s + q).to_bytes(32, "little").hex()
    result = call(harness, "verify", pk, high_s, alpha)
    assert result["code"] == "vrf_proof_scalar"
    assert call(harness, "verify", pk, pi[:-2], alpha)["code"] == "vrf_proof_length"


# --- Labels -------------------------------------------------------------------------------


def test_label_alpha_in_the_browser(harness: Page) -> None:
    cases: list[tuple[str, str, int, bytes]] = [
        (
            "person",
            "330106199001011234",
            258,
            b"access-ledger/label/v2\x00person\x00330106199001011234\x00"
            b"\x00\x00\x00\x00\x00\x00\x01\x02",
        ),
        (
            "sealed",
            "91330100MA2XXXXX1A",
            0,
            b"access-ledger/label/v2\x00sealed\x0091330100MA2XXXXX1A\x00" + bytes(8),
        ),
        (
            "person",
            "张三",
            2**53 - 1,
            b"access-ledger/label/v2\x00person\x00\xe5\xbc\xa0\xe4\xb8\x89\x00"
            b"\x00\x1f\xff\xff\xff\xff\xff\xff",
        ),
    ]
    for namespace, identifier, counter, expected in cases:
        result = call(harness, "labelAlpha", namespace, identifier, counter)
        assert result == {"ok": True, "value": expected.hex()}


def test_label_alpha_refuses_what_the_format_does_not_allow(harness: Page) -> None:
    assert call(harness, "labelAlpha", "public", "x", 0)["code"] == "label_namespace"
    assert call(harness, "labelAlpha", "person", "x", -1)["code"] == "label_counter"
    assert call(harness, "labelAlpha", "person", "x", 1.5)["code"] == "label_counter"
    assert call(harness, "labelAlpha", "person", "\ud800", 0)["code"] == "lone_surrogate"


def test_label_from_beta_is_the_first_32_bytes_in_lowercase_hex(harness: Page) -> None:
    for *_, beta in RFC9381_B3:
        assert call(harness, "labelFromBeta", beta) == {"ok": True, "value": beta[:64]}
    assert call(harness, "labelFromBeta", RFC9381_B3[0][3][:64])["code"] == "vrf_beta"


# --- Labels proven end to end -------------------------------------------------------------

#: A test-only VRF key (RFC 8032 test 1's secret key), and the person whose reads are labelled.
SK = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
PERSON = "330106199001011234"


def python_label_proof(namespace: str, identifier: str, counter: int) -> tuple[str, str]:
    """(pi, label) made in Python: alpha written out by the format, label = beta[:32] hex."""
    alpha = (
        b"access-ledger/label/v2\x00"
        + namespace.encode()
        + b"\x00"
        + identifier.encode()
        + b"\x00"
        + counter.to_bytes(8, "big")
    )
    assert label_alpha(namespace, identifier, counter) == alpha
    # The portal's own VRF (ledger/core) makes the proof the browser checks.
    pi = vrf.prove(SK, alpha)
    return pi.hex(), label_from_beta(vrf.proof_to_hash(pi))


def test_the_reference_prover_reproduces_rfc9381() -> None:
    for sk, pk, alpha, pi, beta in RFC9381_SK_B3:
        assert vrf_reference.public_key(bytes.fromhex(sk)).hex() == pk
        assert vrf_reference.prove(bytes.fromhex(sk), bytes.fromhex(alpha)) == (
            bytes.fromhex(pi),
            bytes.fromhex(beta),
        )


@pytest.mark.parametrize(
    ("namespace", "identifier", "counter"),
    [("person", PERSON, 0), ("person", PERSON, 1), ("sealed", PERSON, 7), ("person", "张三", 300)],
)
def test_a_label_proven_in_the_browser_equals_the_python_label(
    harness: Page, namespace: str, identifier: str, counter: int
) -> None:
    pi, label = python_label_proof(namespace, identifier, counter)
    args = {
        "publicKey": vrf.public_key(SK).hex(),
        "proof": pi,
        "namespace": namespace,
        "identifier": identifier,
        "counter": counter,
    }
    assert call(harness, "verifyLabel", args) == {"ok": True, "value": label}
    assert call(harness, "verifyLabel", {**args, "label": label}) == {"ok": True, "value": label}


def test_a_label_that_the_proof_does_not_give_is_refused(harness: Page) -> None:
    pi, label = python_label_proof("person", PERSON, 3)
    args = {
        "publicKey": vrf.public_key(SK).hex(),
        "proof": pi,
        "namespace": "person",
        "identifier": PERSON,
        "counter": 3,
    }
    wrong = call(harness, "verifyLabel", {**args, "label": flip(label, 0)})
    assert wrong["code"] == "label_mismatch"
    assert "label" in wrong["message"]
    # The same proof for another counter, person or namespace does not verify.
    for change in ({"counter": 4}, {"identifier": PERSON[:-1] + "5"}, {"namespace": "sealed"}):
        assert call(harness, "verifyLabel", {**args, **change})["code"] == "vrf_proof_mismatch"
    other_key = RFC9381_B3[1][0]
    result = call(harness, "verifyLabel", {**args, "publicKey": other_key})
    assert result["code"] == "vrf_proof_mismatch"


# --- Commitments --------------------------------------------------------------------------

OPENING = bytes.fromhex("0f1e2d3c4b5a69788796a5b4c3d2e1f0")

DETAILS: dict[str, Any] = {
    "fields": ["address", "birth_date", "name"],
    "purpose": "核验申请人户籍信息",
    "application_number": "HZ-2026-000123",
    "reason": 'line one\nline "two"\t\u0001 é 😀',
    "reader": {"system": "dept-tax-2026"},
    "request_signature": {
        "keyid": "dept-tax-2026",
        "alg": "ed25519",
        "signature_input": 'sig1=("@method" "@path" "content-digest");created=1767225600',
        "signature": "sig1=:dGVzdA==:",
        "content_digest": "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
    },
}


def python_commitment(details: object, opening: bytes) -> str:
    return hashlib.sha256(
        b"access-ledger/commitment/v2\x00" + opening + canonicalize(details)
    ).hexdigest()


def test_canonical_json_of_the_browser_equals_python(harness: Page) -> None:
    for value in [
        DETAILS,
        {"reader": {"user": "zhangsan"}, "request_signature": None, "fields": []},
        {"\u20ac": 1, "\U0001f600": True, "\ufb33": False, "a": [None, -5, 9007199254740991]},
    ]:
        expected = canonicalize(value).decode()
        assert call(harness, "canonicalJson", value) == {"ok": True, "value": expected}


def test_the_worked_commitment_example_matches_the_browser(harness: Page) -> None:
    expected = python_commitment(DETAILS, OPENING)
    assert call(harness, "computeCommitment", DETAILS, OPENING.hex()) == {
        "ok": True,
        "value": expected,
    }
    assert call(harness, "verifyOpening", DETAILS, OPENING.hex(), expected) == {
        "ok": True,
        "value": True,
    }


@pytest.mark.parametrize(
    "change",
    [
        {"purpose": "核验申请人户籍信息 "},
        {"fields": ["address", "name"]},
        {"application_number": "HZ-2026-000124"},
        {"reader": {"user": "dept-tax-2026"}},
        {"request_signature": None},
    ],
)
def test_a_changed_detail_is_refused(harness: Page, change: dict[str, Any]) -> None:
    commitment = python_commitment(DETAILS, OPENING)
    result = call(harness, "verifyOpening", {**DETAILS, **change}, OPENING.hex(), commitment)
    assert result == {
        "ok": False,
        "code": "commitment_mismatch",
        "message": "the details and opening do not match the entry's commitment",
    }


def test_a_changed_or_malformed_opening_is_refused(harness: Page) -> None:
    commitment = python_commitment(DETAILS, OPENING)
    changed = call(harness, "verifyOpening", DETAILS, flip(OPENING.hex(), 15), commitment)
    assert changed["code"] == "commitment_mismatch"
    short = call(harness, "verifyOpening", DETAILS, OPENING.hex()[:-2], commitment)
    assert short["code"] == "opening_length"
    upper = call(harness, "verifyOpening", DETAILS, OPENING.hex(), commitment.upper())
    assert upper["code"] == "commitment_format"


def test_values_outside_ledger_json_are_refused_not_guessed(harness: Page) -> None:
    for value in [{"n": 1.5}, {"n": 2**53}, {"s": "\ud800"}]:
        result = call(harness, "canonicalJson", value)
        assert result["ok"] is False
        assert result["code"] in {"canonical_json", "lone_surrogate"}


# --- Timing -------------------------------------------------------------------------------


def test_a_person_with_50_reads_is_verified_and_timed(harness: Page) -> None:
    """50 label proofs and 50 openings, all distinct, all verified; prints the browser's time
    (a figure, not a pass mark: benchmarks are not timed tests)."""
    pk = vrf.public_key(SK).hex()
    rows = []
    for counter in range(50):
        pi, label = python_label_proof("person", PERSON, counter)
        opening = counter.to_bytes(16, "big")
        details = {**DETAILS, "application_number": f"HZ-2026-{counter:06d}"}
        rows.append(
            {
                "proof": pi,
                "label": label,
                "counter": counter,
                "details": details,
                "opening": opening.hex(),
                "commitment": python_commitment(details, opening),
            }
        )
    timing: dict[str, Any] = harness.evaluate(
        "([pk, person, rows]) => window.ledgerHarness.timePerson(pk, person, rows)",
        [pk, PERSON, rows],
    )
    print(
        f"\nbrowser verifier, 50 reads: {timing['total_ms']:.1f} ms "
        f"(VRF labels {timing['vrf_ms']:.1f} ms, openings {timing['opening_ms']:.1f} ms)"
    )
    assert timing["verified"] == 50


# --- Group operations ---------------------------------------------------------------------


def _torsion_points() -> list[bytes]:
    """Encodings of the 8 points of order dividing 8, found in Python: L * Q for a point Q of
    the full group kills its prime-order part and leaves a torsion point."""
    ref = vrf_reference
    for i in range(1, 100):
        q = ref._decode(hashlib.sha512(bytes([i])).digest()[:32])
        if q is None:
            continue
        t = ref._mul(ref.L, q)
        multiples = [ref._mul(j, t) for j in range(8)]
        encodings = {ref._encode(m) for m in multiples}
        if len(encodings) == 8:
            return sorted(encodings)
    raise AssertionError("no point of order 8 found")


def test_small_order_points_are_recognised_and_refused_as_keys(harness: Page) -> None:
    _, alpha, pi, _ = RFC9381_B3[0]
    torsion = _torsion_points()
    for encoding in torsion:
        # Each torsion point decodes (canonical encoding) and has small order.
        assert call(harness, "isSmallOrder", encoding.hex()) == {"ok": True, "value": True}
        result = call(harness, "verify", encoding.hex(), pi, alpha)
        assert result["code"] == "vrf_public_key"
        assert "small order" in result["message"]
    for pk, *_ in RFC9381_B3:
        assert call(harness, "isSmallOrder", pk) == {"ok": True, "value": False}


def test_scalar_multiplication_and_encoding_match_python(harness: Page) -> None:
    ref = vrf_reference
    assert ref.BASE is not None
    for k in [1, 2, 7, 8, 255, 2**128 + 1, ref.L - 1, 2**256 - 1]:
        expected = ref._encode(ref._mul(k, ref.BASE)).hex()
        assert call(harness, "baseMultiply", str(k)) == {"ok": True, "value": expected}
        assert call(harness, "roundTrip", expected) == {"ok": True, "value": expected}
    # L * B is the identity, whose encoding is y = 1.
    identity = (1).to_bytes(32, "little").hex()
    assert call(harness, "baseMultiply", str(ref.L)) == {"ok": True, "value": identity}


def test_non_canonical_encodings_are_refused(harness: Page) -> None:
    # RFC 8032 section 5.1.3: y = p + 1 (would alias y = 1) and x = 0 with the sign bit set.
    y_not_below_p = (2**255 - 19 + 1).to_bytes(32, "little").hex()
    assert "not below p" in call(harness, "roundTrip", y_not_below_p)["message"]
    negative_zero = (1 | (1 << 255)).to_bytes(32, "little").hex()
    assert "x = 0 with the sign bit" in call(harness, "roundTrip", negative_zero)["message"]
