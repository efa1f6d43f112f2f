"""ledger.core.report: the transparency report from public version 2 entry bytes alone."""

import datetime as dt

import pytest

from ledger.core.entry_v2 import EntryV2
from ledger.core.report import OverdueSeal, ReadCount, ReportError, SealedCount, report_from_entries

H = "ab" * 32


def entry(time: str, **extra: object) -> bytes:
    values: dict[str, object] = {
        "time": time,
        "department": "gaj",
        "dataset": "rsj.social_insurance",
        "outcome": "granted",
        "label": H,
        "commitment": H,
        "prev": H,
    }
    values.update(extra)
    return EntryV2(**values).to_bytes()  # type: ignore[arg-type]  # test values


def test_reads_sealed_unsealed_and_overdue_are_counted_by_the_rules() -> None:
    """Unseal entries are not reads; a sealed read is overdue the day after its date."""
    log = [
        entry("2026-01-31T23:59:59.000000Z"),
        entry("2026-02-01T00:00:00.000000Z", outcome="refused"),
        entry("2026-02-02T08:00:00.000000Z", sealed_until="2026-03-01"),  # unsealed below
        entry("2026-02-03T08:00:00.000000Z", sealed_until="2026-03-01"),  # never unsealed
        entry("2026-03-01T00:05:00.000000Z", unseals=2),
    ]
    on_the_day = report_from_entries(log, today=dt.date(2026, 3, 1))
    assert on_the_day.overdue == ()
    report = report_from_entries(log, today=dt.date(2026, 3, 4))
    assert report.entries == 5
    assert report.reads == (
        ReadCount("2026-01", "gaj", "rsj.social_insurance", "granted", 1),
        ReadCount("2026-02", "gaj", "rsj.social_insurance", "granted", 2),
        ReadCount("2026-02", "gaj", "rsj.social_insurance", "refused", 1),
    )
    assert report.sealed == (SealedCount("2026-02", "gaj", 2, 1, 1),)
    assert report.overdue == (
        OverdueSeal(3, "gaj", "rsj.social_insurance", "2026-02-03", "2026-03-01", 3),
    )


def test_an_unseal_of_an_entry_outside_the_range_is_ignored() -> None:
    report = report_from_entries(
        [entry("2026-03-01T00:05:00.000000Z", unseals=0)], today=dt.date(2026, 3, 4), start=7
    )
    assert report.reads == () and report.sealed == ()


def test_bad_bytes_name_the_entry() -> None:
    with pytest.raises(ReportError, match="entry 1"):
        report_from_entries(
            [entry("2026-03-01T00:05:00.000000Z"), b"{}"], today=dt.datetime.now(dt.UTC).date()
        )
