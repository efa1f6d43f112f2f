"""Tampering with the stored ledger, as a DBA who bypasses the triggers, is always detected.

Each case runs ``manage.py ledger_verify`` in its own process (non-zero exit, the finding names
the entry) and the offline verifier ``python -m ledger.verify`` on an export of the tampered
database, with the log key pinned.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from ledger.core.bundle import BundleEntry, build_bundle, bundle_to_json
from ledger.core.entry import ZERO_HASH_HEX
from ledger.core.merkle import leaf_hash
from ledger.core.verify import ConsistencyError, verify_checkpoint_consistency
from ledger.keys import log_signing_key
from ledger.models import Checkpoint, Entry
from ledger.selectors import checkpoint_cosigned_note, checkpoint_latest, key_list
from ledger.services import checkpoint_create, ledger_sequence_all
from tests.db_roles import as_owner
from tests.integration.conftest import require_real_services
from tests.ledger.django.support import as_malicious_dba, manage, record, verify_offline

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TARGET = 5  # the entry every case tampers with


@pytest.fixture
def ledger() -> tuple[Checkpoint, Checkpoint]:
    """16 entries, a checkpoint at 10 and one at 16, verifying before anyone tampers."""
    require_real_services()
    record(10)
    ledger_sequence_all()
    older = checkpoint_create()
    record(6, purpose="tax credit review")
    ledger_sequence_all()
    latest = checkpoint_create()
    assert older is not None and latest is not None
    return older, latest


def sql(statement: str, params: list[int | bytes | str] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def change_a_byte() -> None:
    """Rewrite entry 5's dataset; the DBA even recomputes the stored leaf hash."""
    data = bytes(Entry.objects.get(index=TARGET).data)
    forged = data.replace(b'"dataset":"scjg.business_registration"', b'"dataset":"scjg.other"')
    assert forged != data
    with as_malicious_dba():
        sql(
            "UPDATE ledger_entry SET data = %s, leaf_hash = %s WHERE index = %s",
            [forged, leaf_hash(forged), TARGET],
        )


def delete_one() -> None:
    with as_malicious_dba():
        sql("DELETE FROM ledger_entry WHERE index = %s", [TARGET])


def insert_one() -> None:
    """Replay a genuinely signed entry (entry 2) at position 5, shifting the rest up."""
    with as_malicious_dba():
        sql("UPDATE ledger_entry SET index = -index - 1 WHERE index >= %s", [TARGET])
        sql("UPDATE ledger_entry SET index = -index WHERE index < 0")
    sql(
        "INSERT INTO ledger_entry (index, event_id, data, leaf_hash, key_id, signature, label,"
        " dataset, outcome, recorded_at, sequenced_at) SELECT %s, gen_random_uuid(), data,"
        " leaf_hash, key_id, signature, label, dataset, outcome, recorded_at, sequenced_at"
        " FROM ledger_entry WHERE index = 2",
        [TARGET],
    )


def swap_two() -> None:
    with as_malicious_dba():
        sql("UPDATE ledger_entry SET index = -1 WHERE index = %s", [TARGET])
        sql("UPDATE ledger_entry SET index = %s WHERE index = %s", [TARGET, TARGET + 1])
        sql("UPDATE ledger_entry SET index = %s WHERE index = -1", [TARGET + 1])


def replace_signature() -> None:
    """Entry 4's genuine log signature on entry 5; triggers disabled on the table this time."""
    with as_owner():  # the runtime role may neither disable a trigger nor UPDATE the table
        sql("ALTER TABLE ledger_entry DISABLE TRIGGER USER")
        try:
            sql(
                "UPDATE ledger_entry SET signature = (SELECT signature FROM ledger_entry"
                " WHERE index = %s) WHERE index = %s",
                [TARGET - 1, TARGET],
            )
        finally:
            sql("ALTER TABLE ledger_entry ENABLE TRIGGER USER")


