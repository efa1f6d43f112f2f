"""Apply once (一键申报): from a policy page, one confirmation files an application.

The person sees everything that will be filed before confirming: the firm and the contact
(from the account), the amount and the conditions met (from the firm's profile), the bank
account (the firm's account on record), and the materials the policy lists, each either
fetched through the exchange by the issuing department or uploaded on the same page.

The application is filed in the policy's *filing service*, a service item kept in step with
the policy (``policy_filing_service_sync``): its department is the policy's issuing
department and its materials are the policy's materials, so the policy page, the
application and the department's queue show one list and one department. Its form is the
form of the policy's ``service_code`` service (the template, e.g. 惠企政策兑现申请).

The services part owns applications; this module only calls its services and selectors.
"""

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from policies import explain, selectors
from policies.constants import PolicyStatus
from policies.engine.evaluation import Profile, Truth
from policies.models import FirmDeclaration, Policy, PolicyApplication
from portal.accounts.models import Firm, FirmRepresentative, User
from portal.core.money import amount_digits
from portal.core.validators import is_mobile_phone, validate_bank_account, validate_mobile_phone
from portal.departments.models import Department
from portal.exchange.constants import GrantStatus, SharingClass
from portal.exchange.models import Dataset, SharingGrant
from portal.services.constants import ApplicationStatus, MaterialSource
from portal.services.models import Application, Material, ServiceItem
from portal.services.schema import schema_fields
from portal.services.services import (
    application_create_draft,
    application_step_save,
    application_submit,
    material_upload,
    service_item_upsert,
)


@dataclass(frozen=True)
class ApplicationFigure:
    policy_id: int
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    approved: bool
    amount: Decimal


def application_figures(*, policy_ids: list[int]) -> list[ApplicationFigure]:
    """Applications filed from these policies (submitted ones), with their decision times."""
    rows = (
        PolicyApplication.objects.filter(policy_id__in=policy_ids)
        .exclude(application__submitted_at__isnull=True)
        .values_list(
            "policy_id",
            "application__submitted_at",
            "application__decided_at",
            "application__status",
            "application__data",
        )
    )
    out = []
    for policy_id, submitted_at, decided_at, status, data in rows:
        if submitted_at is None:
            continue
        try:
            amount = Decimal(str((data or {}).get("amount") or 0))
        except ArithmeticError:
            amount = Decimal(0)
        out.append(
            ApplicationFigure(
                policy_id=policy_id,
                submitted_at=submitted_at,
                decided_at=decided_at,
                approved=status == ApplicationStatus.APPROVED,
                amount=amount,
            )
        )
    return out


@dataclass(frozen=True)
class AppliedResult:
    number: str
    url: str
    submitted: bool
    problems: tuple[str, ...] = ()


def _result(application: Application, problems: tuple[str, ...] = ()) -> AppliedResult:
    return AppliedResult(
        number=application.number,
        url=reverse("services:application_detail", args=[application.number]),
        submitted=application.status != ApplicationStatus.DRAFT,
        problems=problems,
    )


def _link(policy: Policy, firm: Firm) -> PolicyApplication | None:
    return (
        PolicyApplication.objects.filter(policy=policy, firm=firm)
        .select_related("application")
        .first()
    )


def application_for(*, policy: Policy, firm: Firm) -> AppliedResult | None:
    link = _link(policy, firm)
    return None if link is None else _result(link.application)


# --- The filing service: the policy's department, the policy's materials ----------------

FILING_CODE_PREFIX = "policy-"


def filing_template(policy: Policy) -> ServiceItem | None:
    """The service whose form the policy's applications use (``Policy.service_code``)."""
    if not policy.service_code:
        return None
    return ServiceItem.objects.filter(code=policy.service_code, is_published=True).first()


def can_apply_online(*, policy: Policy) -> bool:
    return (
        policy.status == PolicyStatus.PUBLISHED
        and not policy.grant_without_applying
        and filing_template(policy) is not None
    )


def filing_service_code(policy: Policy) -> str:
    return f"{FILING_CODE_PREFIX}{policy.pk}"


