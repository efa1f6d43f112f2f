"""Writes of the policies part: publication and history, import, profiles, push, grants.

Business rules live here; views, the API, admin and tasks call these functions.
Who may write a policy: a department system of the issuing department (signed API), or
staff of the issuing department holding ``administer_department`` (the department
administrator role); ``policies.access`` decides.
"""

import csv
import datetime as dt
import io
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from policies import access, matching, selectors
from policies.constants import (
    PURPOSE_GRANT,
    PURPOSE_GRANT_EN,
    PURPOSE_MATCHING,
    PURPOSE_MATCHING_EN,
    AwardStatus,
    BenefitBase,
    BenefitKind,
    FirmSize,
    MatchOutcome,
    NoticeKind,
    PolicyStatus,
    RunKind,
    RunStatus,
    Topic,
)
from policies.models import (
    BenefitAward,
    FirmDeclaration,
    FirmProfile,
    Policy,
    PolicyMatch,
    PolicyNotice,
    PolicyRating,
    PolicyRun,
    PolicyTerm,
    PolicyVersion,
)
from policies.profile import (
    DECLARABLE,
    DECLARABLE_CERTIFICATES,
    PROFILE_DATASETS,
    AssembledProfile,
    DatasetAnswer,
    assemble,
)
from policies.rules import Profile as RuleProfile
from policies.rules import RuleError, Truth, evaluate, validate_rule
from policies.search import index_terms
from portal.accounts.models import Firm, FirmRepresentative, User
from portal.core.dispatch import dispatch_on_commit
from portal.core.parsers import loads_bounded
from portal.core.text import visible_text
from portal.core.validators import validate_bank_account
from portal.departments.models import Department, DepartmentSystem
from portal.exchange.services import Reader, exchange_read
from portal.services.access import representative_may_apply

logger = logging.getLogger(__name__)


# --- Who writes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who changes a policy: a staff member or a department system, of one department."""

    department: Department
    user: User | None = None
    system: DepartmentSystem | None = None

    def __post_init__(self) -> None:
        if (self.user is None) == (self.system is None):
            raise ValueError("an actor is a staff user or a department system, not both")

    @property
    def label(self) -> str:
        return self.system.key_id if self.system is not None else str(self.user)


def _authorise(actor: Actor, department: Department) -> None:
    """The rule lives in ``policies.access``: the issuing department's administrator or system."""
    access.manage_policies_check(department=department, user=actor.user, system=actor.system)


# --- Validation of a policy record ---------------------------------------------------------

EDITABLE_FIELDS = (
    "title",
    "title_en",
    "department",
    "document_number",
    "region",
    "published_on",
    "valid_from",
    "valid_until",
    "window_opens",
    "window_closes",
    "summary",
    "summary_en",
    "full_text",
    "full_text_en",
    "topics",
    "industries",
    "firm_sizes",
    "materials",
    "benefit_kind",
    "benefit_amount",
    "benefit_rate",
    "benefit_base",
    "benefit_cap",
    "benefit_note",
    "benefit_note_en",
    "eligibility",
    "grant_without_applying",
    "promised_days",
    "service_code",
)
_INDUSTRY = re.compile(r"^(?:[A-T]|\d{2,4})$")
_REGION = re.compile(r"^\d{6}$")
_DATASET = re.compile(r"^[a-z0-9_-]+\.[a-z0-9_.-]+$")


class _Errors(dict[str, str]):
    def check(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _text(
    raw: Mapping[str, object], name: str, errors: _Errors, *, limit: int, required: bool
) -> str:
    value = raw.get(name)
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors[name] = _("This field is required.")
    elif len(text) > limit:
        errors[name] = _("At most %(n)d characters.") % {"n": limit}
    return text


def _date(raw: Mapping[str, object], name: str, errors: _Errors) -> dt.date | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = _("A date as YYYY-MM-DD is expected.")
        return None


def _decimal(raw: Mapping[str, object], name: str, errors: _Errors) -> Decimal | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors[name] = _("A number is expected.")
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[name] = _("A number is expected.")
        return None
    if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
        errors[name] = _("A non-negative number is expected.")
        return None
    return number


def _list(raw: Mapping[str, object], name: str) -> list[object]:
    value = raw.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [p.strip() for p in re.split(r"[;；,，|]", str(value)) if p.strip()]


def _choices(
    raw: Mapping[str, object], name: str, allowed: Iterable[str], errors: _Errors
) -> list[str]:
    values = [str(v).strip() for v in _list(raw, name)]
    allowed = set(allowed)
    wrong = [v for v in values if v not in allowed]
    if wrong:
        errors[name] = _("Unknown values: %(v)s.") % {"v": ", ".join(wrong)}
    return sorted(set(values))


def _bool(raw: Mapping[str, object], name: str, errors: _Errors) -> bool:
    value = raw.get(name)
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "是", "y"}:
        return True
    if text in {"false", "0", "no", "否", "n"}:
        return False
    errors[name] = _("Yes or no is expected.")
    return False


