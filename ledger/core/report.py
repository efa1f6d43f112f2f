"""The public transparency report, computed from public version 2 entries alone.

Anyone holding the log (an export, or the C2SP tlog-tiles entry bundles) recomputes the portal's
report with :func:`report_from_entries`: entry bytes in, rows out. Only public members are read
(docs/ledger-formats.md §7.4 and §7.5): ``time``, ``department``, ``dataset``, ``outcome``,
``sealed_until`` and ``unseals``; nothing in the report names or links a person.

Rules (TRANSPARENCY.md §1 and §3):

* a **read** is every entry that is not an unseal entry (sealed reads are reads too; an unseal
  entry only opens an earlier sealed read to the person), counted per month, reading
  department, dataset and outcome;
* a **sealed read** is an entry with ``sealed_until``; it is **unsealed** once a later entry's
  ``unseals`` names its index, and **overdue** when it is not unsealed and ``sealed_until`` is
  before ``today``, by ``today - sealed_until`` days;
* months and dates are the entries' own UTC time (``YYYY-MM`` and ``YYYY-MM-DD``), so the
  result does not depend on where it is computed.

Standard library only; no Django (``tests/ledger/core`` checks the import).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ledger.core.entry_v2 import EntryError, EntryV2, parse_entry

__all__ = [
    "OverdueSeal",
    "ReadCount",
    "Report",
    "ReportError",
    "SealedCount",
    "report_from_entries",
]


class ReportError(ValueError):
    """The entries cannot be reported on (not version 2, or not parseable); says which."""


@dataclass(frozen=True, order=True)
class ReadCount:
    """Reads in one month by one department of one dataset with one outcome."""

    month: str
    department: str
    dataset: str
    outcome: str
    count: int


@dataclass(frozen=True, order=True)
class SealedCount:
    """Sealed reads made in one month by one department: how many, how many are unsealed
    now, and how many of the others are overdue."""

    month: str
    department: str
    sealed: int
    unsealed: int
    overdue: int


@dataclass(frozen=True, order=True)
class OverdueSeal:
    """A sealed read whose promised unseal date has passed without an unseal entry."""

    index: int
    department: str
    dataset: str
    sealed_on: str
    sealed_until: str
    days_overdue: int


@dataclass(frozen=True)
class Report:
    """The whole report; every tuple sorted."""

    entries: int
    reads: tuple[ReadCount, ...]
    sealed: tuple[SealedCount, ...]
    overdue: tuple[OverdueSeal, ...]


def report_from_entries(entries: Iterable[bytes], *, today: dt.date, start: int = 0) -> Report:
    """Compute the report from entry bytes in log order, the first being entry ``start``.

    Pass the whole log (``start`` 0) for the portal's figures: an unseal entry whose sealed
    entry lies before ``start`` is ignored.
    """
    reads: Counter[tuple[str, str, str, str]] = Counter()
    sealed: dict[int, EntryV2] = {}
    unsealed: set[int] = set()
    count = 0
    for index, data in enumerate(entries, start=start):
        count += 1
        try:
            entry = parse_entry(data)
        except EntryError as exc:
            raise ReportError(f"entry {index}: {exc}") from None
        if not isinstance(entry, EntryV2):
            raise ReportError(f"entry {index}: the report counts format version 2 entries only")
        if entry.unseals is not None:
            if entry.unseals in sealed:
                unsealed.add(entry.unseals)
            continue
        reads[(entry.time[:7], entry.department, entry.dataset, entry.outcome)] += 1
        if entry.sealed_until is not None:
            sealed[index] = entry
    per_month: dict[tuple[str, str], list[int]] = {}
    overdue: list[OverdueSeal] = []
    for index, entry in sealed.items():
        assert entry.sealed_until is not None
        counts = per_month.setdefault((entry.time[:7], entry.department), [0, 0, 0])
        counts[0] += 1
        if index in unsealed:
            counts[1] += 1
            continue
        late = (today - dt.date.fromisoformat(entry.sealed_until)).days
        if late > 0:
            counts[2] += 1
            overdue.append(
                OverdueSeal(
                    index=index,
                    department=entry.department,
                    dataset=entry.dataset,
                    sealed_on=entry.time[:10],
                    sealed_until=entry.sealed_until,
                    days_overdue=late,
                )
            )
    return Report(
        entries=count,
        reads=tuple(sorted(ReadCount(*key, count=n) for key, n in reads.items())),
        sealed=tuple(sorted(SealedCount(m, d, s, u, o) for (m, d), (s, u, o) in per_month.items())),
        overdue=tuple(sorted(overdue)),
    )
