"""Commitments of ledger version 2."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any, cast

import pytest

from ledger.core.commitment import (
    OPENING_LEN,
    CommitmentError,
    Details,
    Reader,
    RequestEvidence,
    commit,
    new_opening,
    verify_opening,
)

OPENING = bytes(range(16))
EVIDENCE = RequestEvidence(
    keyid="tax-gateway+1a2b3c4d",
    alg="ed25519",
    signature_input='sig1=("@method" "@path" "content-digest");created=1740821472',
    signature="sig1=:AAAA:",
    content_digest="sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
)


def make_details(**overrides: Any) -> Details:
    values: dict[str, Any] = dict(
        fields=("contribution_months", "employer"),
        purpose="subsidy-review",
        application_number="APP-2025-000123",
        reason="",
        reader=Reader(user="staff-0042"),
        request_signature=None,
    )
    values.update(overrides)
    return Details(**values)


def test_worked_example() -> None:
    """SHA-256 over the prefix, the opening and the canonical details, computed by hand."""
    details = make_details()
    canonical = (
        b'{"application_number":"APP-2025-000123","fields":["contribution_months","employer"],'
        b'"purpose":"subsidy-review","reader":{"user":"staff-0042"},"reason":"",'
        b'"request_signature":null,"seal":null}'
    )
    assert details.to_bytes() == canonical
    expected = hashlib.sha256(b"access-ledger/commitment/v2\x00" + OPENING + canonical)
    assert commit(details, OPENING) == expected.hexdigest()
    assert verify_opening(details, OPENING, expected.hexdigest())


def test_changed_opening_or_detail_is_refused() -> None:
    details = make_details(reader=Reader(system="tax-gateway+1a2b3c4d"), request_signature=EVIDENCE)
    commitment = commit(details, OPENING)
    assert verify_opening(details, OPENING, commitment)
    assert not verify_opening(details, bytes(16), commitment)
    assert not verify_opening(details, OPENING[:-1], commitment)
    for changed in (
        replace(details, fields=("contribution_months",)),
        replace(details, purpose="other"),
        replace(details, application_number=None),
        replace(details, reason="NO_GRANT"),
        replace(details, reader=Reader(user="tax-gateway+1a2b3c4d")),
        replace(details, request_signature=replace(EVIDENCE, content_digest="sha-256=:x:")),
        replace(details, request_signature=None),
    ):
        assert not verify_opening(changed, OPENING, commitment)


def test_openings_are_fresh_and_sized() -> None:
    a, b = new_opening(), new_opening()
    assert len(a) == len(b) == OPENING_LEN and a != b
    with pytest.raises(CommitmentError, match="16 bytes"):
        commit(make_details(), b"short")
    with pytest.raises(CommitmentError, match="hexadecimal"):
        verify_opening(make_details(), OPENING, "ABC")


def test_details_validation() -> None:
    with pytest.raises(CommitmentError, match="sorted"):
        make_details(fields=("b", "a"))
    with pytest.raises(CommitmentError, match="sorted"):
        make_details(fields=("a", "a"))
    with pytest.raises(CommitmentError, match="non-empty"):
        make_details(fields=("",))
    with pytest.raises(CommitmentError, match="list"):
        make_details(fields="abc")
    with pytest.raises(CommitmentError, match="purpose"):
        make_details(purpose="")
    with pytest.raises(CommitmentError, match="application_number"):
        make_details(application_number=5)
    with pytest.raises(CommitmentError, match="reader"):
        make_details(reader="staff-0042")
    with pytest.raises(CommitmentError, match="exactly one"):
        Reader(user="a", system="b")
    with pytest.raises(CommitmentError, match="exactly one"):
        Reader()
    with pytest.raises(CommitmentError, match="empty"):
        Reader(user="")
    with pytest.raises(CommitmentError, match="content_digest"):
        replace(EVIDENCE, content_digest=cast(str, None))


def test_details_parse_round_trip_and_strictness() -> None:
    details = make_details(reader=Reader(system="tax-gateway+1a2b3c4d"), request_signature=EVIDENCE)
    assert Details.from_bytes(details.to_bytes()) == details
    value = details.to_json()
    assert Details.from_json(value) == details
    bad: Any
    for bad, message in (
        ({**value, "extra": 1}, "unknown"),
        ({k: v for k, v in value.items() if k != "reason"}, "missing"),
        ({**value, "fields": "a"}, "list"),
        ({**value, "fields": [1]}, "fields"),
        ({**value, "reader": {"user": "a", "system": "b"}}, "reader"),
        ({**value, "reader": {"admin": "a"}}, "unknown field"),
        ({**value, "request_signature": {"keyid": "k"}}, "missing"),
    ):
        with pytest.raises(CommitmentError, match=message):
            Details.from_json(bad)
    with pytest.raises(CommitmentError, match="canonical"):
        Details.from_bytes(details.to_bytes().replace(b",", b", ", 1))