def _materials(raw: Mapping[str, object], errors: _Errors) -> list[dict[str, str]]:
    out = []
    for item in _list(raw, "materials"):
        name_en = ""
        if isinstance(item, dict):
            name, dataset = str(item.get("name", "")).strip(), str(item.get("dataset", "")).strip()
            name_en = str(item.get("name_en", "")).strip()
        else:
            name, _sep, dataset = str(item).partition("@")
            name, dataset = name.strip(), dataset.strip()
        if not name or len(name) > 100:
            errors["materials"] = _("Each material needs a name of at most 100 characters.")
            continue
        if dataset and not _DATASET.match(dataset):
            errors["materials"] = _("%(d)s is not a dataset code.") % {"d": dataset}
            continue
        if len(name_en) > 200:
            errors["materials"] = _("An English name has at most 200 characters.")
            continue
        out.append(
            {"name": name, "name_en": name_en, "dataset": dataset}
            if name_en
            else {"name": name, "dataset": dataset}
        )
    return out


def _rule(raw: Mapping[str, object], errors: _Errors) -> dict[str, object]:
    value = raw.get("eligibility")
    if value in (None, ""):
        return {"all": []}
    if isinstance(value, str):
        try:
            value = loads_bounded(value)
        except ValueError as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            errors["eligibility"] = _("The rule is not valid JSON: %(e)s") % {"e": reason}
            return {}
    try:
        validate_rule(value)
    except RuleError as exc:
        errors["eligibility"] = _("The rule is malformed at %(path)s: %(message)s") % {
            "path": exc.path,
            "message": exc.message,
        }
        return {}
    assert isinstance(value, dict)
    return value


def policy_clean(*, data: Mapping[str, object]) -> dict[str, object]:
    """Validate one policy record (form, API, import row); errors name each field."""
    errors = _Errors()
    clean: dict[str, object] = {}
    clean["title"] = _text(data, "title", errors, limit=200, required=True)
    clean["title_en"] = _text(data, "title_en", errors, limit=300, required=False)
    clean["document_number"] = _text(data, "document_number", errors, limit=100, required=True)
    department = data.get("department")
    if isinstance(department, Department):
        clean["department"] = department
    else:
        found = Department.objects.filter(code=str(department or "").strip()).first()
        if found is None:
            errors["department"] = _("There is no department with this code.")
        clean["department"] = found
    region = _text(data, "region", errors, limit=12, required=True)
    if region and not _REGION.match(region):
        errors["region"] = _("A six-digit region code (GB/T 2260) is expected.")
    clean["region"] = region
    for name in ("published_on", "valid_from", "valid_until", "window_opens", "window_closes"):
        clean[name] = _date(data, name, errors)
    for low, high in (("valid_from", "valid_until"), ("window_opens", "window_closes")):
        a, b = clean[low], clean[high]
        if isinstance(a, dt.date) and isinstance(b, dt.date) and b < a:
            errors[high] = _("The end date must not be before the start date.")
    clean["summary"] = _text(data, "summary", errors, limit=2000, required=True)
    clean["summary_en"] = _text(data, "summary_en", errors, limit=4000, required=False)
    clean["full_text"] = _text(data, "full_text", errors, limit=100_000, required=False)
    clean["full_text_en"] = _text(data, "full_text_en", errors, limit=200_000, required=False)
    clean["topics"] = _choices(data, "topics", Topic.values, errors)
    industries = [str(v).strip().upper() for v in _list(data, "industries")]
    wrong = [i for i in industries if not _INDUSTRY.match(i)]
    if wrong:
        errors["industries"] = _(
            "Industries are GB/T 4754 section letters (A–T) or 2 to 4 digit codes: %(v)s."
        ) % {"v": ", ".join(wrong)}
    clean["industries"] = sorted(set(industries))
    clean["firm_sizes"] = _choices(data, "firm_sizes", FirmSize.values, errors)
    clean["materials"] = _materials(data, errors)
    kind = str(data.get("benefit_kind") or BenefitKind.FIXED).strip()
    if kind not in BenefitKind.values:
        errors["benefit_kind"] = _("Unknown kind of benefit.")
    clean["benefit_kind"] = kind
    for name, places in (("benefit_amount", 2), ("benefit_rate", 4), ("benefit_cap", 2)):
        number = _decimal(data, name, errors)
        clean[name] = None if number is None else number.quantize(Decimal(1).scaleb(-places))
    base = str(data.get("benefit_base") or "").strip()
    if base and base not in BenefitBase.values:
        errors["benefit_base"] = _("Unknown figure.")
    clean["benefit_base"] = base
    if kind == BenefitKind.FIXED and clean["benefit_amount"] is None:
        errors.setdefault("benefit_amount", _("A fixed benefit needs its amount."))
    if kind == BenefitKind.SHARE:
        rate = clean["benefit_rate"]
        if rate is None or not isinstance(rate, Decimal) or not Decimal(0) < rate <= 1:
            errors.setdefault("benefit_rate", _("A share between 0 and 1 is expected."))
        if not base:
            errors.setdefault("benefit_base", _("Say which figure the share is of."))
    if kind != BenefitKind.FIXED:
        clean["benefit_amount"] = None if kind == BenefitKind.SHARE else clean["benefit_amount"]
    clean["benefit_note"] = _text(data, "benefit_note", errors, limit=300, required=False)
    clean["benefit_note_en"] = _text(data, "benefit_note_en", errors, limit=300, required=False)
    clean["eligibility"] = _rule(data, errors)
    clean["grant_without_applying"] = _bool(data, "grant_without_applying", errors)
    days = data.get("promised_days")
    try:
        clean["promised_days"] = 20 if days in (None, "") else int(str(days))
        if not 0 < int(str(clean["promised_days"])) <= 365:
            raise ValueError
    except ValueError:
        errors["promised_days"] = _("A number of days from 1 to 365 is expected.")
    clean["service_code"] = _text(data, "service_code", errors, limit=64, required=False)
    errors.check()
    return clean


