"""Apply once: from a matched policy, one action files an application in the services
workflow, its form filled from the firm's profile and its materials fetched through the
exchange by the service's department (``application_submit`` does the fetching).

The services part owns applications; this module only calls its services and selectors.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from policies import selectors
from policies.constants import PolicyStatus
from policies.models import FirmDeclaration, Policy, PolicyApplication
from policies.rules import Profile, Truth
from portal.accounts.models import Firm, FirmRepresentative, User
from portal.services.constants import ApplicationStatus
from portal.services.models import Application, ServiceItem
from portal.services.schema import schema_fields
from portal.services.services import application_create_draft, application_submit


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


def application_for(*, policy: Policy, firm: Firm) -> AppliedResult | None:
    link = (
        PolicyApplication.objects.filter(policy=policy, firm=firm)
        .select_related("application")
        .first()
    )
    return None if link is None else _result(link.application)


def _service(policy: Policy) -> ServiceItem | None:
    if not policy.service_code:
        return None
    return ServiceItem.objects.filter(code=policy.service_code, is_published=True).first()


def can_apply_online(*, policy: Policy) -> bool:
    return (
        policy.status == PolicyStatus.PUBLISHED
        and not policy.grant_without_applying
        and _service(policy) is not None
    )


def bank_account_of(firm: Firm) -> str:
    declaration = FirmDeclaration.objects.filter(firm=firm).first()
    return str((declaration.data if declaration else {}).get("bank_account", ""))


@transaction.atomic
def policy_apply(
    *,
    policy: Policy,
    representative: FirmRepresentative,
    user: User,
    bank_account: str = "",
    answers: Mapping[str, object] | None = None,
) -> AppliedResult:
    """File an application under ``policy`` for the representative's firm, in one action.

    The form is filled from the firm's profile (the policy, the estimated amount, the
    conditions it meets) and from ``answers`` (what only the person can give: a contact
    phone, the legal commitment), and submitted; the services workflow then fetches the materials
    the departments hold instead of asking for uploads. If something is still missing
    (a material to upload, a field to fill), the draft is kept and the problems returned.
    Once per firm and policy: a second call returns the first application.
    """
    firm = representative.firm
    existing = application_for(policy=policy, firm=firm)
    if existing is not None:
        return existing
    if representative.user_id != user.pk or not representative.can_apply:
        raise ValidationError(_("Your authorisation does not include filing applications."))
    service = _service(policy)
    if service is None or not can_apply_online(policy=policy):
        raise ValidationError(_("Online application is not available for this policy."))
    if not policy.is_open_now:
        raise ValidationError(_("Applications for this policy are closed."))
    profile = selectors.firm_profile_get(firm=firm)
    if profile is None:
        raise ValidationError(_("Fetch your firm's data first, so that the form can be filled."))
    evaluation = selectors.explain_for(policy, Profile(profile.values, profile.missing))
    if evaluation.truth is Truth.FALSE:
        raise ValidationError(_("Your firm does not meet the policy's conditions."))
    bank_account = bank_account.strip() or bank_account_of(firm)
    if bank_account:
        declaration, _created = FirmDeclaration.objects.get_or_create(firm=firm)
        declaration.data = {**declaration.data, "bank_account": bank_account}
        declaration.updated_by = user
        declaration.save()
    amount = selectors.policy_compiled(policy).benefit.estimate(profile.values)
    met = "；".join(c.label or c.field for c in evaluation.met)
    prefill: dict[str, object] = {
        "policy_title": f"{policy.title}（{policy.document_number}）",
        "amount": amount if amount is not None else None,
        "bank_account": bank_account or None,
        "notes": _("Conditions met according to the departments' data: %(met)s") % {"met": met},
        **{k: v for k, v in (answers or {}).items() if v not in (None, "")},
    }
    application = application_create_draft(
        service=service, applicant=user, firm=firm, prefill=prefill
    )
    PolicyApplication.objects.create(
        policy=policy, firm=firm, application=application, created_by=user
    )
    try:
        with transaction.atomic():
            outcome = application_submit(application=application, user=user)
    except ValidationError as exc:
        # A field the profile cannot fill (or a material to upload): keep the draft.
        named = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
        problems = tuple(
            f"{_field_label(service, name)}: {' '.join(m)}" if name else " ".join(m)
            for name, m in named
        )
        application.refresh_from_db()
        return _result(application, problems)
    application.refresh_from_db()
    return _result(application, tuple(str(p) for p in outcome.problems))


def _field_label(service: ServiceItem, name: str) -> str:
    for spec in schema_fields(service.form_schema):
        if spec.get("name") == name:
            return str(spec.get("label", name))
    return name