def material_code(material: Mapping[str, object]) -> str:
    """A stable code for one of the policy's materials (the same across amendments):
    from its dataset, or from its name."""
    dataset = str(material.get("dataset") or "")
    if dataset:
        return dataset.replace(".", "_").replace("-", "_")[:40]
    digest = hashlib.sha256(str(material.get("name", "")).encode()).hexdigest()
    return f"m_{digest[:12]}"


def filing_materials(policy: Policy) -> list[dict[str, object]]:
    """The policy's materials as the filing service's requirements (the one list)."""
    known = set(
        Dataset.objects.filter(
            code__in=[str(m.get("dataset")) for m in policy.materials if m.get("dataset")]
        ).values_list("code", flat=True)
    )
    out: list[dict[str, object]] = []
    seen: set[str] = set()
    for m in policy.materials:
        code = material_code(m)
        if code in seen:
            continue
        seen.add(code)
        dataset = str(m.get("dataset") or "")
        out.append(
            {
                "code": code,
                "name": str(m.get("name", "")),
                "name_en": str(m.get("name_en", "")),
                "required": True,
                "exchange_dataset": dataset if dataset in known else "",
            }
        )
    return out


@transaction.atomic
def policy_filing_service_sync(*, policy: Policy) -> ServiceItem | None:
    """Create or update the policy's filing service from the policy and its template.

    None (and the filing service, if any, closed) when the policy takes no applications.
    """
    template = filing_template(policy)
    if template is None or not can_apply_online(policy=policy):
        ServiceItem.objects.filter(code=filing_service_code(policy)).update(is_published=False)
        return None
    title_en = policy.title_en or policy.title
    return service_item_upsert(
        department=policy.department,
        code=filing_service_code(policy),
        name=f"{policy.title}（{template.name}）"[:120],
        name_en=f"{title_en} ({template.name_en or template.name})"[:160],
        summary=policy.summary,
        summary_en=policy.summary_en,
        keywords=f"{policy.title} {policy.document_number} {template.keywords}"[:300],
        themes=[],
        for_citizens=False,
        for_firms=True,
        conditions=policy.summary,
        materials=filing_materials(policy),
        process_steps=template.process_steps,
        form_schema=template.form_schema,
        reference_datasets=template.reference_datasets,
        legal_days=max(template.legal_days, policy.promised_days),
        promised_days=policy.promised_days,
        fee=template.fee,
        legal_basis=f"{policy.document_number}；{template.legal_basis}".strip("；"),
        phone=template.phone,
        offline_address=template.offline_address,
        is_published=True,
    )


# --- What will be filed: shown before the one confirmation ------------------------------


def fetchable_datasets(*, department: Department, codes: list[str]) -> set[str]:
    """The datasets among ``codes`` that ``department`` may read through the exchange now:
    its own, unconditionally shared ones, and those it holds a current grant for (the
    exchange's sharing rule, read from the catalogue; no one's data is read)."""
    today = timezone.localdate()
    datasets = Dataset.objects.filter(code__in=codes)
    out = {
        d.code
        for d in datasets
        if d.owner_id == department.pk or d.sharing_class == SharingClass.UNCONDITIONAL
    }
    granted = SharingGrant.objects.filter(
        dataset__code__in=codes,
        requester=department,
        status=GrantStatus.APPROVED,
        valid_from__lte=today,
        valid_until__gte=today,
    ).values_list("dataset__code", flat=True)
    not_shared = set(
        datasets.filter(sharing_class=SharingClass.NOT_SHARED).values_list("code", flat=True)
    )
    return out | (set(granted) - not_shared)


@dataclass(frozen=True)
class MaterialPlan:
    """One material of the policy and how it gets into the application."""

    code: str
    name: str
    how: str  # fetch | upload | fetched | uploaded
    holder: str = ""  # the department whose data it is fetched from
    file_name: str = ""


@dataclass
class ApplyPlan:
    """Everything apply-once files, as the person sees it before confirming."""

    policy: Policy
    department: Department
    firm: Firm
    contact_name: str
    contact_phone: str
    phone_is_mobile: bool
    bank_account: str
    amount: Decimal | None
    met: list[str]
    materials: list[MaterialPlan] = field(default_factory=list)
    draft: AppliedResult | None = None

    @property
    def note(self) -> str:
        return met_note(self.met)

    @property
    def uploads(self) -> list[MaterialPlan]:
        return [m for m in self.materials if m.how == "upload"]


