"""Public pages (no sign-in): the transparency report with its CSV, and the sealed reads.

Figures from the public log entries alone (``portal.exchange.transparency``, the same rules as
``ledger.core.report``, which anyone reruns offline); objections from the exchange's table.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ledger.core.report import ReadCount
from portal.exchange import transparency

CSV_PARTS = ("reads", "sealed", "objections")


@dataclass(frozen=True)
class ReadRow:
    """One row of the page's reads table: a department's reads of one dataset in a month."""

    month: str
    department: str
    dataset: str
    granted: int
    refused: int

    @property
    def total(self) -> int:
        return self.granted + self.refused


def _read_rows(counts: list[ReadCount]) -> list[ReadRow]:
    """Outcomes side by side (two columns, not two rows), so the table fits a phone."""
    by_key: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    for c in counts:
        by_key[(c.month, c.department, c.dataset)][c.outcome] = c.count
    return [
        ReadRow(m, d, s, outcomes.get("granted", 0), outcomes.get("refused", 0))
        for (m, d, s), outcomes in sorted(by_key.items())
    ]


def _month_of(request: HttpRequest) -> tuple[str | None, str | None]:
    """The ``month`` asked for (None: not given) and an error message if it is not a month."""
    value = request.GET.get("month", "").strip()
    if not value:
        return None, None
    month = transparency.parse_month(value)
    if month is None:
        return None, _("Choose a month as YYYY-MM, for example 2026-03.")
    return month, None


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """Reads per department, dataset and outcome in a month; sealed reads; objections."""
    months = transparency.report_months()
    month, error = _month_of(request)
    if month is None and error is None and months:
        month = months[0]
    today = timezone.localdate()
    reads = _read_rows(transparency.report_reads(month=month)) if month else []
    sealed = transparency.report_sealed(today=today, month=month) if month else []
    objections = transparency.report_objections(month=month) if month else []
    names = transparency.names_for(
        departments={r.department for r in reads}
        | {s.department for s in sealed}
        | {o.department for o in objections},
        datasets={r.dataset for r in reads},
    )
    return render(
        request,
        "exchange/transparency_report.html",
        {
            "months": [transparency.month_date(m) for m in months],
            "month": transparency.month_date(month) if month else None,
            "month_value": month or "",
            "error": error,
            "reads": [(r, names.department(r.department), names.dataset(r.dataset)) for r in reads],
            "sealed": [(s, names.department(s.department)) for s in sealed],
            "objections": [(o, names.department(o.department)) for o in objections],
            "totals": {
                "reads": sum(r.total for r in reads),
                "refused": sum(r.refused for r in reads),
                "sealed": sum(s.sealed for s in sealed),
                "objections": sum(o.raised for o in objections),
            },
        },
        status=400 if error else 200,
    )


@require_GET
def report_csv(request: HttpRequest) -> HttpResponse:
    """One part of the report as CSV (all months, or ``month``), headers in the page's language."""
    part = request.GET.get("part", "reads")
    month, error = _month_of(request)
    if part not in CSV_PARTS or error:
        message = error or _("Choose part=reads, part=sealed or part=objections.")
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{month}" if month else ""
    response["Content-Disposition"] = f'attachment; filename="transparency-{part}{suffix}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    if part == "reads":
        counts = transparency.report_reads(month=month)
        names = transparency.names_for(
            departments={c.department for c in counts}, datasets={c.dataset for c in counts}
        )
        writer.writerow(
            [
                _("Month"),
                _("Department code"),
                _("Department"),
                _("Dataset code"),
                _("Dataset"),
                _("Outcome"),
                _("Reads"),
            ]
        )
        outcomes = {"granted": _("Granted"), "refused": _("Refused")}
        for c in counts:
            writer.writerow(
                [
                    c.month,
                    c.department,
                    names.department(c.department),
                    c.dataset,
                    names.dataset(c.dataset),
                    outcomes.get(c.outcome, c.outcome),
                    c.count,
                ]
            )
    elif part == "sealed":
        sealed = transparency.report_sealed(today=timezone.localdate(), month=month)
        names = transparency.names_for(departments={s.department for s in sealed}, datasets=())
        writer.writerow(
            [
                _("Month"),
                _("Department code"),
                _("Department"),
                _("Sealed reads"),
                _("Unsealed"),
                _("Overdue"),
            ]
        )
        for s in sealed:
            writer.writerow(
                [
                    s.month,
                    s.department,
                    names.department(s.department),
                    s.sealed,
                    s.unsealed,
                    s.overdue,
                ]
            )
    else:
        objections = transparency.report_objections(month=month)
        names = transparency.names_for(departments={o.department for o in objections}, datasets=())
        writer.writerow(
            [
                _("Month"),
                _("Department code"),
                _("Department"),
                _("Objections"),
                _("Answered"),
                _("Open"),
            ]
        )
        for o in objections:
            writer.writerow(
                [
                    o.month,
                    o.department,
                    names.department(o.department),
                    o.raised,
                    o.answered,
                    o.open,
                ]
            )
    return response


@dataclass(frozen=True)
class DepartmentSeals:
    department: str
    name: str
    sealed: int
    unsealed: int
    overdue: int

    @property
    def still_sealed(self) -> int:
        return self.sealed - self.unsealed


@require_GET
def sealed(request: HttpRequest) -> HttpResponse:
    """Sealed reads per department (from the public entries) and the overdue ones."""
    today = timezone.localdate()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for s in transparency.report_sealed(today=today):
        row = totals[s.department]
        row[0] += s.sealed
        row[1] += s.unsealed
        row[2] += s.overdue
    overdue = transparency.report_overdue(today=today)
    names = transparency.names_for(
        departments=set(totals) | {o.department for o in overdue},
        datasets={o.dataset for o in overdue},
    )
    departments = [
        DepartmentSeals(code, names.department(code), *counts)
        for code, counts in sorted(totals.items())
    ]
    return render(
        request,
        "exchange/transparency_sealed.html",
        {
            "departments": departments,
            "overdue": [
                (
                    o,
                    names.department(o.department),
                    names.dataset(o.dataset),
                    transparency.iso_date(o.sealed_on),
                    transparency.iso_date(o.sealed_until),
                )
                for o in overdue
            ],
            "today": today,
        },
    )
