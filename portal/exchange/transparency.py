"""Reads for the public transparency pages: the report and the sealed reads.

The log's figures come from the public entries alone, counted in SQL over the columns the
sequencer copies from each entry's bytes (``ledger.Entry``: ``department``, ``dataset``,
``outcome``, ``recorded_at`` = the entry's ``time``, ``sealed_until``, ``unseals``; ledger
migration 0006; ``ledger_verify`` checks them against the bytes). They follow exactly the
rules of ``ledger.core.report``, which anyone runs on the exported log
(``python -m ledger.report``): tests compare the two. Objections are not in the public log:
they are counted from the exchange's own table, per reading department and month raised.
Months and dates are UTC, as in the entries. Nothing here names or links a person.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language

from ledger.core.report import OverdueSeal, ReadCount, Report, SealedCount
from ledger.models import Entry
from portal.departments.models import Department
from portal.exchange.constants import ObjectionStatus
from portal.exchange.models import Dataset, Objection


def _month(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m")


def _unsealed() -> Exists:
    return Exists(Entry.objects.filter(unseals=OuterRef("index")))


def report_reads(*, month: str | None = None) -> list[ReadCount]:
    """Reads (every entry but unseal entries) per month, department, dataset and outcome."""
    rows = (
        Entry.objects.filter(unseals__isnull=True)
        .annotate(month=TruncMonth("recorded_at", tzinfo=dt.UTC))
        .values("month", "department", "dataset", "outcome")
        .annotate(count=Count("index"))
        .order_by()
    )
    if month is not None:
        rows = rows.filter(recorded_at__gte=_month_start(month), recorded_at__lt=_month_end(month))
    return sorted(
        ReadCount(_month(r["month"]), r["department"], r["dataset"], r["outcome"], r["count"])
        for r in rows
    )


def report_sealed(*, today: dt.date, month: str | None = None) -> list[SealedCount]:
    """Sealed reads per month sealed and department: sealed, unsealed, overdue."""
    rows = (
        Entry.objects.filter(sealed_until__isnull=False)
        .annotate(month=TruncMonth("recorded_at", tzinfo=dt.UTC), unsealed=_unsealed())
        .values("month", "department")
        .annotate(
            sealed=Count("index"),
            opened=Count("index", filter=Q(unsealed=True)),
            overdue=Count("index", filter=Q(unsealed=False, sealed_until__lt=today)),
        )
        .order_by()
    )
    if month is not None:
        rows = rows.filter(recorded_at__gte=_month_start(month), recorded_at__lt=_month_end(month))
    return sorted(
        SealedCount(_month(r["month"]), r["department"], r["sealed"], r["opened"], r["overdue"])
        for r in rows
    )


def report_overdue(*, today: dt.date) -> list[OverdueSeal]:
    """Sealed reads whose promised date has passed with no unseal entry, oldest promise first."""
    rows = (
        Entry.objects.filter(sealed_until__lt=today)
        .filter(~_unsealed())
        .values_list("index", "department", "dataset", "recorded_at", "sealed_until")
    )
    overdue = []
    for index, department, dataset, recorded_at, sealed_until in rows:
        assert sealed_until is not None  # filtered on it
        overdue.append(
            OverdueSeal(
                index=index,
                department=department,
                dataset=dataset,
                sealed_on=recorded_at.astimezone(dt.UTC).date().isoformat(),
                sealed_until=sealed_until.isoformat(),
                days_overdue=(today - sealed_until).days,
            )
        )
    return sorted(overdue)


def report_from_database(*, today: dt.date) -> Report:
    """The whole report as ``ledger.core.report.report_from_entries`` computes it."""
    return Report(
        entries=Entry.objects.count(),
        reads=tuple(report_reads()),
        sealed=tuple(report_sealed(today=today)),
        overdue=tuple(report_overdue(today=today)),
    )


@dataclass(frozen=True, order=True)
class ObjectionCount:
    """Objections raised in one month about one department's reads, and how many of them
    have been answered."""

    month: str
    department: str
    raised: int
    answered: int

    @property
    def open(self) -> int:
        return self.raised - self.answered


def report_objections(*, month: str | None = None) -> list[ObjectionCount]:
    rows = (
        Objection.objects.annotate(month=TruncMonth("created_at", tzinfo=dt.UTC))
        .values("month", "access__reader_department__code")
        .annotate(
            raised=Count("id"), answered=Count("id", filter=Q(status=ObjectionStatus.ANSWERED))
        )
        .order_by()
    )
    if month is not None:
        rows = rows.filter(created_at__gte=_month_start(month), created_at__lt=_month_end(month))
    return sorted(
        ObjectionCount(
            _month(r["month"]), r["access__reader_department__code"], r["raised"], r["answered"]
        )
        for r in rows
    )


def report_months() -> list[str]:
    """Months with entries or objections, newest first (``YYYY-MM``)."""
    months = {
        _month(m)
        for m in Entry.objects.annotate(m=TruncMonth("recorded_at", tzinfo=dt.UTC))
        .values_list("m", flat=True)
        .distinct()
    }
    months |= {
        _month(m)
        for m in Objection.objects.annotate(m=TruncMonth("created_at", tzinfo=dt.UTC))
        .values_list("m", flat=True)
        .distinct()
    }
    return sorted(months, reverse=True)


def parse_month(value: str) -> str | None:
    """``YYYY-MM`` if ``value`` is a month, else None."""
    try:
        return dt.datetime.strptime(value, "%Y-%m").replace(tzinfo=dt.UTC).strftime("%Y-%m")
    except ValueError:
        return None


def _month_start(month: str) -> dt.datetime:
    return dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=dt.UTC)


def _month_end(month: str) -> dt.datetime:
    start = _month_start(month)
    return (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )


@dataclass(frozen=True)
class Names:
    """Display names of departments and datasets by code, in the page's language (the code
    itself for one the catalogue does not know)."""

    departments: dict[str, str]
    datasets: dict[str, str]

    def department(self, code: str) -> str:
        return self.departments.get(code, code)

    def dataset(self, code: str) -> str:
        return self.datasets.get(code, code)


def names_for(*, departments: Iterable[str], datasets: Iterable[str]) -> Names:
    """Two queries, whatever the number of rows."""
    english = (get_language() or "").startswith("en")

    def pick(name: str, name_en: str) -> str:
        return name_en if english and name_en else name

    return Names(
        departments={
            code: pick(name, name_en)
            for code, name, name_en in Department.objects.filter(
                code__in=set(departments)
            ).values_list("code", "name", "name_en")
        },
        datasets={
            code: pick(name, name_en)
            for code, name, name_en in Dataset.objects.filter(code__in=set(datasets)).values_list(
                "code", "name", "name_en"
            )
        },
    )


def month_date(month: str) -> dt.date:
    """The first day of a ``YYYY-MM`` month (for the localised ``YEAR_MONTH_FORMAT``)."""
    return _month_start(month).date()


def iso_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)