CASES: dict[str, tuple[Callable[[], None], str, str]] = {
    # name: (tamper, ledger_verify finding, offline verifier finding)
    "byte changed": (
        change_a_byte,
        "entry 5: log signature does not verify",
        "invalid: entry 5: log signature does not verify",
    ),
    "entry deleted": (
        delete_one,
        "entry 5: missing: the next stored index is 6",
        "invalid: entry 5: found index 6 where entry 5 was expected"
        " (entries missing, inserted or reordered)",
    ),
    "entry inserted": (
        insert_one,
        "entry 5: prev hash does not match leaf hash of entry 4",
        "invalid: entry 5: prev hash does not match leaf hash of entry 4",
    ),
    "entries swapped": (
        swap_two,
        "entry 5: prev hash does not match leaf hash of entry 4",
        "invalid: entry 5: prev hash does not match leaf hash of entry 4",
    ),
    "signature replaced": (
        replace_signature,
        "entry 5: log signature does not verify",
        "invalid: entry 5: log signature does not verify",
    ),
}


def test_the_untampered_ledger_passes_both_verifiers(
    ledger: tuple[Checkpoint, Checkpoint], tmp_path: Path
) -> None:
    """The baseline the tamper cases break: both verifiers accept the genuine log."""
    result = manage("ledger_verify")
    assert result.returncode == 0, result.stderr
    assert "ledger OK: 16 entries verified" in result.stdout
    bundle = tmp_path / "bundle.json"
    call_command("ledger_export", str(bundle))
    offline = verify_offline(bundle, log_signing_key().vkey)
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert offline.stdout.startswith("valid: 16 entries 0..15, checkpoint size 16")


@pytest.mark.parametrize("case", sorted(CASES))
def test_tampered_entries_are_detected_by_both_verifiers(
    ledger: tuple[Checkpoint, Checkpoint], tmp_path: Path, case: str
) -> None:
    tamper, finding, offline_finding = CASES[case]
    tamper()

    result = manage("ledger_verify")
    assert result.returncode != 0
    assert f"ledger INVALID: {finding}" in result.stderr, result.stdout + result.stderr

    bundle = tmp_path / "bundle.json"
    call_command("ledger_export", str(bundle))  # what the tampered database now exports
    offline = verify_offline(bundle, log_signing_key().vkey)
    assert offline.returncode == 1, offline.stdout + offline.stderr
    assert offline.stdout.strip() == offline_finding


def test_a_rolled_back_checkpoint_is_detected(
    ledger: tuple[Checkpoint, Checkpoint], tmp_path: Path
) -> None:
    """The DBA republishes the size-10 checkpoint as the latest, hiding entries 10..15."""
    older, latest = ledger
    served_before = checkpoint_cosigned_note(latest)
    sql(
        "INSERT INTO ledger_checkpoint (tree_size, root_hash, note, created_at)"
        " SELECT tree_size, root_hash, note, now() FROM ledger_checkpoint WHERE id = %s",
        [older.pk],
    )
    rolled_back = checkpoint_latest()
    assert rolled_back is not None and rolled_back.tree_size == 10

    result = manage("ledger_verify")
    assert result.returncode != 0
    assert (
        f"ledger INVALID: log: checkpoint {rolled_back.pk} rolls the log back from 16 to 10"
        in result.stderr
    ), result.stderr

    # Offline: the entries the database still holds, against the checkpoint it now serves.
    rows = list(Entry.objects.order_by("index"))
    bundle = tmp_path / "bundle.json"
    bundle.write_bytes(
        bundle_to_json(
            build_bundle(
                origin=settings.LEDGER_ORIGIN,
                keys=key_list(),
                witnesses_required=0,
                start=0,
                prev=ZERO_HASH_HEX,
                entries=[
                    BundleEntry(r.index, bytes(r.data), r.key_id, bytes(r.signature)) for r in rows
                ],
                checkpoint=checkpoint_cosigned_note(rolled_back),
                proof=[],
            )
        )
    )
    offline = verify_offline(bundle, log_signing_key().vkey)
    assert offline.returncode == 1
    assert offline.stdout.strip() == (
        "invalid: checkpoint: tree size 10 is smaller than the bundle's end 16 "
        "(rolled back or stale checkpoint)"
    )
    # And an auditor who kept the checkpoint served before sees the rollback.
    with pytest.raises(ConsistencyError, match="rolled back: new size 10 is smaller than old"):
        verify_checkpoint_consistency(
            served_before, checkpoint_cosigned_note(rolled_back), [], [log_signing_key().vkey]
        )
