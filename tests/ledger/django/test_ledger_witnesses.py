"""Witnesses run by other departments: two real ``python -m ledger.witness`` processes.

The log sends each new checkpoint with a consistency proof from the size each witness last
cosigned (C2SP tlog-witness); a witness cosigns only a checkpoint that extends what it saw.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from ledger.core.checkpoint import open_checkpoint, verify_cosignature
from ledger.core.merkle import stored_hash_index
from ledger.core.notes import parse_note
from ledger.core.signing import ALG_COSIGNATURE_V1, ALG_ED25519, parse_vkey
from ledger.keys import log_signing_key
from ledger.models import Checkpoint, Cosignature, Entry, TreeHash, Witness
from ledger.selectors import ledger_verify_database
from ledger.services import checkpoint_publish, ledger_sequence_all
from tests.ledger.django.support import (
    WitnessProcess,
    as_malicious_dba,
    client_ip,
    record,
    verify_offline,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def witnesses(tmp_path: Path) -> Iterator[list[WitnessProcess]]:
    """Two witnesses trusting this log's key, registered as the log's witnesses."""
    log_vkey = log_signing_key().vkey
    procs = [WitnessProcess(tmp_path, f"witness.{d}.example.gov.cn", [log_vkey]) for d in "ab"]
    try:
        for proc in procs:
            proc.start()
            call_command("ledger_witness_add", proc.url, proc.vkey, stdout=StringIO())
        yield procs
    finally:
        for proc in procs:
            proc.stop()


def served() -> str:
    client = Client(REMOTE_ADDR=client_ip())
    response = client.get("/ledger/checkpoint")
    assert response.status_code == 200
    return response.content.decode()


def served_keys() -> list[str]:
    return Client(REMOTE_ADDR=client_ip()).get("/ledger/keys").content.decode().splitlines()


def witness_state(proc: WitnessProcess) -> tuple[int, str]:
    state = json.loads(proc.state.read_text())[log_signing_key().name]
    return state["size"], state["root"]


def publish() -> Checkpoint:
    checkpoint = checkpoint_publish(timeout=10)
    assert checkpoint is not None
    return checkpoint


def test_both_witnesses_cosign_each_new_checkpoint(
    witnesses: list[WitnessProcess], tmp_path: Path
) -> None:
    """First checkpoint (from size 0), then a grown one (consistency proof from 9 to 16)."""
    log_vkey = log_signing_key().vkey
    witness_vkeys = [w.vkey for w in witnesses]
    for size, count in ((9, 9), (16, 7)):
        record(count)
        ledger_sequence_all()
        checkpoint = publish()
        assert checkpoint.tree_size == size
        assert sorted(c.witness_name for c in checkpoint.cosignatures.all()) == [
            w.name for w in witnesses
        ]

        note = served()
        text, signatures = parse_note(note)
        assert note.startswith(checkpoint.note)  # log signature line first, then cosignatures
        assert [s.name for s in signatures] == [log_signing_key().name] + [
            w.name for w in witnesses
        ]
        keys = [parse_vkey(v) for v in served_keys()]
        assert {k.vkey for k in keys} == {log_vkey, *witness_vkeys}
        opened = open_checkpoint(
            note,
            [k for k in keys if k.alg == ALG_ED25519],
            [k for k in keys if k.alg == ALG_COSIGNATURE_V1],
        )
        assert opened.checkpoint.size == size
        assert {c.name for c in opened.cosignatures} == {w.name for w in witnesses}
        for proc in witnesses:
            line = next(
                c.line for c in checkpoint.cosignatures.all() if c.witness_name == proc.name
            )
            verify_cosignature(text, line, parse_vkey(proc.vkey))
            assert witness_state(proc) == (size, note.split("\n")[2])

    assert ledger_verify_database() is None  # the stored cosignatures verify too
    bundle = tmp_path / "bundle.json"
    call_command("ledger_export", str(bundle))
    pins = [log_vkey, *witness_vkeys]
    offline = verify_offline(bundle, *pins)
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert offline.stdout.strip().endswith("2 witness cosignature(s)")
    # Pinning only one witness key while two cosignatures are required fails.
    offline = verify_offline(bundle, log_vkey, witness_vkeys[0])
    assert offline.returncode == 1
    assert "1 of the 2 required witness cosignatures verify" in offline.stdout


def test_an_unreachable_witness_does_not_block_publication(
    witnesses: list[WitnessProcess],
) -> None:
    """One witness down: the checkpoint is published with the other's cosignature."""
    witnesses[1].stop()
    record(4)
    ledger_sequence_all()
    checkpoint = publish()
    assert [c.witness_name for c in checkpoint.cosignatures.all()] == [witnesses[0].name]
    assert served().count("\n— ") == 2  # the log's line and one cosignature


