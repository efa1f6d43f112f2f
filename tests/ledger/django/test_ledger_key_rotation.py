"""Rotating the log key: new entries use the new key, old ones keep verifying with the old."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django.fixtures import Settings

from ledger.constants import KeyKind
from ledger.core.bundle import bundle_to_json
from ledger.core.checkpoint import CheckpointError, open_checkpoint
from ledger.core.signing import load_signing_key, parse_vkey
from ledger.core.verify import verify_bundle
from ledger.keys import log_signing_key, reset_key_cache
from ledger.models import Entry, LedgerKey
from ledger.selectors import export_bundle, ledger_verify_database
from ledger.services import checkpoint_create, ledger_sequence_all
from tests.ledger.django.support import client_ip, record, verify_offline

pytestmark = pytest.mark.django_db


def test_rotation_keeps_old_entries_verifiable(settings: Settings, tmp_path: Path) -> None:
    """``ledger_keys --out``, switch LEDGER_LOG_KEY_FILE: both keys listed, all entries verify."""
    record(5)
    ledger_sequence_all()
    assert checkpoint_create() is not None
    old = log_signing_key()

    new_file = tmp_path / "rotated" / "log-2.skey"
    call_command("ledger_keys", out=str(new_file))
    assert new_file.stat().st_mode & 0o777 == 0o600
    new = load_signing_key(path=new_file)
    assert new.name == old.name == settings.LEDGER_ORIGIN  # same log, another key ID
    assert new.key_id != old.key_id
    with pytest.raises(CommandError, match="refusing to overwrite a key"):
        call_command("ledger_keys", out=str(new_file))

    settings.LEDGER_LOG_KEY_FILE = str(new_file)
    reset_key_cache()
    assert log_signing_key().vkey == new.vkey
    record(4)
    ledger_sequence_all()
    rotated = checkpoint_create()
    assert rotated is not None and rotated.tree_size == 9

    key_ids = list(Entry.objects.order_by("index").values_list("key_id", flat=True))
    assert key_ids == [old.key_id] * 5 + [new.key_id] * 4
    for row in Entry.objects.order_by("index"):
        signer = old if row.index < 5 else new
        other = new if row.index < 5 else old
        assert signer.verifier.verify(bytes(row.data), bytes(row.signature))
        assert not other.verifier.verify(bytes(row.data), bytes(row.signature))
    assert set(LedgerKey.objects.filter(kind=KeyKind.LOG).values_list("vkey", flat=True)) == {
        old.vkey,
        new.vkey,
    }
    assert ledger_verify_database() is None

    client = Client(REMOTE_ADDR=client_ip())
    served = client.get("/ledger/keys").content.decode().splitlines()
    assert served[:2] == [old.vkey, new.vkey]  # old keys stay listed
    note = client.get("/ledger/checkpoint").content.decode()
    assert open_checkpoint(note, [parse_vkey(new.vkey)]).checkpoint.size == 9
    with pytest.raises(CheckpointError, match="no valid signature from a known log key"):
        open_checkpoint(note, [parse_vkey(old.vkey)])

    bundle = tmp_path / "bundle.json"
    bundle.write_bytes(bundle_to_json(export_bundle()))
    offline = verify_offline(bundle, old.vkey, new.vkey)
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert offline.stdout.startswith("valid: 9 entries 0..8")
    # Without the old key the first entries cannot be checked: it must stay published.
    report = verify_bundle(bundle.read_bytes(), keys=[new.vkey])
    assert not report.ok
    assert report.message == f"entry 0: signed with unknown log key {old.key_id!r}"
