"""Writes of the data exchange: catalogue, records, sharing grants, reads (objections are
in ``portal.exchange.objections``).

``exchange_read`` is the one function through which any department reads another
department's records (the chokepoint of DESIGN.md). Nothing else reads
``DatasetRecord`` across departments.
"""

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.constants import Outcome
from ledger.services import RequestSignatureInput, SealInput, ledger_event_record, subject_hash
from portal.accounts.models import User
from portal.core.text import visible_text
from portal.departments.models import Department, DepartmentSystem
from portal.exchange import access as access_rules
from portal.exchange.constants import (
    GRANTED_REASONS,
    FieldType,
    GrantStatus,
    PurposeKind,
    ReadReason,
    SharingClass,
    SubjectKind,
)
from portal.exchange.models import Access, Dataset, DatasetRecord, SharingGrant
from portal.exchange.records import record_facts


@dataclass(frozen=True)
class Reader:
    """Who reads: a department, through one of its staff or one of its systems."""

    department: Department
    user: User | None = None
    system: DepartmentSystem | None = None

    def __post_init__(self) -> None:
        if (self.user is None) == (self.system is None):
            raise ValueError("a reader is a staff user or a department system, not both")
        if self.user is not None and self.user.department_id != self.department.pk:
            raise PermissionDenied(_("Staff read only on behalf of their own department."))
        if self.system is not None and self.system.department_id != self.department.pk:
            raise PermissionDenied(_("A system reads only for its own department."))


@dataclass(frozen=True)
class ReadResult:
    """The answer of the exchange: the granted fields of the record, or a refusal."""

    access: Access
    outcome: Outcome
    reason: ReadReason
    fields: list[str]
    data: dict[str, object] | None = field(default=None)

    @property
    def granted(self) -> bool:
        return self.outcome == Outcome.GRANTED

    @property
    def reason_label(self) -> str:
        return str(ReadReason(self.reason).label)

    @property
    def display_data(self) -> list[tuple[str, str]]:
        """(field label, value in words) as a page shows them, in the page's language
        (``portal.exchange.records``, the one helper for record fields)."""
        if self.data is None:
            return []
        return record_facts(dataset=self.access.dataset, items=self.data.items())


class DatasetNotFound(ValidationError):
    pass


def _decide(
    *, dataset: Dataset, reader: Reader, wanted: list[str], today: dt.date
) -> tuple[ReadReason, list[str]]:
    """The sharing rule, one condition per line (each branch is tested)."""
    if dataset.owner_id == reader.department.pk:
        return ReadReason.OWN_DEPARTMENT, wanted
    if dataset.sharing_class == SharingClass.NOT_SHARED:
        return ReadReason.NOT_SHARED, []
    if dataset.sharing_class == SharingClass.UNCONDITIONAL:
        return ReadReason.UNCONDITIONAL, wanted
    grants = list(SharingGrant.objects.filter(dataset=dataset, requester=reader.department))
    approved = [g for g in grants if g.status == GrantStatus.APPROVED]
    current = [g for g in approved if g.valid_from <= today <= g.valid_until]
    if not current:
        if any(g.status == GrantStatus.REVOKED for g in grants) and not approved:
            return ReadReason.GRANT_REVOKED, []
        if approved:
            return ReadReason.GRANT_EXPIRED, []
        return ReadReason.NO_GRANT, []
    granted_fields = {f for g in current for f in g.granted_fields}
    allowed = [f for f in wanted if f in granted_fields]
    if not allowed:
        return ReadReason.FIELDS_NOT_GRANTED, []
    if len(allowed) < len(wanted):
        return ReadReason.NARROWED, allowed
    return ReadReason.GRANT, allowed