# --- Derived data: facets and the search index ------------------------------------------


def _facets(policy: Policy) -> str:
    parts = [f"t:{t}" for t in policy.topics] or ["t:*"]
    parts += [f"i:{i}" for i in policy.industries] or ["i:*"]
    parts += [f"s:{s}" for s in policy.firm_sizes] or ["s:*"]
    parts.append(f"r:{policy.region}")
    return " " + " ".join(parts) + " "


def _reindex(policy: Policy) -> None:
    topic_labels = " ".join(str(Topic(t).label) for t in policy.topics if t in Topic.values)
    terms = index_terms(
        [
            (policy.title, 5, True),
            (policy.title_en, 4, False),
            (policy.document_number, 4, False),
            (policy.summary, 3, True),
            (policy.summary_en, 2, False),
            (f"{topic_labels} {policy.benefit_note}", 2, False),
            (policy.full_text, 1, False),
        ]
    )
    PolicyTerm.objects.filter(policy=policy).delete()
    PolicyTerm.objects.bulk_create(
        [PolicyTerm(policy=policy, term=t, weight=w) for t, w in terms.items()], batch_size=2000
    )


def _plain(value: object) -> object:
    if isinstance(value, Department):
        return value.code
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def _history(
    policy: Policy, actor: Actor | None, action: str, note: str, changes: Mapping[str, object]
) -> None:
    PolicyVersion.objects.create(
        policy=policy,
        version=policy.version,
        action=action,
        note=note[:300],
        changes=dict(changes),
        by_user=actor.user if actor else None,
        by_system=actor.system.key_id if actor and actor.system else "",
    )


# --- Publication -------------------------------------------------------------------------


@transaction.atomic
def policy_create(*, actor: Actor, data: Mapping[str, object], note: str = "") -> Policy:
    """Create a draft from a validated record (``policy_clean``)."""
    clean = policy_clean(data=data)
    department = clean["department"]
    assert isinstance(department, Department)
    _authorise(actor, department)
    if Policy.objects.filter(document_number=clean["document_number"]).exists():
        raise ValidationError({"document_number": _("A policy with this number exists.")})
    policy = Policy(**clean)
    policy.facets = _facets(policy)
    policy.save()
    _reindex(policy)
    _history(policy, actor, "created", note, {k: _plain(v) for k, v in clean.items()})
    return policy


def _keep_english_material_names(clean: dict[str, object], policy: Policy) -> None:
    """A material given by name only (the back-office form writes ``name@dataset``) keeps
    the English name it had."""
    english = {str(m.get("name")): m.get("name_en") for m in policy.materials if m.get("name_en")}
    materials = clean.get("materials")
    if not isinstance(materials, list):
        return
    for m in materials:
        if isinstance(m, dict) and not m.get("name_en") and english.get(str(m.get("name"))):
            m["name_en"] = str(english[str(m.get("name"))])


@transaction.atomic
def policy_amend(
    *, actor: Actor, policy: Policy, data: Mapping[str, object], note: str
) -> tuple[Policy, bool]:
    """Change a policy, keeping the change in its history; a published policy is pushed again.

    ``data`` may hold only some fields. Returns the policy and whether anything changed.
    """
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _authorise(actor, policy.department)
    if policy.status == PolicyStatus.WITHDRAWN:
        raise ValidationError(_("A withdrawn policy cannot be amended."))
    current = {name: getattr(policy, name) for name in EDITABLE_FIELDS}
    merged = {**current, **{k: v for k, v in data.items() if k in EDITABLE_FIELDS}}
    clean = policy_clean(data=merged)
    _keep_english_material_names(clean, policy)
    if clean["department"] != policy.department:
        raise ValidationError({"department": _("The issuing department cannot change.")})
    if clean["document_number"] != policy.document_number:
        raise ValidationError({"document_number": _("The document number cannot change.")})
    changes = {
        name: [_plain(current[name]), _plain(clean[name])]
        for name in EDITABLE_FIELDS
        if _plain(current[name]) != _plain(clean[name])
    }
    if not changes:
        return policy, False
    if policy.status == PolicyStatus.PUBLISHED and not visible_text(note):
        raise ValidationError({"note": _("Say what the amendment changes and why.")})
    for name, value in clean.items():
        setattr(policy, name, value)
    policy.version += 1
    policy.facets = _facets(policy)
    policy.save()
    _reindex(policy)
    _history(policy, actor, "amended", note, changes)
    if policy.status == PolicyStatus.PUBLISHED:
        _start_runs(policy)
    return policy, True


