"""The public ledger API over HTTP: entries, proofs, the checkpoint and the keys.

Everything an auditor receives is checked with ``ledger.core`` alone, as an outside verifier
would: the checkpoint opens with the keys served at /ledger/keys, and every proof verifies
against the root in that checkpoint.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.test import Client

from ledger.core.checkpoint import CheckpointError, open_checkpoint
from ledger.core.entry import ZERO_HASH_HEX
from ledger.core.entry_v2 import EntryV2
from ledger.core.notes import NoteError
from ledger.core.proofs import ProofError, verify_consistency, verify_inclusion
from ledger.core.signing import ALG_ED25519, VerifierKey, generate, parse_vkey
from ledger.models import Checkpoint
from ledger.models import Entry as EntryRow
from ledger.services import checkpoint_create, ledger_sequence_all
from tests.ledger.django.support import client_ip, record

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

ENTRIES = "/api/v1/ledger/entries"
INCLUSION = "/api/v1/ledger/proofs/inclusion"
CONSISTENCY = "/api/v1/ledger/proofs/consistency"


@dataclass(frozen=True)
class PublishedLog:
    first: Checkpoint  # a checkpoint of the first 7 entries
    latest: Checkpoint  # a checkpoint of all 13


@pytest.fixture
def client() -> Client:
    return Client(REMOTE_ADDR=client_ip(), HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def log() -> PublishedLog:
    record(7)
    ledger_sequence_all()
    first = checkpoint_create()
    record(6, purpose="tax credit review")
    ledger_sequence_all()
    latest = checkpoint_create()
    assert first is not None and latest is not None
    assert (first.tree_size, latest.tree_size) == (7, 13)
    return PublishedLog(first, latest)


def log_keys(client: Client) -> dict[str, VerifierKey]:
    response = client.get("/ledger/keys")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    keys = [parse_vkey(line) for line in response.content.decode().splitlines()]
    return {k.key_id: k for k in keys if k.alg == ALG_ED25519}


def served_root(client: Client) -> tuple[int, bytes]:
    """Size and root of the checkpoint served at /ledger/checkpoint, opened with served keys."""
    response = client.get("/ledger/checkpoint")
    assert response.status_code == 200
    opened = open_checkpoint(response.content.decode(), log_keys(client).values())
    return opened.checkpoint.size, opened.checkpoint.root_hash


def problem(response: TestResponse) -> dict[str, object]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert isinstance(body, dict)
    assert body["status"] == 400
    return body


def test_checkpoint_is_404_with_a_clear_text_until_one_is_published(client: Client) -> None:
    """Before the first checkpoint, even with entries sequenced, /ledger/checkpoint says so."""
    for _ in range(2):
        response = client.get("/ledger/checkpoint")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/plain")
        assert response.content.decode() == "No checkpoint has been published yet.\n"
        record(2)
        ledger_sequence_all()
    checkpoint_create()
    assert client.get("/ledger/checkpoint").status_code == 200


def test_checkpoint_is_exactly_the_signed_note_and_opens_with_the_served_keys(
    client: Client, log: PublishedLog
) -> None:
    """text/plain, byte for byte the C2SP signed note: origin, size, root, blank, log line."""
    response = client.get("/ledger/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text == log.latest.note
    root = base64.b64encode(bytes(log.latest.root_hash)).decode()
    lines = text.split("\n")
    assert lines[:4] == [settings.LEDGER_ORIGIN, "13", root, ""]
    assert lines[4].startswith(f"— {settings.LEDGER_ORIGIN} ")
    assert lines[5:] == [""]  # no witnesses configured: the log's signature line only

    keys = log_keys(client)
    opened = open_checkpoint(text, keys.values())
    assert opened.checkpoint.origin == settings.LEDGER_ORIGIN
    assert (opened.checkpoint.size, opened.checkpoint.root_hash) == (13, log.latest.root_hash)
    assert opened.cosignatures == ()
    # The note does not open with somebody else's key of the same name.
    with pytest.raises((CheckpointError, NoteError)):
        open_checkpoint(text, [generate(settings.LEDGER_ORIGIN).verifier])
    # A changed byte breaks it.
    with pytest.raises((CheckpointError, NoteError)):
        open_checkpoint(text.replace("\n13\n", "\n12\n"), keys.values())


def test_entries_are_canonical_bytes_with_leaf_hashes_and_log_signatures(
    client: Client, log: PublishedLog
) -> None:
    """Each entry: base64 canonical bytes, hex RFC 6962 leaf hash, a verifying signature."""
    keys = log_keys(client)
    response = client.get(ENTRIES, {"start": 0, "end": 20})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert (body["start"], body["end"], body["tree_size"]) == (0, 13, 13)
    assert [e["index"] for e in body["entries"]] == list(range(13))
    prev = ZERO_HASH_HEX
    for item, row in zip(body["entries"], EntryRow.objects.order_by("index"), strict=True):
        data = base64.b64decode(item["entry"], validate=True)
        assert data == bytes(row.data)
        entry = EntryV2.from_bytes(data)  # strict: canonical JCS, version 2
        assert entry.to_bytes() == data
        assert entry.prev == prev
        assert item["leaf_hash"] == hashlib.sha256(b"\x00" + data).hexdigest()
        [signature] = item["signatures"]
        key = keys[signature["key"]]
        assert key.verify(data, base64.b64decode(signature["signature"]))
        assert not key.verify(data + b" ", base64.b64decode(signature["signature"]))
        prev = item["leaf_hash"]

    page = json.loads(client.get(ENTRIES, {"start": 5, "end": 8}).content)
    assert [e["index"] for e in page["entries"]] == [5, 6, 7]
    assert page["entries"] == body["entries"][5:8]


def test_inclusion_proofs_verify_against_the_checkpoint_roots(
    client: Client, log: PublishedLog
) -> None:
    """Every entry's audit path leads to the served root; earlier trees to earlier roots."""
    size, root = served_root(client)
    assert size == 13
    leaves = [
        e["leaf_hash"]
        for e in json.loads(client.get(ENTRIES, {"start": 0, "end": 13}).content)["entries"]
    ]
    for tree_size, expected_root in ((13, root), (7, bytes(log.first.root_hash))):
        for index in range(tree_size):
            response = client.get(INCLUSION, {"index": index, "tree_size": tree_size})
            assert response.status_code == 200, response.content
            proof = json.loads(response.content)
            assert (proof["index"], proof["tree_size"]) == (index, tree_size)
            assert proof["leaf_hash"] == leaves[index]
            assert proof["root_hash"] == expected_root.hex()
            hashes = [bytes.fromhex(h) for h in proof["hashes"]]
            verify_inclusion(bytes.fromhex(leaves[index]), index, tree_size, expected_root, hashes)
            if hashes:  # the check can fail: a changed path or another leaf does not verify
                with pytest.raises(ProofError):
                    verify_inclusion(
                        bytes.fromhex(leaves[index]),
                        index,
                        tree_size,
                        expected_root,
                        [hashes[0][::-1], *hashes[1:]],
                    )
                with pytest.raises(ProofError):
                    verify_inclusion(
                        bytes.fromhex(leaves[(index + 1) % tree_size]),
                        index,
                        tree_size,
                        expected_root,
                        hashes,
                    )