@transaction.atomic
def exchange_read(
    *,
    reader: Reader,
    dataset_code: str,
    subject_identifier: str,
    fields: list[str] | None,
    purpose: str,
    purpose_en: str = "",
    application_number: str = "",
    request_signature: RequestSignatureInput | None = None,
    purpose_kind: PurposeKind = PurposeKind.ORDINARY,
    legal_order: str = "",
    unseal_by: dt.date | None = None,
) -> ReadResult:
    """Read a subject's record of a dataset: check class and grant, log, return granted fields.

    Every call that names a known dataset, a purpose and valid fields writes exactly one
    access and one ledger event in the caller's transaction, refusals included. A refusal
    is returned, not raised, so that the caller's transaction keeps its ledger event.

    A covert investigation (``purpose_kind``) is a sealed read: only an investigator or a
    department system allowed for it makes one, with the legal order's reference and an
    unseal-by date (from today to ``LEDGER_SEAL_MAX_DAYS`` ahead). It is logged in the
    ledger's sealed namespace with its public unseal-by date, and hidden from the person
    until it is unsealed (TRANSPARENCY.md §3, docs/ledger-formats.md §7.5).

    ``purpose_en`` is the purpose's English form, shown on English pages. Only ``purpose`` is
    committed to the ledger; the English text is kept beside the access, for display.
    """
    # Only a reading role (or the department's system) reads: refused before anything else.
    access_rules.read_check(department=reader.department, user=reader.user, system=reader.system)
    seal = _seal_of(
        reader=reader, purpose_kind=purpose_kind, legal_order=legal_order, unseal_by=unseal_by
    )
    dataset = Dataset.objects.select_related("owner").filter(code=dataset_code).first()
    if dataset is None:
        raise DatasetNotFound({"dataset": _("There is no dataset with this code.")})
    purpose = visible_text(purpose)
    if not purpose:
        raise ValidationError({"purpose": _("State why the data is needed.")})
    wanted = sorted(set(fields)) if fields else dataset.field_names
    unknown = [f for f in wanted if f not in dataset.field_names]
    if unknown:
        raise ValidationError(
            {"fields": _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}}
        )
    subject_identifier = subject_identifier.strip().upper()
    if not subject_identifier:
        raise ValidationError({"subject": _("Name the citizen or firm whose data is read.")})

    now = timezone.now()
    reason, allowed = _decide(
        dataset=dataset, reader=reader, wanted=wanted, today=timezone.localdate(now)
    )
    data: dict[str, object] | None = None
    if reason in GRANTED_REASONS:
        record = DatasetRecord.objects.filter(
            dataset=dataset, subject_identifier=subject_identifier
        ).first()
        if record is None:
            reason, allowed = ReadReason.UNKNOWN_SUBJECT, []
        else:
            data = {f: record.data.get(f) for f in allowed}
    outcome = Outcome.GRANTED if reason in GRANTED_REASONS else Outcome.REFUSED
    logged_fields = allowed if outcome == Outcome.GRANTED else wanted
    if settings.BENCHMARK_SKIP_LEDGER:
        # Benchmarks only (check --deploy refuses it): the same read without its ledger event.
        event_id = uuid.uuid4()
    else:
        event = ledger_event_record(
            department=reader.department.code,
            user=reader.user.get_username() if reader.user is not None else None,
            system_id=None if reader.system is None else reader.system.key_id,
            dataset=dataset.code,
            fields=logged_fields,
            purpose=purpose,
            application=application_number or None,
            outcome=outcome,
            reason=reason,
            subject_identifier=subject_identifier,
            request_signature=request_signature,
            seal=seal,
            at=now,
        )
        event_id = event.id
    access = Access.objects.create(
        at=now,
        dataset=dataset,
        reader_department=reader.department,
        reader_user=reader.user,
        reader_system=reader.system,
        subject_hash=subject_hash(subject_identifier),
        fields=logged_fields,
        purpose=purpose,
        purpose_en=visible_text(purpose_en),
        application_number=application_number,
        outcome=outcome,
        reason=reason,
        ledger_event_id=event_id,
        legal_order="" if seal is None else seal.legal_order,
        sealed_until=None if seal is None else seal.unseal_by,
    )
    return ReadResult(access=access, outcome=outcome, reason=reason, fields=allowed, data=data)


LEGAL_ORDER_MAX_LENGTH = 200