@transaction.atomic
def policy_publish(*, actor: Actor, policy: Policy) -> Policy:
    """Publish a draft; after commit, the push job matches every firm and notifies."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _authorise(actor, policy.department)
    if policy.status != PolicyStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    now = timezone.now()
    policy.status = PolicyStatus.PUBLISHED
    policy.published_at = now
    policy.published_on = policy.published_on or timezone.localdate(now)
    policy.save()
    _history(policy, actor, "published", "", {"status": ["draft", "published"]})
    _start_runs(policy)
    return policy


@transaction.atomic
def policy_withdraw(*, actor: Actor, policy: Policy, note: str) -> Policy:
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _authorise(actor, policy.department)
    if policy.status == PolicyStatus.WITHDRAWN:
        raise ValidationError(_("The policy is already withdrawn."))
    if not visible_text(note):
        raise ValidationError({"note": _("Give the reason for the withdrawal.")})
    old = policy.status
    policy.status = PolicyStatus.WITHDRAWN
    policy.withdrawn_at = timezone.now()
    policy.save()
    _history(policy, actor, "withdrawn", note, {"status": [old, "withdrawn"]})
    # No more applications: its filing service leaves the catalogue.
    from policies.applications import policy_filing_service_sync

    policy_filing_service_sync(policy=policy)
    return policy


# --- Import ------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # (row number from 1, document number or "", field → message)
    rejected: list[tuple[int, str, dict[str, list[str]]]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def _row_errors(exc: ValidationError | PermissionDenied) -> dict[str, list[str]]:
    if isinstance(exc, PermissionDenied):
        return {"department": [str(exc)]}
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def policies_import(*, actor: Actor, rows: Sequence[object], publish: bool = False) -> ImportReport:
    """Create or update (by document number) each valid row; report every rejected row.

    Each row is saved in its own transaction, so a bad row never blocks the good ones.
    A row without a department belongs to the actor's department. With ``publish``,
    drafts are published (and pushed) as they are imported.
    """
    report = ImportReport()
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            report.rejected.append((number, "", {"__all__": [_("A row must be an object.")]}))
            continue
        doc = str(row.get("document_number") or "").strip()
        if doc and doc in seen:
            report.rejected.append(
                (number, doc, {"document_number": [_("This number appears twice in the file.")]})
            )
            continue
        data = dict(row)
        if not data.get("department"):
            data["department"] = actor.department.code
        try:
            with transaction.atomic():
                existing = Policy.objects.filter(document_number=doc).first() if doc else None
                if existing is None:
                    policy = policy_create(actor=actor, data=data, note="Imported")
                    report.created.append(policy.document_number)
                else:
                    policy, changed = policy_amend(
                        actor=actor, policy=existing, data=data, note="Imported update"
                    )
                    (report.updated if changed else report.unchanged).append(doc)
                if publish and policy.status == PolicyStatus.DRAFT:
                    policy_publish(actor=actor, policy=policy)
        except (ValidationError, PermissionDenied) as exc:
            report.rejected.append((number, doc, _row_errors(exc)))
        except IntegrityError:
            report.rejected.append(
                (number, doc, {"document_number": [_("A policy with this number exists.")]})
            )
        if doc:
            seen.add(doc)
    return report


def parse_json_rows(content: bytes | str) -> list[object]:
    """Rows of a JSON import file: a list of policies, or ``{"policies": [...]}``."""
    try:
        data = loads_bounded(content)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, JSONTooDeep
        raise ValidationError(_("The file is not valid JSON: %(e)s") % {"e": exc}) from None
    if isinstance(data, dict) and isinstance(data.get("policies"), list):
        data = data["policies"]
    if not isinstance(data, list):
        raise ValidationError(_("Expected a list of policies."))
    return data


def parse_csv_rows(content: bytes | str) -> list[Mapping[str, object]]:
    """Rows of a CSV file with a header line of field names (UTF-8, with or without BOM).

    List fields (topics, industries, firm_sizes, materials) separate values with ``;``;
    a material fetched from a dataset is written ``name@dataset``; ``eligibility`` is JSON.
    """
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(content))
    if not reader.fieldnames or "document_number" not in reader.fieldnames:
        raise ValidationError(
            _("The first line must name the columns, document_number among them.")
        )
    return [{k: v for k, v in row.items() if k is not None} for row in reader]


# --- Profiles ----------------------------------------------------------------------------


def _system_reader(key_id: str) -> Reader:
    system = DepartmentSystem.objects.select_related("department").filter(key_id=key_id).first()
    if system is None:
        raise ImproperlyConfigured(f"No department system {key_id!r} (POLICIES_PROFILE_READER)")
    return Reader(department=system.department, system=system)


def matching_reader() -> Reader:
    """Who reads profiles for matching: the configured system (by default the economy and
    information bureau's, the city's coordinator of enterprise policies)."""
    return _system_reader(settings.POLICIES_PROFILE_READER)


def granting_reader(policy: Policy) -> Reader:
    """Who reads to grant without applying: the issuing department, which decides and is
    accountable for the decision; its own sharing grants bound what it sees."""
    system = policy.department.systems.filter(is_active=True).order_by("pk").first()
    if system is None:
        return matching_reader()
    return Reader(department=policy.department, system=system)


def _ask_exchange(
    *, firm: Firm, reader: Reader, purpose: str, purpose_en: str
) -> dict[str, DatasetAnswer]:
    answers: dict[str, DatasetAnswer] = {}
    for dataset, fields in PROFILE_DATASETS.items():
        try:
            result = exchange_read(
                reader=reader,
                dataset_code=dataset,
                subject_identifier=firm.uscc,
                fields=list(fields),
                purpose=purpose,
                purpose_en=purpose_en,
            )
        except ValidationError:
            # The catalogue lacks this dataset (or these fields): nothing was read.
            answers[dataset] = DatasetAnswer(granted=False, reason="not_in_catalogue")
            continue
        answers[dataset] = DatasetAnswer(
            granted=result.granted,
            reason=str(result.reason),
            data=result.data,
            access_id=str(result.access.pk),
        )
    return answers


def _declared(firm: Firm) -> dict[str, object]:
    declaration = FirmDeclaration.objects.filter(firm=firm).first()
    return dict(declaration.data) if declaration else {}


def _assemble(
    *,
    firm: Firm,
    answers: Mapping[str, DatasetAnswer],
    reader: str,
    declared: Mapping[str, object] | None,
) -> AssembledProfile:
    return assemble(
        answers=answers,
        reader=reader,
        region=firm.region,
        fallback_industry=firm.industry_code,
        fallback_registered_on=firm.registered_on,
        declared=declared,
        today=timezone.localdate(),
    )


@transaction.atomic
def firm_profile_read(
    *, firm: Firm, reader: Reader, purpose: str, purpose_en: str = "", with_declared: bool
) -> AssembledProfile:
    """Read a firm's figures through the exchange (each read is in the ledger) and assemble
    them, with the firm's declaration filling gaps when ``with_declared``."""
    answers = _ask_exchange(firm=firm, reader=reader, purpose=purpose, purpose_en=purpose_en)
    return _assemble(
        firm=firm,
        answers=answers,
        reader=reader.department.code,
        declared=_declared(firm) if with_declared else None,
    )