def met_note(met: list[str]) -> str:
    """The application's note: the conditions met, in words (never field keys)."""
    if not met:
        return ""
    return _("Conditions met according to the departments' data: %(met)s") % {"met": "；".join(met)}


def bank_account_of(firm: Firm) -> str:
    """The firm's bank account on record (given when it last applied or declared)."""
    declaration = FirmDeclaration.objects.filter(firm=firm).first()
    return str((declaration.data if declaration else {}).get("bank_account", ""))


def _dataset_owners(codes: list[str]) -> dict[str, str]:
    names = explain.Names()
    owners = dict(Dataset.objects.filter(code__in=codes).values_list("code", "owner__code"))
    return {code: names.department(owner) for code, owner in owners.items()}


def apply_plan(*, policy: Policy, firm: Firm, user: User) -> ApplyPlan:
    """What one confirmation will file for ``firm`` under ``policy`` (reads nothing from
    the exchange: the figures are the firm's kept profile, the materials' availability is
    the sharing rule of the catalogue)."""
    profile = selectors.firm_profile_get(firm=firm)
    met: list[str] = []
    amount: Decimal | None = None
    if profile is not None:
        evaluation = selectors.explain_for(policy, Profile(profile.values, profile.missing))
        names = explain.Names()
        met = [
            line.text
            for line in explain.lines(evaluation.conditions, profile.sources, names)
            if line.status == "met"
        ]
        amount = selectors.policy_compiled(policy).benefit.estimate(profile.values)
    link = _link(policy, firm)
    present: dict[str, Material] = {}
    if link is not None:
        present = {m.requirement_code: m for m in link.application.materials.all()}
    specs = filing_materials(policy)
    codes = [str(m["exchange_dataset"]) for m in specs if m["exchange_dataset"]]
    readable = fetchable_datasets(department=policy.department, codes=codes)
    owners = _dataset_owners(codes)
    labels = {material_code(m): str(m["name"]) for m in policy.display_materials}
    materials = []
    for spec in specs:
        code, dataset = str(spec["code"]), str(spec["exchange_dataset"])
        name = labels.get(code, str(spec["name"]))
        have = present.get(code)
        if have is not None and have.source == MaterialSource.UPLOAD:
            materials.append(MaterialPlan(code, name, "uploaded", file_name=have.original_name))
        elif have is not None:
            materials.append(MaterialPlan(code, name, "fetched", holder=owners.get(dataset, "")))
        elif dataset in readable and link is None:
            materials.append(MaterialPlan(code, name, "fetch", holder=owners.get(dataset, "")))
        else:
            # Not held by a department the issuer may read, or its fetch failed: upload it.
            materials.append(MaterialPlan(code, name, "upload", holder=owners.get(dataset, "")))
    phone = user.phone or ""
    return ApplyPlan(
        policy=policy,
        department=policy.department,
        firm=firm,
        contact_name=user.real_name or user.username,
        contact_phone=phone,
        phone_is_mobile=is_mobile_phone(phone),
        bank_account=bank_account_of(firm),
        amount=amount,
        met=met,
        materials=materials,
        draft=None if link is None else _result(link.application),
    )


# --- The one confirmation ---------------------------------------------------------------


def _remember_bank_account(firm: Firm, user: User, account: str) -> None:
    declaration, _created = FirmDeclaration.objects.get_or_create(firm=firm)
    if declaration.data.get("bank_account") != account:
        declaration.data = {**declaration.data, "bank_account": account}
        declaration.updated_by = user
        declaration.save()


def _check_may_apply(policy: Policy, representative: FirmRepresentative, user: User) -> None:
    if representative.user_id != user.pk or not representative.can_apply:
        raise PermissionDenied(_("Your authorisation does not include filing applications."))
    if not can_apply_online(policy=policy):
        raise ValidationError(_("Online application is not available for this policy."))
    if not policy.is_open_now:
        raise ValidationError(_("Applications for this policy are closed."))


def _problems(exc: ValidationError, service: ServiceItem) -> tuple[str, ...]:
    named = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
    return tuple(
        f"{_field_label(service, name)}: {' '.join(m)}" if name else " ".join(m)
        for name, m in named
    )


