"""Recording reads in format version 2: labels per subject and counter, private details.

TRANSPARENCY.md §1 and docs/ledger-formats.md §7: nothing public names or links a person;
the private half opens the public one; counters are consecutive even under concurrency.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction

from ledger.constants import KeyKind, Outcome
from ledger.core.commitment import Details
from ledger.core.entry_v2 import EntryV2
from ledger.core.label import verify_label
from ledger.core.vrf import parse_vrf_public
from ledger.models import Entry, LedgerKey, PendingEvent, ReadDetails, SubjectCounter
from ledger.selectors import ledger_verify_all
from ledger.services import (
    RequestSignatureInput,
    ledger_event_record,
    ledger_sequence_all,
    subject_hash,
)
from tests.ledger.django.support import as_malicious_dba

pytestmark = pytest.mark.django_db

PERSON = "110101199003071234"
OTHER = "110101198501019876"
DIGEST = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"


def read(
    subject: str = PERSON,
    *,
    department: str = "rsj",
    dataset: str = "gaj.household",
    application: str | None = "SQ-2026-000777",
    user: str | None = "rsj.reviewer",
    system: str | None = None,
    signature: RequestSignatureInput | None = None,
) -> PendingEvent:
    return ledger_event_record(
        department=department,
        user=user,
        system_id=system,
        dataset=dataset,
        fields=["name", "address"],
        purpose="核验户籍信息",
        application=application,
        outcome=Outcome.GRANTED,
        subject_identifier=subject,
        request_signature=signature,
        dispatch=False,
    )


def details_of(event: PendingEvent) -> ReadDetails:
    return ReadDetails.objects.get(event_id=event.id)


def test_each_subject_counts_its_own_labels_from_zero() -> None:
    events = [read(), read(), read(OTHER), read()]
    counters = [details_of(e).counter for e in events]
    assert counters == [0, 1, 0, 2]
    labels = [details_of(e).label for e in events]
    assert len(set(labels)) == 4, "every label is new, even for the same person"
    assert SubjectCounter.objects.get(subject=subject_hash(PERSON)).next_counter == 3


def test_label_proof_and_commitment_open_for_the_person() -> None:
    event = read()
    ledger_sequence_all()
    row = details_of(event)
    entry = EntryV2.from_bytes(bytes(Entry.objects.get(event_id=event.id).data))
    vrf_text = LedgerKey.objects.get(kind=KeyKind.VRF).vkey
    public = parse_vrf_public(vrf_text)
    assert public.key_id == row.vrf_key_id
    assert verify_label(public, "person", PERSON, row.counter, entry.label, bytes(row.vrf_proof))
    details = Details.from_bytes(bytes(row.details))
    assert details.application_number == "SQ-2026-000777"
    assert details.reader.user == "rsj.reviewer"
    assert entry.commitment == row.commitment
    assert ledger_verify_all() is None


def test_a_rolled_back_read_gives_its_counter_back() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        read()
        raise RuntimeError("the caller's transaction fails")
    assert details_of(read()).counter == 0


def test_two_reads_of_one_person_by_two_departments_share_no_public_value() -> None:
    first = read(department="rsj", dataset="gaj.household")
    second = read(department="swj", dataset="rsj.social_insurance", application="SQ-2026-000778")
    ledger_sequence_all()
    a, b = (json.loads(bytes(Entry.objects.get(event_id=e.id).data)) for e in (first, second))
    linking = {"label", "commitment", "department", "dataset"}
    assert {a[k] for k in linking}.isdisjoint({b[k] for k in linking})
    assert b["prev"] != a["prev"]  # only the chain: adjacent entries, whoever they concern


def test_no_identifier_application_number_digest_or_reader_in_any_public_value() -> None:
    signature = RequestSignatureInput(
        keyid="rsj-gateway+01020304",
        alg="ed25519",
        signature_input='sig1=("@method" "content-digest");created=1740821400',
        signature="sig1=:c2lnbmF0dXJl:",
        digest=DIGEST,
    )
    event = read(user=None, system="rsj-gateway+01020304", signature=signature)
    read(user="rsj.reviewer")
    ledger_sequence_all()
    secrets = [
        PERSON,
        subject_hash(PERSON),
        "SQ-2026-000777",
        DIGEST,
        "X48E9qOokqqrvdts8",
        "rsj-gateway",
        "rsj.reviewer",
        "核验户籍信息",
    ]
    public = b"".join(bytes(d) for d in Entry.objects.values_list("data", flat=True))
    public += json.dumps(list(Entry.objects.values("label", "dataset", "outcome"))).encode()
    for secret in secrets:
        assert secret.encode() not in public, secret
    assert details_of(event).subject == subject_hash(PERSON)  # private table only


def _tamper(statement: str, params: list[Any]) -> Callable[[], None]:
    def run() -> None:
        with as_malicious_dba(), connection.cursor() as cursor:
            cursor.execute(statement, params)

    return run


@pytest.mark.parametrize(
    ("case", "finding"),
    [
        ("opening", "do not open the commitment"),
        ("details", "do not open the commitment"),
        ("label", "the private label differs"),
        ("access purpose", "differs from the details committed"),
        ("access time", "differs from its ledger entry (time"),
    ],
)
def test_ledger_verify_catches_private_halves_that_no_longer_match(
    case: str, finding: str, exchange_read_event: PendingEvent
) -> None:
    ledger_sequence_all()
    assert ledger_verify_all() is None
    row = details_of(exchange_read_event)
    tampers: dict[str, tuple[str, list[Any]]] = {
        "opening": ("UPDATE ledger_readdetails SET opening = %s WHERE id = %s", [b"\x01" * 16]),
        "details": (
            "UPDATE ledger_readdetails SET details = %s WHERE id = %s",
            [bytes(row.details).replace("核验".encode(), "查看".encode())],
        ),
        "label": ("UPDATE ledger_readdetails SET label = %s WHERE id = %s", ["ab" * 32]),
        "access purpose": (
            "UPDATE exchange_access SET purpose = 'other' WHERE ledger_event_id = %s",
            [],
        ),
        "access time": (
            "UPDATE exchange_access SET at = at + interval '1 second' WHERE ledger_event_id = %s",
            [],
        ),
    }
    statement, params = tampers[case]
    where: list[Any] = [row.pk] if "readdetails" in statement else [exchange_read_event.id]
    _tamper(statement, [*params, *where])()
    result = ledger_verify_all()
    assert result is not None and finding in str(result), result


def test_ledger_verify_catches_an_access_without_its_entry(
    exchange_read_event: PendingEvent,
) -> None:
    _tamper("DELETE FROM ledger_pendingevent WHERE id = %s", [exchange_read_event.id])()
    _tamper("DELETE FROM ledger_readdetails WHERE event_id = %s", [exchange_read_event.id])()
    result = ledger_verify_all()
    assert result is not None and "has no private ledger details" in str(result)


@pytest.fixture
def exchange_read_event() -> PendingEvent:
    """One read through the exchange chokepoint (so an ``Access`` exists beside the entry)."""
    from portal.departments.constants import StaffRole
    from portal.exchange.services import Reader, exchange_read
    from tests.factories import FIRM_CODE, make_staff, make_world

    world = make_world()
    staff = make_staff(world.reader, StaffRole.REVIEWER)
    result = exchange_read(
        reader=Reader(department=world.reader, user=staff),
        dataset_code=world.open.code,
        subject_identifier=FIRM_CODE,
        fields=None,
        purpose="核验企业登记信息",
        application_number="SQ-2026-000001",
    )
    return PendingEvent.objects.get(id=result.access.ledger_event_id)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_concurrent_readers_of_one_person_get_consecutive_counters() -> None:
    """Two PostgreSQL connections record a read of one person at the same moment.

    The first holds its transaction open after recording; the second must wait on the
    counter row and, once the first commits, take the next counter (never the same one).
    """
    assert connection.vendor == "postgresql"
    recorded = threading.Event()
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = details_of(read(department="rsj")).counter
                recorded.set()
                second_started.wait(10)
                threading.Event().wait(0.5)  # the second is now blocked on the row lock
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            recorded.set()
        finally:
            close_old_connections()
            connection.close()

    second_started = threading.Event()

    def second() -> None:
        try:
            recorded.wait(10)
            second_started.set()
            with transaction.atomic():
                results["second"] = details_of(read(department="swj")).counter
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sorted(results.values()) == [0, 1]
    assert results["first"] == 0
    assert ReadDetails.objects.filter(subject=subject_hash(PERSON)).count() == 2


def test_a_sealed_read_is_hidden_until_unsealed_then_opened_in_the_persons_namespace() -> None:
    import datetime as dt

    from ledger.services import SealInput, UnsealError, ledger_read_unseal

    normal = read()
    sealed_event = ledger_event_record(
        department="gaj",
        user="gaj.investigator",
        system_id=None,
        dataset="rsj.social_insurance",
        fields=["employer"],
        purpose="刑事侦查",
        application=None,
        outcome=Outcome.GRANTED,
        subject_identifier=PERSON,
        seal=SealInput(legal_order="京公刑查字〔2026〕17号", unseal_by=dt.date(2027, 3, 1)),
        dispatch=False,
    )
    sealed = details_of(sealed_event)
    assert (sealed.namespace, sealed.counter) == ("sealed", 0)  # its own counter
    assert details_of(normal).counter == 0
    with pytest.raises(UnsealError, match="not in the log yet"):
        ledger_read_unseal(sealed_id=sealed.pk)
    ledger_sequence_all()
    sealed_entry = EntryV2.from_bytes(bytes(Entry.objects.get(event_id=sealed_event.id).data))
    assert sealed_entry.sealed_until == "2027-03-01"
    assert "京公刑查字".encode() not in bytes(Entry.objects.get(event_id=sealed_event.id).data)

    opened = ledger_read_unseal(sealed_id=sealed.pk)
    ledger_sequence_all()
    unseal = details_of(opened)
    assert (unseal.namespace, unseal.counter, unseal.unseals_id) == ("person", 1, sealed.pk)
    entry = EntryV2.from_bytes(bytes(Entry.objects.get(event_id=opened.id).data))
    sealed_index = Entry.objects.get(event_id=sealed_event.id).index
    assert entry.unseals == sealed_index and entry.dataset == sealed_entry.dataset
    public = parse_vrf_public(LedgerKey.objects.get(kind=KeyKind.VRF).vkey)
    assert verify_label(public, "sealed", PERSON, 0, sealed.label, bytes(sealed.vrf_proof))
    assert verify_label(public, "person", PERSON, 1, unseal.label, bytes(unseal.vrf_proof))
    sealed.refresh_from_db()
    assert sealed.sealed_identifier == "", "the identifier is kept only while sealed"
    with pytest.raises(UnsealError, match="already"):
        ledger_read_unseal(sealed_id=sealed.pk)
    assert ledger_verify_all() is None