def _answers_json(answers: Mapping[str, DatasetAnswer]) -> dict[str, object]:
    return {
        k: {"granted": a.granted, "reason": a.reason, "data": a.data, "access_id": a.access_id}
        for k, a in answers.items()
    }


@transaction.atomic
def firm_profile_refresh(*, firm: Firm, reader: Reader | None = None) -> FirmProfile:
    """Assemble the firm's matching profile through the exchange and keep it."""
    reader = reader or matching_reader()
    answers = _ask_exchange(
        firm=firm, reader=reader, purpose=PURPOSE_MATCHING, purpose_en=PURPOSE_MATCHING_EN
    )
    assembled = _assemble(
        firm=firm, answers=answers, reader=reader.department.code, declared=_declared(firm)
    )
    profile, _created = FirmProfile.objects.update_or_create(
        firm=firm,
        defaults={
            "values": assembled.values,
            "missing": assembled.missing,
            "sources": {
                **assembled.sources,
                "__answers__": _answers_json(answers),
                "__reader_department__": reader.department.code,
            },
            "reader": reader.system.key_id if reader.system else reader.department.code,
            "refreshed_at": timezone.now(),
        },
    )
    return profile


def _reassemble(profile: FirmProfile, firm: Firm) -> None:
    """Apply a new declaration to a kept profile without reading the departments again."""
    raw = profile.sources.get("__answers__") or {}
    answers = {
        k: DatasetAnswer(
            granted=bool(v.get("granted")),
            reason=str(v.get("reason", "")),
            data=v.get("data"),
            access_id=str(v.get("access_id", "")),
        )
        for k, v in raw.items()
        if isinstance(v, dict)
    }
    reader = str(profile.sources.get("__reader_department__", ""))
    assembled = _assemble(firm=firm, answers=answers, reader=reader, declared=_declared(firm))
    profile.values = assembled.values
    profile.missing = assembled.missing
    profile.sources = {**assembled.sources, "__answers__": raw, "__reader_department__": reader}
    profile.save(update_fields=["values", "missing", "sources"])


