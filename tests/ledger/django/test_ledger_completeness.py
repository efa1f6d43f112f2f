"""Completeness: the index log, the person's completeness proof, and what breaks it.

The index epoch follows the access log's checkpoints (idempotently); the person's proof from
``/my/data-uses/completeness.json`` verifies with ``ledger.core.completeness`` and offline with
``python -m ledger.verify --completeness``; a read left out of the person's list, a skipped
counter and a forged index root are each refused with their reason.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from ledger.completeness import subject_completeness
from ledger.constants import Namespace, Outcome
from ledger.core.checkpoint import cosign
from ledger.core.completeness import (
    MAX_PROBE,
    CompletenessReport,
    required_probes,
    verify_completeness,
)
from ledger.core.index_log import IndexAuditError, IndexAuditor, IndexLeaf
from ledger.core.label import prove_label
from ledger.core.merkle import leaf_hash, root_from_leaf_hashes
from ledger.core.notes import parse_note
from ledger.core.prefix_tree import IndexValue, root_from_items
from ledger.core.signing import ALG_COSIGNATURE_V1, generate
from ledger.keys import index_signing_key, log_signing_key, vrf_secret_key
from ledger.logs import INDEX_LOG
from ledger.models import (
    Checkpoint,
    Cosignature,
    Entry,
    IndexCheckpoint,
    IndexCosignature,
    IndexLogLeaf,
    SubjectCounter,
    Witness,
)
from ledger.selectors import ledger_verify_index
from ledger.services import (
    checkpoint_create,
    index_epoch_append,
    ledger_event_record,
    ledger_sequence_all,
    subject_hash,
)
from tests.factories import make_citizen
from tests.ledger.django.support import ROOT, as_malicious_dba, client_ip, record

pytestmark = pytest.mark.django_db

WITNESS = generate("witness.completeness.test", ALG_COSIGNATURE_V1)


def read_of(identifier: str, n: int = 1) -> None:
    for i in range(n):
        ledger_event_record(
            department="rsj",
            user="rsj.clerk",
            system_id=None,
            dataset="gaj.household",
            fields=["address"],
            purpose=f"subsidy review {i}",
            application=None,
            outcome=Outcome.GRANTED,
            subject_identifier=identifier,
            dispatch=False,
        )


def cosigned(
    model: type[Checkpoint] | type[IndexCheckpoint], checkpoint: Checkpoint | IndexCheckpoint
) -> None:
    """The test witness co-signs (as an audited, registered witness would)."""
    Witness.objects.get_or_create(
        name=WITNESS.name, defaults={"url": "http://127.0.0.1:9/", "vkey": WITNESS.vkey}
    )
    assert isinstance(checkpoint, model)
    text, _ = parse_note(checkpoint.note)
    cosignatures = Cosignature if model is Checkpoint else IndexCosignature
    cosignatures.objects.get_or_create(
        checkpoint=checkpoint, witness_name=WITNESS.name, defaults={"line": cosign(text, WITNESS)}
    )


def publish() -> tuple[Checkpoint, IndexCheckpoint]:
    ledger_sequence_all()
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    cosigned(Checkpoint, checkpoint)
    index_epoch_append()
    index_checkpoint = checkpoint_create(log=INDEX_LOG)
    assert isinstance(index_checkpoint, IndexCheckpoint)
    cosigned(IndexCheckpoint, index_checkpoint)
    return checkpoint, index_checkpoint


def keys() -> dict[str, object]:
    return {
        "log_keys": [log_signing_key().vkey],
        "index_keys": [index_signing_key().vkey],
        "witness_keys": [WITNESS.vkey],
        "vrf_keys": [vrf_secret_key().public.text],
        "min_witnesses": 1,
    }


def check(data: dict[str, Any]) -> CompletenessReport:
    return verify_completeness(json.dumps(data).encode(), **keys())  # type: ignore[arg-type]


def labels_of_log() -> list[tuple[bytes, IndexValue]]:
    return [
        (bytes.fromhex(label), IndexValue(index, bytes(leaf)))
        for index, label, leaf in Entry.objects.order_by("index").values_list(
            "index", "label", "leaf_hash"
        )
    ]


def test_the_index_epoch_follows_the_checkpoints_and_is_idempotent() -> None:
    record(5)
    ledger_sequence_all()
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    first = index_epoch_append()
    assert first is not None and first.index == 0 and first.log_size == 5
    leaf = IndexLeaf.from_bytes(bytes(first.data))
    assert (leaf.epoch, leaf.log_size, leaf.log_root) == (0, 5, bytes(checkpoint.root_hash))
    assert leaf.index_root == root_from_items(labels_of_log())
    assert index_epoch_append() == first  # the same checkpoint: no new epoch
    record(3)
    ledger_sequence_all()
    assert index_epoch_append() == first  # entries sequenced, but no checkpoint yet
    checkpoint_create()
    second = index_epoch_append()
    assert second is not None and (second.index, second.log_size) == (1, 8)
    assert IndexLeaf.from_bytes(bytes(second.data)).index_root == root_from_items(labels_of_log())
    index_checkpoint = checkpoint_create(log=INDEX_LOG)
    assert index_checkpoint is not None and index_checkpoint.tree_size == 2
    client = Client(REMOTE_ADDR=client_ip())
    note = client.get("/ledger/index/checkpoint")
    assert note.status_code == 200
    assert note.content.decode().startswith("portal.localhost/access-index/v1\n2\n")
    bundle = client.get("/ledger/index/tile/entries/000.p/2")
    assert bundle.status_code == 200
    data = bundle.content
    assert data[:2] == (109).to_bytes(2, "big") and data[2:111] == bytes(first.data)
    tile = client.get("/ledger/index/tile/0/000.p/2").content
    assert tile == leaf_hash(bytes(first.data)) + leaf_hash(bytes(second.data))
    assert index_signing_key().vkey in client.get("/ledger/keys").content.decode()


def test_the_auditor_rebuilds_the_portals_index_from_the_entries_alone() -> None:
    record(40)
    publish()
    record(25)
    publish()
    entries = [bytes(d) for d in Entry.objects.order_by("index").values_list("data", flat=True)]
    leaves = [
        bytes(d) for d in IndexLogLeaf.objects.order_by("index").values_list("data", flat=True)
    ]
    auditor = IndexAuditor()
    index_cp = IndexCheckpoint.objects.order_by("-id").first()
    assert index_cp is not None
    auditor.audit(leaves, bytes(index_cp.root_hash), lambda a, b: entries[a:b])
    assert auditor.index_root == IndexLeaf.from_bytes(leaves[-1]).index_root
    assert auditor.log.size == 65


def test_a_persons_reads_are_proven_complete_over_http_and_offline(tmp_path: Path) -> None:
    alice = make_citizen()
    read_of(str(alice.id_number), 3)
    record(30)
    publish()
    client = Client(REMOTE_ADDR=client_ip())
    assert client.get("/my/data-uses/completeness.json").status_code == 302  # sign in first
    client.force_login(alice)
    response = client.get("/my/data-uses/completeness.json")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    data = response.json()
    packed = client.get("/my/data-uses/completeness.json", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip" and len(packed.content) < len(response.content)
    assert [r["counter"] for r in data["reads"]] == [0, 1, 2]
    assert [p["counter"] for p in data["probes"]] == required_probes(3)
    assert required_probes(3)[:6] == [3, 4, 5, 6, 7, 8] and required_probes(3)[-1] == MAX_PROBE
    report = check(data)
    assert report.ok, report.message
    assert report.reads == 3 and report.log_size == 33
    assert "3 recorded read(s), counters 0..2" in report.message
    # Offline: the downloaded file, keys from the command line only.
    download = client.get("/my/data-uses/completeness.json?download=1")
    assert download["Content-Disposition"] == 'attachment; filename="completeness-proof.json"'
    path = tmp_path / "completeness.json"
    path.write_bytes(download.content)
    args = [sys.executable, "-m", "ledger.verify", "--completeness", str(path)]
    args += ["--key", log_signing_key().vkey, "--key", WITNESS.vkey]
    args += ["--index-key", index_signing_key().vkey, "--vrf-key", vrf_secret_key().public.text]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("valid: 3 recorded read(s), counters 0..2: all the reads")
    # The same file about someone else, or with a byte of the index proof changed.
    other = subprocess.run([*args, "--identifier", "110101199003071234"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert other.returncode == 1 and other.stdout.startswith("invalid (identifier)")
    proof = bytearray(base64.b64decode(data["proof"]))
    proof[-1] ^= 1
    path.write_text(json.dumps({**data, "proof": base64.b64encode(proof).decode()}))
    bad = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and bad.stdout.startswith("invalid (index_proof)"), bad.stdout


def test_a_person_with_no_reads_gets_a_verified_no_recorded_reads() -> None:
    bob = make_citizen()
    record(12)
    publish()
    data = subject_completeness(identifier=str(bob.id_number))
    assert data["reads"] == []
    report = check(data)
    assert report.ok and report.reads == 0, report.message
    assert report.message.startswith("no recorded reads: all the reads of this person")


def test_a_read_left_out_of_the_list_is_caught() -> None:
    """The portal lists counters 0..1 but the log (and the index) hold counter 2 too."""
    alice = make_citizen()
    read_of(str(alice.id_number), 3)
    publish()
    data = subject_completeness(identifier=str(alice.id_number))
    hidden = {**data, "reads": data["reads"][:2]}
    probes = [p for p in data["probes"] if p["counter"] != 2]
    key = vrf_secret_key()
    _label, proof = prove_label(key, Namespace.PERSON, str(alice.id_number), 2)
    hidden["probes"] = [
        {"counter": 2, "vrf_key": key.key_id, "vrf_proof": base64.b64encode(proof).decode()},
        *probes,
    ]
    report = check(hidden)
    assert not report.ok and report.code == "index_proof", report.message
    # Leaving counter 2 out of the probes instead: the required probe is missing.
    report = check({**hidden, "probes": probes})
    assert not report.ok and report.code == "probes", report.message
    assert "counter 2 is absent" in report.message


def test_a_skipped_counter_is_caught() -> None:
    """A read recorded at counter 5 after counters 0..2: probes 3..7 find it present."""
    alice = make_citizen()
    read_of(str(alice.id_number), 3)
    SubjectCounter.objects.filter(
        subject=subject_hash(str(alice.id_number)), namespace=Namespace.PERSON
    ).update(next_counter=5)
    read_of(str(alice.id_number), 1)
    publish()
    data = subject_completeness(identifier=str(alice.id_number))
    assert [r["counter"] for r in data["reads"]] == [0, 1, 2]
    # No proof can show counter 5 absent: the batch proof the server read says it is there.
    report = check(data)
    assert not report.ok and report.code == "index_proof", report.message
    assert "is in the index, not absent" in report.message


def test_a_forged_index_root_or_a_counter_gap_is_refused() -> None:
    alice = make_citizen()
    read_of(str(alice.id_number), 4)
    publish()
    data: dict[str, Any] = subject_completeness(identifier=str(alice.id_number))
    gap = {**data, "reads": [data["reads"][0], *data["reads"][2:]]}
    report = check(gap)
    assert not report.ok and report.code == "counters"
    leaf = IndexLeaf.from_bytes(base64.b64decode(data["index_leaf"]))
    forged = IndexLeaf(leaf.epoch, leaf.time, leaf.log_size, leaf.log_root, bytes(32))
    report = check({**data, "index_leaf": base64.b64encode(forged.to_bytes()).decode()})
    assert not report.ok and report.code == "index_inclusion"
    report = check({**data, "index_checkpoint": data["log_checkpoint"]})
    assert not report.ok and report.code == "index_checkpoint_signature"
    lone = IndexCosignature.objects.get().line
    report = check({**data, "index_checkpoint": data["index_checkpoint"].replace(lone, "")})
    assert not report.ok and report.code == "witness_quorum"


def test_the_auditor_refuses_a_hidden_label_a_duplicate_and_a_wrong_root() -> None:
    record(10)
    ledger_sequence_all()
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    entries = [bytes(d) for d in Entry.objects.order_by("index").values_list("data", flat=True)]
    items = labels_of_log()
    root = bytes(checkpoint.root_hash)

    def audit(leaf: IndexLeaf, log: list[bytes]) -> IndexAuditError:
        auditor = IndexAuditor()
        with pytest.raises(IndexAuditError) as caught:
            auditor.audit(
                [leaf.to_bytes()], root_from_leaf_hashes([leaf.leaf_hash]),
                lambda a, b: log[a:b],
            )  # fmt: skip
        return caught.value

    hidden = IndexLeaf(0, 1, 10, root, root_from_items(items[:6] + items[7:]))
    assert audit(hidden, entries).code == "index_root"
    shifted = [(k, IndexValue(v.entry_index + 1, v.leaf_hash)) for k, v in items]
    wrong_value = IndexLeaf(0, 1, 10, root, root_from_items(shifted))
    assert audit(wrong_value, entries).code == "index_root"
    assert audit(IndexLeaf(0, 1, 10, bytes(32), root_from_items(items)), entries).code == "log_root"
    assert audit(IndexLeaf(3, 1, 10, root, root_from_items(items)), entries).code == "epoch"
    duplicated = [*entries[:9], entries[2]]
    error = audit(IndexLeaf(0, 1, 10, root, root_from_items(items)), duplicated)
    assert error.code == "duplicate_label" and "entries 2 and 9" in error.message
    good = IndexAuditor()
    leaf = IndexLeaf(0, 1, 10, root, root_from_items(items))
    good.audit(
        [leaf.to_bytes()], root_from_leaf_hashes([leaf.leaf_hash]), lambda a, b: entries[a:b]
    )
    assert good.index_root == leaf.index_root


def test_ledger_verify_checks_the_index_log() -> None:
    record(9)
    publish()
    record(4)
    publish()
    assert ledger_verify_index() is None
    with as_malicious_dba(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_indexlogleaf SET index_root = %s WHERE index = 1", [bytes(32)]
        )
    finding = ledger_verify_index()
    assert finding is not None
    assert finding.problem == "index log: epoch 1: a column differs from the leaf's bytes"
