"""Ledger entry format version 2: nothing in it names or links a person."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.commitment import Details, Reader, RequestEvidence, commit
from ledger.core.entry import Entry, EntryError, sign_entry, verify_entry_signature
from ledger.core.entry_v2 import ZERO_HASH_HEX, EntryV2, entry_leaf_hash, entry_version
from ledger.core.label import prove_label
from ledger.core.merkle import leaf_hash
from ledger.core.signing import generate
from ledger.core.vrf import VRFSecretKey

VRF_KEY = VRFSecretKey("vrf.ledger.example.gov.cn", bytes(range(32)))
IDENTIFIER = "110101199003071234"
APPLICATION = "APP-2025-000123"
DIGEST = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
SIGNATURE = (
    "sig1=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQ"
    "CK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:"
)
OPENING = bytes(range(16))


def make_details() -> Details:
    return Details(
        fields=("contribution_months", "employer"),
        purpose="subsidy-review",
        application_number=APPLICATION,
        reason="",
        reader=Reader(system="hrss-gateway+7c1d2e3f"),
        request_signature=RequestEvidence(
            keyid="hrss-gateway+7c1d2e3f",
            alg="ed25519",
            signature_input='sig1=("@method" "@path" "content-digest");created=1740821472',
            signature=SIGNATURE,
            content_digest=DIGEST,
        ),
    )


def make_entry(**overrides: Any) -> EntryV2:
    label, _ = prove_label(VRF_KEY, "person", IDENTIFIER, 0)
    values: dict[str, Any] = dict(
        time="2025-03-01T09:30:00.000000Z",
        department="HRSS",
        dataset="AMR.BUSINESS_LICENCE",
        outcome="granted",
        label=label,
        commitment=commit(make_details(), OPENING),
        prev=ZERO_HASH_HEX,
    )
    values.update(overrides)
    return EntryV2(**values)


def test_round_trip_and_leaf_hash() -> None:
    entry = make_entry()
    data = entry.to_bytes()
    assert json.loads(data)["v"] == 2
    assert list(json.loads(data)) == sorted(json.loads(data))
    assert EntryV2.from_bytes(data) == entry
    assert entry.leaf_hash() == leaf_hash(data)
    assert entry_leaf_hash(data) == entry.leaf_hash().hex()
    assert entry_version(data) == 2
    key = generate("ledger.example.gov.cn/access-v2")
    signature = sign_entry(data, key)
    assert verify_entry_signature(data, signature, key.verifier)
    assert not verify_entry_signature(data.replace(b"HRSS", b"HRSX"), signature, key.verifier)
    nxt = make_entry(prev=entry_leaf_hash(data), outcome="refused")
    assert EntryV2.from_bytes(nxt.to_bytes()).prev == entry.leaf_hash().hex()


def test_v1_still_parses_and_is_told_apart() -> None:
    """Version 1 bytes are refused by the v2 parser and the other way round."""
    from tests.ledger.core.test_ledger_entry import make_entry as make_v1

    v1 = make_v1().to_bytes()
    assert Entry.from_bytes(v1).to_bytes() == v1
    assert entry_version(v1) == 1
    with pytest.raises(EntryError):
        EntryV2.from_bytes(v1)
    with pytest.raises(EntryError):
        Entry.from_bytes(make_entry().to_bytes())


def _mutate(**changes: object) -> bytes:
    value = json.loads(make_entry().to_bytes())
    value.update(changes)
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_mutate(extra="x"), "unknown field"),
        (_mutate(subject="0" * 64), "unknown field"),
        (_mutate(v=1), "unsupported entry version"),
        (_mutate(v=3), "unsupported entry version"),
        (_mutate(v=True), "v must be an integer"),
        (_mutate(v="2"), "v must be an integer"),
        (_mutate(time="2025-03-01 09:30:00"), "RFC 3339"),
        (_mutate(time="2025-02-30T09:30:00.000000Z"), "not a valid date"),
        (_mutate(department=""), "department"),
        (_mutate(department=7), "department must be a string"),
        (_mutate(dataset=None), "dataset must be a string"),
        (_mutate(outcome="maybe"), "outcome"),
        (_mutate(label="ab" * 31), "label must be 64"),
        (_mutate(label="AB" * 32), "label must be 64"),
        (_mutate(commitment="0" * 65), "commitment must be 64"),
        (_mutate(prev="g" * 64), "prev must be 64"),
        (b'{"v":2}', "missing field"),
        (b"[]", "JSON object"),
        (b"not json", "not valid JSON"),
        (b"\xff", "UTF-8"),
    ],
)
def test_strict_parse_rejections(data: bytes, message: str) -> None:
    with pytest.raises(EntryError, match=message):
        EntryV2.from_bytes(data)


def test_non_canonical_bytes_are_refused() -> None:
    data = make_entry().to_bytes()
    with pytest.raises(EntryError, match="canonical"):
        EntryV2.from_bytes(data.replace(b",", b", ", 1))
    with pytest.raises(EntryError, match="canonical"):
        EntryV2.from_bytes(data + b"\n")
    value = json.loads(data)
    with pytest.raises(EntryError, match="canonical"):
        EntryV2.from_bytes(json.dumps(value, sort_keys=False).encode())


def test_entry_holds_nothing_from_the_details() -> None:
    """No identifier, application number, digest, signature, reader or purpose in public."""
    details = make_details()
    entry = make_entry()
    data = entry.to_bytes()
    text = data.decode()
    secrets = [
        IDENTIFIER,
        APPLICATION,
        DIGEST,
        DIGEST.split(":")[1],
        SIGNATURE,
        "hrss-gateway",
        details.purpose,
        "contribution_months",
        OPENING.hex(),
    ]
    for value in secrets:
        assert value not in text, value
        assert value.encode("utf-8").hex() not in text
    assert set(json.loads(data)) == {
        "v",
        "time",
        "department",
        "dataset",
        "outcome",
        "label",
        "commitment",
        "prev",
    }


def test_two_reads_of_one_person_share_no_public_value() -> None:
    """Two departments read one person: labels and commitments differ, nothing repeats."""
    a = make_entry()
    label_b, _ = prove_label(VRF_KEY, "person", IDENTIFIER, 1)
    b = make_entry(
        department="TAX",
        label=label_b,
        commitment=commit(replace(make_details(), purpose="tax-check"), bytes(16)),
        prev=a.leaf_hash().hex(),
        time="2025-03-01T09:31:00.000000Z",
    )
    shared = {k for k in ("label", "commitment") if getattr(a, k) == getattr(b, k)}
    assert not shared


_HEX64 = st.binary(min_size=32, max_size=32).map(bytes.hex)


@given(
    department=st.text(min_size=1, max_size=20).filter(lambda t: not _has_surrogate(t)),
    dataset=st.text(min_size=1, max_size=30).filter(lambda t: not _has_surrogate(t)),
    outcome=st.sampled_from(["granted", "refused"]),
    label=_HEX64,
    commitment=_HEX64,
    prev=_HEX64,
    micros=st.integers(0, 10**6 - 1),
)
def test_round_trip_property(
    department: str, dataset: str, outcome: str, label: str, commitment: str, prev: str, micros: int
) -> None:
    """Any valid values: canonical bytes parse back to the same entry, and only to it."""
    entry = EntryV2(
        time=f"2025-03-01T09:30:00.{micros:06d}Z",
        department=department,
        dataset=dataset,
        outcome=outcome,
        label=label,
        commitment=commitment,
        prev=prev,
    )
    data = entry.to_bytes()
    assert EntryV2.from_bytes(data) == entry
    assert EntryV2.from_bytes(data).to_bytes() == data


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