@transaction.atomic
def firm_declaration_save(*, firm: Firm, user: User, data: Mapping[str, object]) -> FirmDeclaration:
    """What the firm declares (figures and qualifications); used for matching only.

    Only a current representative who may apply for the firm declares for it.
    """
    if not representative_may_apply(user=user, firm=firm):
        raise PermissionDenied(_("Only a representative who may apply for the firm declares."))
    errors = _Errors()
    clean: dict[str, object] = {}
    for name in DECLARABLE:
        value = _decimal(data, name, errors)
        if value is not None:
            clean[name] = str(value)
    certificates = [str(c) for c in _list(data, "certificates")]
    wrong = [c for c in certificates if c not in DECLARABLE_CERTIFICATES]
    if wrong:
        errors["certificates"] = _("Unknown qualifications: %(v)s.") % {"v": ", ".join(wrong)}
    clean["certificates"] = sorted(set(certificates))
    errors.check()
    declaration, _created = FirmDeclaration.objects.update_or_create(
        firm=firm, defaults={"data": clean, "updated_by": user}
    )
    profile = FirmProfile.objects.filter(firm=firm).first()
    if profile is not None:
        _reassemble(profile, firm)
    return declaration


# --- Push: match every firm and notify the eligible ones ---------------------------------


def _dispatch(run_id: int) -> None:
    from policies.tasks import policy_run_task

    dispatch_on_commit(policy_run_task, run_id)


def _start_runs(policy: Policy) -> list[PolicyRun]:
    """Queue the push run (and the grant run of a 免申即享 policy); dispatch after commit."""
    runs = [
        PolicyRun.objects.create(policy=policy, kind=RunKind.PUSH, policy_version=policy.version)
    ]
    if policy.grant_without_applying:
        runs.append(
            PolicyRun.objects.create(
                policy=policy, kind=RunKind.GRANT, policy_version=policy.version
            )
        )
    for run in runs:
        _dispatch(run.pk)
    return runs


@transaction.atomic
def policy_run_start(*, actor: Actor, policy: Policy, kind: RunKind) -> PolicyRun:
    """Run the push or the grant job again by hand (both are idempotent)."""
    _authorise(actor, policy.department)
    if policy.status != PolicyStatus.PUBLISHED:
        raise ValidationError(_("Only a published policy is pushed."))
    if kind == RunKind.GRANT and not policy.grant_without_applying:
        raise ValidationError(_("This policy is not granted without applying."))
    run = PolicyRun.objects.create(policy=policy, kind=kind, policy_version=policy.version)
    _dispatch(run.pk)
    return run