def _seal_of(
    *,
    reader: Reader,
    purpose_kind: PurposeKind,
    legal_order: str,
    unseal_by: dt.date | None,
) -> SealInput | None:
    """The seal of a covert investigation's read (None for an ordinary read); each rule
    raises its own message, named by field."""
    legal_order = visible_text(legal_order)
    if purpose_kind != PurposeKind.COVERT_INVESTIGATION:
        if legal_order or unseal_by is not None:
            raise ValidationError(
                {"purpose_kind": _("A legal order and an unseal date belong to sealed reads only.")}
            )
        return None
    access_rules.read_sealed_check(
        department=reader.department, user=reader.user, system=reader.system
    )
    errors: dict[str, str] = {}
    if not legal_order:
        errors["legal_order"] = _("Give the reference of the legal order for this sealed read.")
    elif len(legal_order) > LEGAL_ORDER_MAX_LENGTH:
        errors["legal_order"] = _("The legal order reference is at most %(n)d characters.") % {
            "n": LEGAL_ORDER_MAX_LENGTH
        }
    today = timezone.localdate()
    latest = today + dt.timedelta(days=settings.LEDGER_SEAL_MAX_DAYS)
    if unseal_by is None:
        errors["unseal_by"] = _("Give the date by which the person will be shown this read.")
    elif unseal_by < today:
        errors["unseal_by"] = _("The unseal date cannot be in the past.")
    elif unseal_by > latest:
        errors["unseal_by"] = _(
            "A read can be sealed for at most %(days)d days: choose %(latest)s or earlier."
        ) % {"days": settings.LEDGER_SEAL_MAX_DAYS, "latest": latest.isoformat()}
    if errors:
        raise ValidationError(errors)
    assert unseal_by is not None
    return SealInput(legal_order=legal_order, unseal_by=unseal_by)


# --- Catalogue and records ---------------------------------------------------------------


AMOUNT_UNITS = ("yuan", "wan")


def dataset_errors(dataset: Dataset) -> dict[str, list[str]]:
    """What is wrong with a dataset's declaration (shown per field in the admin)."""
    errors: dict[str, list[str]] = {}
    fields = dataset.fields
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        return {"fields": [_("Each field needs a unique name.")]}
    names = [str(f.get("name", "")) for f in fields]
    if not names or any(not n for n in names) or len(set(names)) != len(names):
        errors["fields"] = [_("Each field needs a unique name.")]
    else:
        unknown = [f.get("type") for f in fields if f.get("type") not in FieldType.values]
        if unknown:
            errors["fields"] = [_("Unknown field type %(t)s.") % {"t": unknown[0]}]
        # An amount's unit: yuan, or 10 000 yuan (万元) as registers often keep amounts.
        elif any(
            "unit" in f and (f.get("type") != FieldType.DECIMAL or f["unit"] not in AMOUNT_UNITS)
            for f in fields
        ):
            errors["fields"] = [
                _("An amount's unit is “yuan” or “wan” (10 000 yuan), on amounts only.")
            ]
    if dataset.subject_kind not in SubjectKind.values:
        errors["subject_kind"] = [_("Unknown kind of subject.")]
    if dataset.sharing_class not in SharingClass.values:
        errors["sharing_class"] = [_("Unknown sharing class.")]
    return errors


@transaction.atomic
def dataset_save(*, dataset: Dataset) -> Dataset:
    """Check and save a dataset (used by the admin and by ``dataset_upsert``)."""
    errors = dataset_errors(dataset)
    if errors:
        raise ValidationError(errors)
    dataset.save()
    return dataset


@transaction.atomic
def dataset_upsert(
    *,
    code: str,
    name: str,
    owner: Department,
    subject_kind: str,
    sharing_class: str,
    fields: list[dict[str, object]],
    name_en: str = "",
    description: str = "",
    description_en: str = "",
) -> Dataset:
    """Create or update a dataset by its code."""
    dataset = Dataset.objects.filter(code=code).first() or Dataset(code=code)
    dataset.name = name
    dataset.name_en = name_en
    dataset.owner = owner
    dataset.subject_kind = subject_kind
    dataset.sharing_class = sharing_class
    dataset.fields = fields
    dataset.description = description
    dataset.description_en = description_en
    return dataset_save(dataset=dataset)