@pytest.mark.parametrize("forked_size", [9, 14], ids=["same size", "larger"])
def test_a_forked_history_gets_no_cosignature(
    witnesses: list[WitnessProcess], forked_size: int, caplog: pytest.LogCaptureFixture
) -> None:
    """After the witnesses saw 9 entries, the operator rewrites history from entry 6 on.

    The operator covers every trace (entries, tree nodes, checkpoint, cosignatures) and signs
    the new history with the genuine log key, so the database verifies on its own; the
    witnesses, who remember the root of the first 9 entries, refuse to cosign the fork.
    """
    record(9)
    ledger_sequence_all()
    seen = publish()
    assert seen.cosignatures.count() == 2
    before = {w.name: witness_state(w) for w in witnesses}

    with as_malicious_dba():
        Cosignature.objects.all().delete()
        Checkpoint.objects.all().delete()
        TreeHash.objects.filter(index__gte=stored_hash_index(0, 6)).delete()
        Entry.objects.filter(index__gte=6).delete()
    record(forked_size - 6, purpose="rewritten history")
    ledger_sequence_all()
    assert ledger_verify_database() is None

    caplog.clear()
    fork = publish()
    assert fork.tree_size == forked_size
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 2, refusals  # both were asked, and both said no
    if forked_size > 9:  # the proof from the size they saw does not lead to the new root
        assert all("HTTP 422: consistency proof does not verify" in m for m in refusals)
    assert fork.root_hash != seen.root_hash
    assert fork.cosignatures.count() == 0
    assert "\n— witness." not in served()
    assert {w.name: witness_state(w) for w in witnesses} == before


def test_a_witness_registered_under_another_name_still_verifies(tmp_path: Path) -> None:
    """The admin may call a witness anything; cosignatures are checked by the key they name."""
    proc = WitnessProcess(tmp_path, "witness.c.example.gov.cn", [log_signing_key().vkey])
    proc.start()
    try:
        Witness.objects.create(name="Tax bureau witness", url=proc.url, vkey=proc.vkey)
        record(3)
        ledger_sequence_all()
        assert publish().cosignatures.count() == 1
    finally:
        proc.stop()
    assert ledger_verify_database() is None


def test_registering_a_witness_checks_its_key(tmp_path: Path) -> None:
    """Only a cosignature/v1 key over http(s) is accepted; the witness is named after its key."""
    with pytest.raises(CommandError, match="cosignature/v1"):
        call_command("ledger_witness_add", "http://127.0.0.1:1", log_signing_key().vkey)
    proc = WitnessProcess(tmp_path, "witness.d.example.gov.cn", [log_signing_key().vkey])
    with pytest.raises(CommandError, match="http:// or https://"):
        call_command("ledger_witness_add", "ftp://127.0.0.1:1", proc.vkey)
    out = StringIO()
    call_command("ledger_witness_add", "http://127.0.0.1:1", proc.vkey, stdout=out)
    assert "Witness witness.d.example.gov.cn at http://127.0.0.1:1 registered." in out.getvalue()
    assert Witness.objects.get().vkey == proc.vkey