def test_consistency_proofs_verify_between_checkpoints(client: Client, log: PublishedLog) -> None:
    """Every older tree is proved a prefix of the served one, and 7 is the first checkpoint."""
    size, root = served_root(client)
    for first in range(1, size + 1):
        response = client.get(CONSISTENCY, {"first": first, "second": size})
        assert response.status_code == 200, response.content
        proof = json.loads(response.content)
        assert proof["second_root"] == root.hex()
        old_root = bytes.fromhex(proof["first_root"])
        hashes = [bytes.fromhex(h) for h in proof["hashes"]]
        verify_consistency(first, size, old_root, root, hashes)
        if first == 7:
            assert old_root == bytes(log.first.root_hash)
        if first < size:
            with pytest.raises(ProofError):
                verify_consistency(first, size, old_root[::-1], root, hashes)
    between = json.loads(client.get(CONSISTENCY, {"first": 3, "second": 7}).content)
    assert between["second_root"] == bytes(log.first.root_hash).hex()
    verify_consistency(
        3,
        7,
        bytes.fromhex(between["first_root"]),
        bytes(log.first.root_hash),
        [bytes.fromhex(h) for h in between["hashes"]],
    )


@pytest.mark.parametrize(
    ("url", "params", "field", "message"),
    [
        (ENTRIES, {"start": "x", "end": 2}, "start", "A valid integer is required."),
        (ENTRIES, {"start": 0, "end": "2.5"}, "end", "A valid integer is required."),
        (ENTRIES, {"start": -1, "end": 2}, "start", "greater than or equal to 0"),
        (ENTRIES, {"start": 0}, "end", "This field is required."),
        (ENTRIES, {"start": 4, "end": 4}, "end", "end must be greater than start."),
        (ENTRIES, {"start": 5, "end": 2}, "end", "end must be greater than start."),
        (ENTRIES, {"start": 0, "end": 1001}, "end", "At most 1000 entries per request."),
        (ENTRIES, {"start": 13, "end": 20}, "start", "start must be below the tree size 13."),
        (ENTRIES, {"start": 10**30, "end": 10**30 + 1}, "start", "below the tree size 13"),
        (INCLUSION, {"index": "one", "tree_size": 13}, "index", "A valid integer is required."),
        (INCLUSION, {"index": 13, "tree_size": 13}, None, "index must be between 0 and"),
        (INCLUSION, {"index": 0, "tree_size": 14}, None, "tree_size must be between 1 and 13"),
        (INCLUSION, {"index": 0, "tree_size": 0}, "tree_size", "greater than or equal to 1"),
        (INCLUSION, {"index": 0, "tree_size": 10**30}, None, "tree_size must be between"),
        (INCLUSION, {"tree_size": 5}, "index", "This field is required."),
        (CONSISTENCY, {"first": 8, "second": 7}, None, "first must be between 1 and second"),
        (CONSISTENCY, {"first": 1, "second": 14}, None, "second must be between 1 and 13"),
        (CONSISTENCY, {"first": 0, "second": 7}, "first", "greater than or equal to 1"),
        (CONSISTENCY, {"first": "1e3", "second": 7}, "first", "A valid integer is required."),
    ],
)
def test_bad_parameters_are_problem_details_with_a_clear_message(
    client: Client,
    log: PublishedLog,
    url: str,
    params: dict[str, str | int],
    field: str | None,
    message: str,
) -> None:
    """400 application/problem+json naming the parameter (or the rule) that was broken."""
    body = problem(client.get(url, params))
    if field is None:
        assert message in str(body["detail"])
        assert "errors" not in body
    else:
        errors = body["errors"]
        assert isinstance(errors, dict)
        assert any(message in text for text in errors[field]), errors


def test_proofs_of_an_empty_ledger_say_it_is_empty(client: Client) -> None:
    """With no entries there is nothing to prove; the message says so."""
    for url, params in (
        (INCLUSION, {"index": 0, "tree_size": 1}),
        (CONSISTENCY, {"first": 1, "second": 1}),
    ):
        body = problem(client.get(url, params))
        assert body["detail"] == "the ledger has no entries yet"
    body = problem(client.get(ENTRIES, {"start": 0, "end": 1}))
    assert body["errors"] == {"start": ["start must be below the tree size 0."]}