def _coerce(value: object, kind: str) -> object:
    """Validate one value against its declared type; return its JSON form."""
    if kind == FieldType.STRING:
        if not isinstance(value, str):
            raise ValueError(_("text expected"))
        return value
    if kind == FieldType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(_("a whole number expected"))
        return int(value)
    if kind == FieldType.DECIMAL:
        try:
            return str(decimal.Decimal(str(value)))
        except decimal.InvalidOperation:
            raise ValueError(_("an amount expected")) from None
    if kind == FieldType.DATE:
        return dt.date.fromisoformat(str(value)).isoformat()
    if kind == FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        if str(value).lower() in {"true", "1", "yes", "是"}:
            return True
        if str(value).lower() in {"false", "0", "no", "否"}:
            return False
        raise ValueError(_("yes or no expected"))
    raise ValueError(_("unknown type"))


def record_validate(*, dataset: Dataset, data: dict[str, object]) -> dict[str, object]:
    """Check a record against the dataset's field list; errors name each field."""
    errors: dict[str, str] = {}
    clean: dict[str, object] = {}
    declared = {str(f["name"]): f for f in dataset.fields}
    for name in data:
        if name not in declared:
            errors[name] = _("This field is not in the dataset.")
    for name, spec in declared.items():
        value = data.get(name)
        if value is None or value == "":
            if spec.get("required"):
                errors[name] = _("This field is required.")
            continue
        try:
            clean[name] = _coerce(value, str(spec["type"]))
        except (ValueError, TypeError) as exc:
            errors[name] = str(exc) or _("Invalid value.")
    if errors:
        raise ValidationError(errors)
    return clean


def dataset_check_owner(
    *,
    dataset: Dataset,
    department: Department,
    user: User | None = None,
    system: DepartmentSystem | None = None,
) -> None:
    """Raise PermissionDenied unless ``department`` owns the dataset and the person or system
    acting for it may maintain records (``access_rules.maintain_dataset_check``).

    Without ``user`` and ``system`` the caller is trusted (data loaded by the operator).
    """
    if dataset.owner_id != department.pk:
        raise PermissionDenied(_("Only the owning department maintains this dataset."))
    if user is not None or system is not None:
        access_rules.maintain_dataset_check(dataset=dataset, user=user, system=system)


@transaction.atomic
def record_put(
    *,
    dataset: Dataset,
    department: Department,
    subject_identifier: str,
    data: dict[str, object],
    user: User | None = None,
    system: DepartmentSystem | None = None,
) -> DatasetRecord:
    """Create or replace the owner's record about one subject."""
    dataset_check_owner(dataset=dataset, department=department, user=user, system=system)
    subject = subject_identifier.strip().upper()
    if not subject:
        raise ValidationError({"subject": _("The subject identifier is required.")})
    clean = record_validate(dataset=dataset, data=data)
    record, _created = DatasetRecord.objects.update_or_create(
        dataset=dataset, subject_identifier=subject, defaults={"data": clean}
    )
    return record


@dataclass
class BulkResult:
    saved: int = 0
    # row number (1-based) → field → messages
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)


@transaction.atomic
def records_put_bulk(
    *,
    dataset: Dataset,
    department: Department,
    rows: list[dict[str, object]],
    user: User | None = None,
    system: DepartmentSystem | None = None,
) -> BulkResult:
    """Validate every row; save all of them, or none if any row is wrong (errors per row)."""
    dataset_check_owner(dataset=dataset, department=department, user=user, system=system)
    result = BulkResult()
    clean_rows: list[tuple[str, dict[str, object]]] = []
    for number, row in enumerate(rows, start=1):
        subject = str(row.get("subject", "")).strip().upper()
        raw = row.get("data")
        if not subject or not isinstance(raw, dict):
            result.errors[number] = {"subject": [_("Each row needs a subject and its data.")]}
            continue
        try:
            clean_rows.append((subject, record_validate(dataset=dataset, data=raw)))
        except ValidationError as exc:
            result.errors[number] = exc.message_dict
    if result.errors:
        return result
    for subject, clean in clean_rows:
        DatasetRecord.objects.update_or_create(
            dataset=dataset, subject_identifier=subject, defaults={"data": clean}
        )
    result.saved = len(clean_rows)
    return result


