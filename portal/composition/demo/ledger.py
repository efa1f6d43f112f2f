"""Demo ledger: log key, two witnesses run by demo departments, and a few entries.

Keys go to ``VAR_DIR/keys`` (git ignores ``var/``). Idempotent.
"""

import os
import sys
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ledger.constants import KeyKind, Outcome
from ledger.core.signing import ALG_COSIGNATURE_V1, SigningKey, generate, load_signing_key
from ledger.keys import index_signing_key, log_signing_key, private_dir
from ledger.logs import INDEX_LOG
from ledger.models import Entry, LedgerKey, PendingEvent, Witness
from ledger.services import (
    checkpoint_create,
    index_epoch_append,
    ledger_event_record,
    ledger_sequence_all,
)

# department code, and the port recorded by ``seed_demo`` alone; ``rundemo`` starts each
# witness on a free port and records where it listens (two demos on one host never clash).
DEMO_WITNESSES = [("sjj", 8781), ("scjg", 8782)]


def _keys_dir() -> Path:
    return Path(settings.VAR_DIR) / "keys"


def _witness_key(code: str) -> tuple[SigningKey, Path]:
    path = _keys_dir() / f"witness-{code}.skey"
    if not path.exists():
        key = generate(f"witness.{code}.portal.localhost", ALG_COSIGNATURE_V1)
        private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key.skey + "\n")
    return load_signing_key(path=path), path


def demo_witness_commands(*, portal_url: str = "http://127.0.0.1:8000") -> dict[str, list[str]]:
    """Argument lists that start the demo witnesses as separate processes, by department.

    Each listens on a port the system picks (``:0``) and prints it on its first line. They run
    in index-auditor mode: they co-sign the index log only after rebuilding the label index
    from the portal's tiles at ``portal_url`` (docs/ledger.md, "Completeness").
    """
    log_vkey = log_signing_key().vkey
    index_vkey = index_signing_key().vkey
    base = portal_url.rstrip("/")
    commands = {}
    for code, _port in DEMO_WITNESSES:
        _key, path = _witness_key(code)
        state = Path(settings.VAR_DIR) / f"witness-{code}.state.json"
        commands[code] = [
            sys.executable,
            "-m",
            "ledger.witness",
            "--key-file",
            str(path),
            "--state",
            str(state),
            "--log-vkey",
            log_vkey,
            "--index-log-vkey",
            index_vkey,
            "--access-tiles",
            f"{base}/ledger",
            "--index-tiles",
            f"{base}/ledger/index",
            "--listen",
            "127.0.0.1:0",
        ]
    return commands


@transaction.atomic
def demo_witnesses_listen_at(*, ports: dict[str, int]) -> None:
    """Tell the ledger where each started demo witness listens."""
    for code, port in ports.items():
        key, _path = _witness_key(code)
        Witness.objects.filter(name=key.name).update(url=f"http://127.0.0.1:{port}")


@transaction.atomic
def _witnesses() -> None:
    for code, port in DEMO_WITNESSES:
        key, _path = _witness_key(code)
        Witness.objects.update_or_create(
            name=key.name,
            defaults={
                "url": f"http://127.0.0.1:{port}",
                "vkey": key.vkey,
                "department": code,
                "is_active": True,
            },
        )
        LedgerKey.objects.get_or_create(
            vkey=key.vkey, defaults={"name": key.name, "kind": KeyKind.WITNESS}
        )


def seed_ledger(subjects: list[str]) -> int:
    """Make keys and witnesses; if the log is empty, record and sequence a few accesses."""
    key = log_signing_key()
    LedgerKey.objects.get_or_create(vkey=key.vkey, defaults={"name": key.name, "kind": "log"})
    _witnesses()
    if not Entry.objects.exists() and not PendingEvent.objects.exists():
        with transaction.atomic():
            for n, subject in enumerate(subjects):
                ledger_event_record(
                    department="rsj" if n % 2 else "swj",
                    user=None,
                    system_id=f"{'rsj' if n % 2 else 'swj'}-system",
                    dataset="scjg.business_registration",
                    fields=["name", "registered_capital"],
                    purpose="demo: verify registration for an application",
                    application=None,
                    outcome=Outcome.GRANTED,
                    subject_identifier=subject,
                    dispatch=False,
                )
    # Other parts' demo data may have read through the exchange already: sequence it all.
    ledger_sequence_all()
    checkpoint_create()
    # The label index's first epoch, so that "who used my data" can check completeness as
    # soon as the witnesses (started by rundemo) co-sign it on the next beat.
    index_epoch_append()
    checkpoint_create(log=INDEX_LOG)
    return Entry.objects.count()
