"""'Who used my data' rows: what the log holds about the person, in words (selectors).

The rows come from ``ledger.subject_log`` (the person's labels → entries → committed details),
never from ``Access``: that table is only looked up by event id to link the objection button.
Codes the log holds (department, dataset, field names, reason, reader) are turned into names
with one query per kind, whatever the number of rows.
"""

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.utils.translation import gettext as _

from ledger.subject_log import LoggedRead
from portal.accounts.models import User
from portal.departments.models import Department, DepartmentSystem
from portal.exchange.constants import ReadReason
from portal.exchange.models import Access, Dataset

GRANTED = "granted"
REFUSED = "refused"
NO_RECORD = "no_record"


@dataclass(frozen=True)
class DataUseRow:
    """One read, as the page shows it. ``index`` is None while it waits to be sequenced."""

    event_id: UUID
    index: int | None
    happened_at: dt.datetime
    department_code: str
    department: str
    dataset_code: str
    dataset: str
    dataset_owner: str
    fields: list[str]
    # ``purpose`` is the committed text (the browser check compares it with the ledger);
    # ``purpose_text`` is what the page shows: its English form on English pages when the
    # access keeps one for exactly this committed purpose.
    purpose: str
    purpose_text: str
    application_number: str | None
    outcome: str
    reason: str
    reader: str
    sealed_until: str | None
    shown_on: dt.datetime | None
    access_id: UUID | None
    objected: bool

    @property
    def pending(self) -> bool:
        return self.index is None


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _name(name: str, name_en: str, english: bool) -> str:
    return name_en if english and name_en else name


def _reason_text(code: str) -> str:
    return str(ReadReason(code).label) if code in ReadReason.values else _("Other reason")


def data_use_rows(*, reads: list[LoggedRead], english: bool = False) -> list[DataUseRow]:
    """The page's rows for ``reads``: six queries, whatever their number."""
    # What the person sees of a sealed read is what the log held when it happened.
    shown = [r.sealed or r for r in reads]
    departments = {
        d.code: d for d in Department.objects.filter(code__in={r.entry.department for r in shown})
    }
    datasets = {
        d.code: d
        for d in Dataset.objects.select_related("owner").filter(
            code__in={r.entry.dataset for r in shown}
        )
    }
    usernames = {r.details.reader.user for r in shown if r.details.reader.user}
    users = {
        u.username: str(u)
        for u in User.objects.filter(username__in=usernames).only("username", "real_name")
    }
    key_ids = {r.details.reader.system for r in shown if r.details.reader.system}
    systems = dict(
        DepartmentSystem.objects.filter(key_id__in=key_ids).values_list("key_id", "name")
    )
    event_ids = [r.event_id for r in shown]
    accesses = {
        a.ledger_event_id: a
        for a in Access.objects.filter(ledger_event_id__in=event_ids).prefetch_related("objections")
    }
    rows = []
    for read, log in zip(reads, shown, strict=True):
        entry, details = log.entry, log.details
        department = departments.get(entry.department)
        dataset = datasets.get(entry.dataset)
        labels: dict[str, str] = {}
        if dataset is not None:
            for field in dataset.fields:
                label = field.get("label_en") if english else None
                labels[str(field["name"])] = str(label or field.get("label") or field["name"])
        if entry.outcome == GRANTED:
            outcome, reason = GRANTED, ""
        elif details.reason == ReadReason.UNKNOWN_SUBJECT:
            outcome, reason = NO_RECORD, ""
        else:
            outcome, reason = REFUSED, _reason_text(details.reason)
        if details.reader.user is not None:
            reader = users.get(details.reader.user, _("a staff member"))
        else:
            reader = systems.get(str(details.reader.system), _("the department's system"))
        access = accesses.get(log.event_id)
        purpose_text = details.purpose
        if (
            english
            and access is not None
            and access.purpose_en
            and access.purpose == details.purpose
        ):
            purpose_text = access.purpose_en
        rows.append(
            DataUseRow(
                event_id=read.event_id,
                index=read.index,
                happened_at=_time(entry.time),
                department_code=entry.department,
                department=(
                    _name(department.name, department.name_en, english)
                    if department is not None
                    else _("a department no longer listed")
                ),
                dataset_code=entry.dataset,
                dataset=(
                    _name(dataset.name, dataset.name_en, english)
                    if dataset is not None
                    else _("a dataset no longer listed")
                ),
                dataset_owner=(
                    _name(dataset.owner.name, dataset.owner.name_en, english)
                    if dataset is not None
                    else ""
                ),
                fields=[labels.get(f, _("a field no longer listed")) for f in details.fields],
                purpose=details.purpose,
                purpose_text=purpose_text,
                application_number=details.application_number,
                outcome=outcome,
                reason=reason,
                reader=reader,
                sealed_until=None if read.sealed is None else read.sealed.entry.sealed_until,
                shown_on=None if read.sealed is None else _time(read.entry.time),
                access_id=None if access is None else access.pk,
                objected=access is not None and bool(access.objections.all()),
            )
        )
    return rows