# --- Sharing grants ----------------------------------------------------------------------


@transaction.atomic
def grant_request(
    *,
    dataset: Dataset,
    requester: Department,
    fields: list[str],
    purpose: str,
    legal_basis: str,
    valid_from: dt.date,
    valid_until: dt.date,
    requested_by: User | None = None,
    system: DepartmentSystem | None = None,
) -> SharingGrant:
    """Department B asks department A for fields of a conditional dataset.

    Asked by a person or a system, it must be B's data steward or B's system; without
    either the caller is trusted (data loaded by the operator).
    """
    if requested_by is not None and requested_by.department_id != requester.pk:
        raise PermissionDenied(_("You can only ask on behalf of your own department."))
    if requested_by is not None or system is not None:
        access_rules.request_grants_check(department=requester, user=requested_by, system=system)
    errors: dict[str, str] = {}
    if dataset.sharing_class != SharingClass.CONDITIONAL:
        errors["dataset"] = (
            _("This dataset is shared without conditions; no grant is needed.")
            if dataset.sharing_class == SharingClass.UNCONDITIONAL
            else _("This dataset is not shared with other departments.")
        )
    if dataset.owner_id == requester.pk:
        errors["dataset"] = _("Your department owns this dataset.")
    unknown = [f for f in fields if f not in dataset.field_names]
    if not fields or unknown:
        errors["fields"] = _("Choose fields of the dataset.")
    if not visible_text(purpose):
        errors["purpose"] = _("State the purpose.")
    if not visible_text(legal_basis):
        errors["legal_basis"] = _("State the legal basis.")
    if valid_until < valid_from:
        errors["valid_until"] = _("The end date must not be before the start date.")
    if errors:
        raise ValidationError(errors)
    return SharingGrant.objects.create(
        dataset=dataset,
        requester=requester,
        requested_fields=sorted(set(fields)),
        purpose=visible_text(purpose),
        legal_basis=visible_text(legal_basis),
        valid_from=valid_from,
        valid_until=valid_until,
        requested_by=requested_by,
    )


def grant_check_steward(*, actor: User, grant: SharingGrant) -> None:
    """Raise PermissionDenied unless ``actor`` is a data steward of the dataset's owner."""
    access_rules.decide_grant_check(user=actor, grant=grant)


@transaction.atomic
def grant_decide(
    *,
    actor: User,
    grant: SharingGrant,
    approve: bool,
    fields: list[str] | None = None,
    valid_until: dt.date | None = None,
    note: str = "",
) -> SharingGrant:
    """The owner's data steward approves (possibly narrowed to fewer fields) or refuses."""
    grant_check_steward(actor=actor, grant=grant)
    if grant.status != GrantStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    if approve:
        chosen = sorted(set(fields)) if fields is not None else list(grant.requested_fields)
        if not chosen or any(f not in grant.requested_fields for f in chosen):
            raise ValidationError({"fields": _("Grant some of the requested fields, no others.")})
        grant.granted_fields = chosen
        if valid_until is not None:
            if valid_until > grant.valid_until or valid_until < grant.valid_from:
                raise ValidationError({"valid_until": _("Shorten the period, do not extend it.")})
            grant.valid_until = valid_until
        grant.status = GrantStatus.APPROVED
    else:
        if not visible_text(note):
            raise ValidationError({"note": _("Give the reason for the refusal.")})
        grant.status = GrantStatus.REFUSED
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.decision_note = visible_text(note)
    grant.save()
    return grant


@transaction.atomic
def grant_revoke(*, actor: User, grant: SharingGrant, note: str) -> SharingGrant:
    grant_check_steward(actor=actor, grant=grant)
    if grant.status != GrantStatus.APPROVED:
        raise ValidationError(_("Only an approved grant can be revoked."))
    grant.status = GrantStatus.REVOKED
    grant.revoked_at = timezone.now()
    grant.decision_note = visible_text(note) or grant.decision_note
    grant.save()
    return grant


def subject_hash_for(identifier: str) -> str:
    return subject_hash(identifier.strip().upper())
