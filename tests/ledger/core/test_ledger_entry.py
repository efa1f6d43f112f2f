"""Ledger entry format version 1."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from ledger.core.entry import (
    ZERO_HASH_HEX,
    Actor,
    Entry,
    EntryError,
    RequestSignature,
    format_time,
    sign_entry,
    subject_hash,
    verify_entry_signature,
)
from ledger.core.merkle import leaf_hash
from ledger.core.signing import generate

SECRET = b"deployment-secret"


def make_entry(**overrides: object) -> Entry:
    values: dict[str, Any] = dict(
        time="2025-01-31T08:00:00.000000Z",
        actor=Actor(department="HRSS", user="u-17", system=None),
        dataset="SOCIAL_INSURANCE",
        fields=("contribution_months", "employer"),
        purpose="subsidy-eligibility",
        application="APP-2025-000123",
        outcome="granted",
        reason="",
        subject=subject_hash(SECRET, "91310000MA1FL0001X"),
        prev=ZERO_HASH_HEX,
    )
    values.update(overrides)
    return Entry(**values)


def test_entry_bytes_are_canonical_json_with_exact_fields():
    """to_bytes is RFC 8785 JSON of exactly the v1 fields; from_bytes round-trips."""
    entry = make_entry()
    data = entry.to_bytes()
    assert data.startswith(b'{"actor":{"department":"HRSS","system":null,"user":"u-17"},')
    assert set(json.loads(data)) == {
        "v",
        "time",
        "actor",
        "dataset",
        "fields",
        "purpose",
        "application",
        "outcome",
        "reason",
        "subject",
        "prev",
        "request_signature",
    }
    assert Entry.from_bytes(data) == entry
    assert entry.leaf_hash() == leaf_hash(data)


def test_request_signature_is_carried():
    """A department's RFC 9421 signature travels inside the entry."""
    rs = RequestSignature(
        keyid="dept-hrss-1",
        alg="ed25519",
        signature_input='sig1=("@method" "@path" "content-digest");created=1700000000',
        signature="sig1=:AAAA:",
        digest="sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
    )
    entry = make_entry(request_signature=rs, actor=Actor("HRSS", None, "sys-9"))
    assert Entry.from_bytes(entry.to_bytes()).request_signature == rs


def test_subject_hash_is_keyed():
    """The subject is HMAC-SHA-256 hex; a different secret gives a different value."""
    a = subject_hash(SECRET, "110101199003070000")
    assert len(a) == 64 and a != subject_hash(b"other", "110101199003070000")


def test_format_time_requires_aware_and_normalises_to_utc():
    """Times are RFC 3339 UTC with microseconds."""
    moment = datetime(2025, 1, 31, 16, 0, 0, 5, tzinfo=timezone(timedelta(hours=8)))
    assert format_time(moment) == "2025-01-31T08:00:00.000005Z"
    with pytest.raises(EntryError):
        format_time(datetime(2025, 1, 1))  # noqa: DTZ001 - the naive time it refuses
    assert format_time(datetime(2025, 1, 1, tzinfo=UTC)).endswith("Z")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(v=2), "version"),
        (lambda d: d.update(v=True), "v must"),
        (lambda d: d.update(extra=1), "unknown field"),
        (lambda d: d.pop("purpose"), "missing field"),
        (lambda d: d.update(fields=["b", "a"]), "sorted"),
        (lambda d: d.update(fields="a"), "fields"),
        (lambda d: d.update(time="2025-01-31T08:00:00Z"), "time"),
        (lambda d: d.update(time="2025-02-30T08:00:00.000000Z"), "valid date"),
        (lambda d: d.update(outcome="maybe"), "outcome"),
        (lambda d: d.update(outcome="refused", reason=""), "reason"),
        (lambda d: d.update(prev="00"), "prev"),
        (lambda d: d.update(subject="A" * 64), "subject"),
        (lambda d: d.update(application=5), "application"),
        (lambda d: d["actor"].update(user=None, system=None), "actor"),
        (lambda d: d["actor"].update(role="x"), "unknown field"),
        (lambda d: d.update(request_signature={"keyid": "k"}), "missing field"),
    ],
)
def test_from_bytes_refuses_invalid_entries(mutate, message):
    """Unknown fields, wrong types or values and wrong versions are refused clearly."""
    obj = json.loads(make_entry().to_bytes())
    mutate(obj)
    from ledger.core.encoding import canonicalize

    with pytest.raises(EntryError, match=message):
        Entry.from_bytes(canonicalize(obj))


def test_from_bytes_refuses_non_canonical_bytes():
    """Whitespace or reordered members are refused: one entry, one byte string."""
    data = make_entry().to_bytes()
    with pytest.raises(EntryError, match="canonical"):
        Entry.from_bytes(json.dumps(json.loads(data)).encode())


def test_entry_signature():
    """The log key signs the entry bytes; other bytes or keys fail."""
    key = generate("ledger.example.gov.cn/log")
    data = make_entry().to_bytes()
    sig = sign_entry(data, key)
    assert verify_entry_signature(data, sig, key.verifier)
    assert not verify_entry_signature(data + b" ", sig, key.verifier)
    assert not verify_entry_signature(data, sig, generate("other").verifier)
    assert not verify_entry_signature(
        replace(make_entry(), purpose="x").to_bytes(), sig, key.verifier
    )