@transaction.atomic
def policy_apply(
    *,
    policy: Policy,
    representative: FirmRepresentative,
    user: User,
    contact_phone: str,
    bank_account: str,
    declaration: bool,
    uploads: Mapping[str, UploadedFile] | None = None,
    max_bytes: int,
    max_files: int,
) -> AppliedResult:
    """File an application under ``policy`` for the representative's firm: one confirmation.

    Checks what the person gave (a mobile phone by the same rule as the application form,
    the bank account, the legal commitment, an upload for every material that cannot be
    fetched), all at once, raising ValidationError by field. Then fills the filing
    service's form from the account and the firm's profile, keeps the uploads and submits;
    ``application_submit`` fetches the other materials through the exchange, read by the
    issuing department. If a fetch is refused the application stays a draft (the refused
    read stays in the ledger) and the result says what to upload; confirming again with
    those uploads continues the same draft. Once per firm and policy.
    """
    firm = representative.firm
    link = _link(policy, firm)
    if link is not None and link.application.status != ApplicationStatus.DRAFT:
        return _result(link.application)
    _check_may_apply(policy, representative, user)
    profile = selectors.firm_profile_get(firm=firm)
    if profile is None:
        raise ValidationError(_("Fetch your firm's data first, so that the form can be filled."))
    evaluation = selectors.explain_for(policy, Profile(profile.values, profile.missing))
    if evaluation.truth is Truth.FALSE:
        raise ValidationError(_("Your firm does not meet the policy's conditions."))
    plan = apply_plan(policy=policy, firm=firm, user=user)
    uploads = dict(uploads or {})
    errors: dict[str, list[str]] = {}
    phone = account = ""
    try:
        phone = validate_mobile_phone(contact_phone)
    except ValidationError as exc:
        errors["contact_phone"] = exc.messages
    try:
        account = validate_bank_account(bank_account)
    except ValidationError as exc:
        errors["bank_account"] = exc.messages
    if not declaration:
        errors["declaration"] = [_("Confirm that the information is true.")]
    for m in plan.uploads:
        if m.code not in uploads:
            errors[f"material_{m.code}"] = [_("Upload “%(name)s”.") % {"name": m.name}]
    if errors:
        raise ValidationError(errors)
    service = policy_filing_service_sync(policy=policy)
    assert service is not None  # can_apply_online was checked
    _remember_bank_account(firm, user, account)
    prefill: dict[str, object] = {
        "policy_title": f"{policy.title}（{policy.document_number}）",
        "amount": amount_digits(plan.amount).replace(",", "") if plan.amount is not None else None,
        "bank_account": account,
        "contact_phone": phone,
        "contact_name": plan.contact_name,
        "notes": plan.note[:2000] or None,
        "declaration": True,
    }
    if link is None:
        application = application_create_draft(
            service=service, applicant=user, firm=firm, prefill=prefill
        )
        PolicyApplication.objects.create(
            policy=policy, firm=firm, application=application, created_by=user
        )
    else:
        application = link.application
        for step in range(len(service.form_steps)):
            fields = service.form_steps[step].get("fields")
            names = (
                {str(f["name"]) for f in fields if isinstance(f, dict)}
                if isinstance(fields, list)
                else set()
            )
            values = {k: v for k, v in {**application.data, **prefill}.items() if k in names}
            application = application_step_save(
                application=application, user=user, step=step, values=values, draft=True
            )
    for code, upload in uploads.items():
        if any(m.code == code and m.how == "upload" for m in plan.materials):
            try:
                material_upload(
                    application=application,
                    user=user,
                    requirement_code=code,
                    upload=upload,
                    max_bytes=max_bytes,
                    max_files=max_files,
                )
            except ValidationError as exc:
                raise ValidationError({f"material_{code}": exc.messages}) from None
    try:
        with transaction.atomic():
            outcome = application_submit(application=application, user=user)
    except ValidationError as exc:
        application.refresh_from_db()
        return _result(application, _problems(exc, service))
    application.refresh_from_db()
    return _result(application, tuple(str(p) for p in outcome.problems))


def _field_label(service: ServiceItem, name: str) -> str:
    for spec in schema_fields(service.form_schema):
        if spec.get("name") == name:
            return str(spec.get("label", name))
    return name