def _finish(run: PolicyRun, status: RunStatus, error: str = "") -> PolicyRun:
    run.status = status
    run.error = error[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at", "processed"])
    return run


def policy_run_execute(*, run_id: int, batch_size: int | None = None) -> PolicyRun:
    """Execute a run (push or grant). Idempotent: running it twice notifies and grants once."""
    run = PolicyRun.objects.select_related("policy", "policy__department").get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    run.status = RunStatus.RUNNING
    run.started_at = timezone.now()
    run.processed = run.eligible = run.unknown = run.notified = run.granted = 0
    run.save()
    try:
        if run.policy.status != PolicyStatus.PUBLISHED:
            return _finish(run, RunStatus.DONE, _("The policy is no longer published."))
        size = batch_size or settings.POLICIES_PUSH_BATCH
        if run.kind == RunKind.PUSH:
            _push(run, size)
        else:
            _grant(run, size)
    except Exception as exc:
        logger.exception("policy run %s failed", run_id)
        _finish(run, RunStatus.FAILED, repr(exc))
        raise
    return _finish(run, RunStatus.DONE)


def _profile_batches(
    size: int, *, firm_ids: Iterable[int] | None = None
) -> Iterable[list[tuple[int, dict[str, object]]]]:
    """(firm id, profile values) in batches, by keyset pagination (constant memory)."""
    last = 0
    qs = FirmProfile.objects.order_by("firm_id")
    if firm_ids is not None:
        qs = qs.filter(firm_id__in=list(firm_ids))
    while True:
        rows = list(qs.filter(firm_id__gt=last).values_list("firm_id", "values")[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


_OUTCOME = {
    matching.ELIGIBLE: MatchOutcome.ELIGIBLE,
    matching.UNKNOWN: MatchOutcome.UNKNOWN,
    matching.NEAR_MISS: MatchOutcome.NEAR_MISS,
}


def _push(run: PolicyRun, size: int) -> None:
    policy = run.policy
    compiled = selectors.policy_compiled(policy)
    run.total = FirmProfile.objects.count()
    run.save(update_fields=["total"])
    notify = not policy.grant_without_applying
    before = PolicyNotice.objects.filter(policy=policy, kind=NoticeKind.ELIGIBLE).count()
    for rows in _profile_batches(size):
        now = timezone.now()
        matches: list[PolicyMatch] = []
        notices: list[PolicyNotice] = []
        eligible = unknown = 0
        for firm_id, values in rows:
            outcome = compiled.classify(values)
            if outcome == matching.INELIGIBLE:
                continue
            matches.append(
                PolicyMatch(
                    policy_id=policy.pk,
                    firm_id=firm_id,
                    outcome=_OUTCOME[outcome],
                    estimated_amount=compiled.benefit.estimate(values),
                    policy_version=policy.version,
                    evaluated_at=now,
                )
            )
            if outcome == matching.ELIGIBLE:
                eligible += 1
                if notify:
                    notices.append(
                        PolicyNotice(
                            policy_id=policy.pk,
                            firm_id=firm_id,
                            kind=NoticeKind.ELIGIBLE,
                            created_at=now,
                        )
                    )
            elif outcome == matching.UNKNOWN:
                unknown += 1
        ids = [firm_id for firm_id, _values in rows]
        with transaction.atomic():
            PolicyMatch.objects.filter(policy=policy, firm_id__in=ids).exclude(
                firm_id__in=[m.firm_id for m in matches]
            ).delete()
            PolicyMatch.objects.bulk_create(
                matches,
                batch_size=2000,
                update_conflicts=True,
                unique_fields=["policy", "firm"],
                update_fields=["outcome", "estimated_amount", "policy_version", "evaluated_at"],
            )
            # The unique constraint makes a second run (or a concurrent one) a no-op.
            PolicyNotice.objects.bulk_create(notices, batch_size=2000, ignore_conflicts=True)
            PolicyRun.objects.filter(pk=run.pk).update(
                processed=F("processed") + len(rows),
                eligible=F("eligible") + eligible,
                unknown=F("unknown") + unknown,
            )
    after = PolicyNotice.objects.filter(policy=policy, kind=NoticeKind.ELIGIBLE).count()
    run.refresh_from_db()
    run.notified = after - before
    run.save(update_fields=["notified"])


# --- Grant without applying (免申即享) -----------------------------------------------------


def _reasons(evaluation_conditions: Iterable[object]) -> list[dict[str, object]]:
    out = []
    for c in evaluation_conditions:
        out.append(
            {
                "path": getattr(c, "path", ""),
                "field": getattr(c, "field", ""),
                "op": getattr(c, "op", ""),
                "expected": getattr(c, "expected", None),
                "actual": getattr(c, "actual", None),
                "truth": getattr(c, "truth", Truth.UNKNOWN).value,
                "label": getattr(c, "label", ""),
                "reason": getattr(c, "reason", ""),
            }
        )
    return out


def _without_declared(
    values: Mapping[str, object], sources: Mapping[str, object]
) -> dict[str, object]:
    return {k: v for k, v in values.items() if sources.get(k) != "declared"}


@transaction.atomic
def policy_grant_decide(*, policy: Policy, firm: Firm, reader: Reader | None = None) -> str:
    """Decide one firm: read its data afresh (in the ledger), then grant, invite or do nothing.

    Returns ``granted``, ``invited``, ``ineligible`` or ``already`` (decided before: no read).
    Only data read from the departments counts; the firm's declaration never does.
    """
    if (
        BenefitAward.objects.filter(policy=policy, firm=firm).exists()
        or PolicyNotice.objects.filter(policy=policy, firm=firm, kind=NoticeKind.INVITED).exists()
    ):
        return "already"
    reader = reader or granting_reader(policy)
    assembled = firm_profile_read(
        firm=firm,
        reader=reader,
        purpose=f"{PURPOSE_GRANT}：{policy.document_number}",
        purpose_en=f"{PURPOSE_GRANT_EN}: {policy.document_number}",
        with_declared=False,
    )
    rule = matching.effective_rule(
        region=policy.region,
        industries=policy.industries,
        firm_sizes=policy.firm_sizes,
        eligibility=policy.eligibility,
    )
    result = evaluate(rule, RuleProfile(assembled.values, assembled.missing))
    now = timezone.now()
    if result.truth is Truth.TRUE:
        compiled = selectors.policy_compiled(policy)
        BenefitAward.objects.create(
            policy=policy,
            firm=firm,
            status=AwardStatus.GRANTED,
            amount=compiled.benefit.estimate(assembled.values) or Decimal(0),
            reasons=_reasons(result.conditions),
            access_ids=assembled.access_ids,
            policy_version=policy.version,
            decided_at=now,
            paid_to_account=str(_declared(firm).get("bank_account", ""))[:40],
        )
        PolicyNotice.objects.get_or_create(policy=policy, firm=firm, kind=NoticeKind.GRANTED)
        return "granted"
    if result.truth is Truth.UNKNOWN:
        PolicyNotice.objects.get_or_create(policy=policy, firm=firm, kind=NoticeKind.INVITED)
        return "invited"
    return "ineligible"


def _grant(run: PolicyRun, size: int) -> None:
    """Shortlist from the kept profiles (without declared figures), then decide each
    candidate on fresh reads by the issuing department."""
    policy = run.policy
    compiled = selectors.policy_compiled(policy)
    reader = granting_reader(policy)
    run.total = FirmProfile.objects.count()
    run.save(update_fields=["total"])
    for rows in _profile_batches(size):
        sources = dict(
            FirmProfile.objects.filter(firm_id__in=[r[0] for r in rows]).values_list(
                "firm_id", "sources"
            )
        )
        candidates = [
            firm_id
            for firm_id, values in rows
            if compiled.classify(_without_declared(values, sources.get(firm_id) or {}))
            in (matching.ELIGIBLE, matching.UNKNOWN)
        ]
        granted = invited = 0
        for firm in Firm.objects.filter(pk__in=candidates).order_by("pk"):
            outcome = policy_grant_decide(policy=policy, firm=firm, reader=reader)
            granted += outcome == "granted"
            invited += outcome == "invited"
        PolicyRun.objects.filter(pk=run.pk).update(
            processed=F("processed") + len(rows),
            granted=F("granted") + granted,
            unknown=F("unknown") + invited,
            notified=F("notified") + granted + invited,
        )
    run.refresh_from_db()


@transaction.atomic
def award_mark_paid(
    *, award: BenefitAward, account: str, paid_at: dt.datetime | None = None
) -> BenefitAward:
    """Record the payment of a granted benefit (the account paid into and when), as the
    issuing department's payment system reports it."""
    award = BenefitAward.objects.select_for_update().get(pk=award.pk)
    if award.status != AwardStatus.GRANTED:
        raise ValidationError(_("A declined benefit is not paid."))
    award.paid_to_account = validate_bank_account(account)
    award.paid_at = paid_at or timezone.now()
    award.save(update_fields=["paid_to_account", "paid_at"])
    return award


@transaction.atomic
def award_decline(
    *, award: BenefitAward, representative: FirmRepresentative, reason: str
) -> BenefitAward:
    """The firm turns down a benefit granted without applying."""
    if representative.firm_id != award.firm_id or not access.may_act_on_policies(
        rep=representative, user=representative.user
    ):
        raise PermissionDenied(_("Only a representative who may apply for the firm can decline."))
    award = BenefitAward.objects.select_for_update().get(pk=award.pk)
    if award.status != AwardStatus.GRANTED:
        raise ValidationError(_("This benefit was already declined."))
    if award.paid_at is not None:
        raise ValidationError(
            _("This benefit was already paid; to return it, contact the issuing department.")
        )
    award.status = AwardStatus.DECLINED
    award.declined_at = timezone.now()
    award.decline_reason = visible_text(reason)[:300]
    award.save()
    return award


# --- Notices and ratings ----------------------------------------------------------------


@transaction.atomic
def notices_mark_read(*, firm: Firm) -> int:
    return PolicyNotice.objects.filter(firm=firm, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notices_mark_read_for_user(*, user: User) -> int:
    """Mark read the policy messages a person sees in their inbox (those of the firms they
    may file for now)."""
    return (
        selectors.policy_notices_for_user(user=user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


@transaction.atomic
def policy_rate(
    *,
    policy: Policy,
    representative: FirmRepresentative,
    clarity: int,
    handling: int,
    comment: str = "",
) -> PolicyRating:
    """A firm rates a published policy's clarity and handling (1–5); a new rating replaces."""
    if not access.may_act_on_policies(rep=representative, user=representative.user):
        raise PermissionDenied(_("Only a representative who may apply for the firm rates."))
    if policy.status != PolicyStatus.PUBLISHED:
        raise ValidationError(_("Only a published policy can be rated."))
    errors = _Errors()
    if clarity not in range(1, 6):
        errors["clarity"] = _("Choose from 1 to 5.")
    if handling not in range(1, 6):
        errors["handling"] = _("Choose from 1 to 5.")
    errors.check()
    rating, _created = PolicyRating.objects.update_or_create(
        policy=policy,
        firm=representative.firm,
        defaults={
            "user": representative.user,
            "clarity": clarity,
            "handling": handling,
            "comment": visible_text(comment)[:500],
            "created_at": timezone.now(),
        },
    )
    return rating


def firm_profiles_refresh_batch(*, after_firm_id: int, size: int) -> tuple[int, int]:
    """Refresh the profiles of the next ``size`` firms after ``after_firm_id`` (one
    transaction per firm). Returns (how many, the last firm id)."""
    reader = matching_reader()
    firms = list(Firm.objects.filter(pk__gt=after_firm_id).order_by("pk")[:size])
    for firm in firms:
        firm_profile_refresh(firm=firm, reader=reader)
    return len(firms), firms[-1].pk if firms else after_firm_id
