"""The exchange's accesses against the ledger: nothing dropped, nothing rewritten between them.

Run by ``manage.py ledger_verify`` (``settings.LEDGER_VERIFY_CHECKS``) after the log's own
checks: every ``Access`` the portal knows must have its private ``ReadDetails`` and its entry
(sequenced, or still pending) saying exactly the same thing.
"""

from ledger.core.commitment import Details, Reader
from ledger.core.entry import format_time
from ledger.core.entry_v2 import EntryV2, parse_entry
from ledger.models import Entry, PendingEvent, ReadDetails
from ledger.selectors import DatabaseFinding
from portal.exchange.models import Access

_CHUNK = 2000


def _entry_bytes(event_ids: list[object]) -> dict[object, bytes]:
    found: dict[object, bytes] = {
        e: bytes(d)
        for e, d in Entry.objects.filter(event_id__in=event_ids).values_list("event_id", "data")
    }
    missing = [e for e in event_ids if e not in found]
    if missing:
        found.update(
            (e, bytes(d))
            for e, d in PendingEvent.objects.filter(id__in=missing).values_list("id", "data")
        )
    return found


def _problem(
    access: Access, details: ReadDetails | None, data: bytes | None, *, unsealed: bool = False
) -> str | None:
    if details is None:
        return "has no private ledger details"
    if data is None:
        return "has no ledger entry and no pending event"
    entry = parse_entry(data)
    if not isinstance(entry, EntryV2):
        return "points to a version 1 entry"
    public = (entry.time, entry.department, entry.dataset, entry.outcome)
    expected_public = (
        format_time(access.at),
        access.reader_department.code,
        access.dataset.code,
        access.outcome,
    )
    if public != expected_public:
        return "differs from its ledger entry (time, department, dataset or outcome)"
    if entry.label != details.label or details.subject != access.subject_hash:
        return "differs from its ledger entry's label or subject"
    committed = Details.from_bytes(bytes(details.details))
    reader = (
        Reader(system=access.reader_system.key_id)
        if access.reader_system is not None
        else Reader(user=access.reader_user.get_username() if access.reader_user else "")
    )
    expected = (
        tuple(sorted(set(access.fields))),
        access.purpose,
        access.application_number or None,
        access.reason,
        reader,
    )
    got = (
        committed.fields,
        committed.purpose,
        committed.application_number,
        committed.reason,
        committed.reader,
    )
    if got != expected:
        return "differs from the details committed in its ledger entry"
    return _seal_problem(access, entry, committed, unsealed=unsealed)


def _seal_problem(
    access: Access, entry: EntryV2, committed: Details, *, unsealed: bool
) -> str | None:
    """A sealed read: the same unseal-by date and legal order as the ledger, and shown to the
    person exactly when the ledger holds its unseal entry (TRANSPARENCY.md §3)."""
    until = None if access.sealed_until is None else access.sealed_until.isoformat()
    if entry.sealed_until != until:
        return "differs from its ledger entry's seal (sealed_until)"
    seal = (
        None if committed.seal is None else (committed.seal.legal_order, committed.seal.unseal_by)
    )
    if seal != (None if until is None else (access.legal_order, until)):
        return "differs from the seal committed in its ledger entry"
    if (access.unsealed_at is not None) != unsealed:
        return "is shown to the person as unsealed, but the ledger says otherwise"
    return None


def accesses_match_ledger() -> DatabaseFinding | None:
    """The first access that the ledger does not hold identically, or None."""
    last = None
    while True:
        query = Access.objects.select_related(
            "reader_department", "dataset", "reader_system", "reader_user"
        ).order_by("id")
        if last is not None:
            query = query.filter(id__gt=last)
        chunk = list(query[:_CHUNK])
        if not chunk:
            return None
        last = chunk[-1].id
        event_ids: list[object] = [a.ledger_event_id for a in chunk]
        details = {d.event_id: d for d in ReadDetails.objects.filter(event_id__in=event_ids)}
        data = _entry_bytes(event_ids)
        sealed = [d.pk for d in details.values() if d.unseal_by is not None]
        unsealed = set(
            ReadDetails.objects.filter(unseals_id__in=sealed).values_list("unseals_id", flat=True)
        )
        for access in chunk:
            found = details.get(access.ledger_event_id)
            problem = _problem(
                access,
                found,
                data.get(access.ledger_event_id),
                unsealed=found is not None and found.pk in unsealed,
            )
            if problem is not None:
                return DatabaseFinding(None, f"access {access.id} {problem}")
