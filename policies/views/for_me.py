"""Policies for me: what a person acting for a firm sees, declares, rates and applies for."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from policies import access, applications, explain, selectors, services
from policies.forms import (
    DeclarationForm,
    DeclineForm,
    RatingForm,
)
from policies.models import BenefitAward, FirmDeclaration
from policies.views.common import _form_errors
from policies.views.public import _acting, _apply_form, _detail
from portal.accounts.models import User
from portal.core.bilingual import clause_separator
from portal.core.forms import post_data
from portal.core.money import money_wan
from portal.core.validators import mask_bank_account


def _match_rows(
    views: list[selectors.MatchView], sources: dict[str, Any], names: explain.Names
) -> list[dict[str, Any]]:
    return [
        {
            "policy": v.policy,
            "department": explain.department_name(v.policy.department),
            "amount": explain.amount_text(v.amount),
            "lines": explain.lines(v.evaluation.conditions, sources, names),
            "missing": [
                line
                for line in explain.lines(v.evaluation.conditions, sources, names)
                if line.status != "met"
            ],
        }
        for v in views
    ]


@login_required
@require_GET
def for_me(request: HttpRequest) -> HttpResponse:
    rep = _acting(request)
    if rep is None:
        return render(request, "policies/for_me_choose.html", status=200)
    access.firm_figures_check(rep=rep, user=request.user)
    acts = access.may_act_on_policies(rep=rep, user=request.user)
    profile = selectors.firm_profile_get(firm=rep.firm)
    context: dict[str, Any] = {"rep": rep, "firm": rep.firm, "profile": profile, "acts": acts}
    if profile is not None:
        names = explain.Names()
        found = selectors.firm_matches(profile=profile)
        total = sum((v.amount or Decimal(0) for v in found.eligible), Decimal(0))
        context.update(
            eligible=_match_rows(found.eligible, profile.sources, names),
            unknown=_match_rows(found.unknown, profile.sources, names),
            near_misses=_match_rows(found.near_misses, profile.sources, names),
            total=explain.amount_text(total),
            figures=[
                {
                    "label": explain.FIELD_LABELS[name],
                    "value": explain.value_text(name, profile.values[name])
                    if name in profile.values
                    else "",
                    "source": explain.source_text(str(profile.sources.get(name, "")), names)
                    if name in profile.values
                    else "",
                    "why": explain.missing_text(str(profile.missing.get(name, "")), names)
                    if name not in profile.values
                    else "",
                }
                for name in explain.FIELD_LABELS
                if name in profile.values or name in profile.missing
            ],
            unread_policy_notices=selectors.notices_unread_count(firm=rep.firm) if acts else 0,
            awards=[
                {
                    "award": a,
                    "amount": money_wan(a.amount),
                    "account": mask_bank_account(a.paid_to_account),
                }
                for a in selectors.awards_for_firm(firm=rep.firm)
            ]
            if acts
            else [],
        )
    return render(request, "policies/for_me.html", context)


@login_required
@require_POST
def for_me_refresh(request: HttpRequest) -> HttpResponse:
    """Read the firm's figures from the departments again (each read goes to the ledger)."""
    rep = access.firm_policies_check(rep=_acting(request), user=request.user)
    services.firm_profile_refresh(firm=rep.firm)
    messages.success(request, _("The firm's data was fetched from the departments."))
    return redirect("policies:for_me")


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest) -> HttpResponse:
    rep = access.firm_policies_check(rep=_acting(request), user=request.user)
    existing = FirmDeclaration.objects.filter(firm=rep.firm).first()
    form = DeclarationForm(post_data(request), initial=existing.data if existing else None)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            services.firm_declaration_save(firm=rep.firm, user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Your declaration was saved and the matches updated."))
            return redirect("policies:for_me")
    return render(request, "policies/declare.html", {"form": form, "firm": rep.firm})


@login_required
@require_http_methods(["GET", "POST"])
def notices_read(request: HttpRequest) -> HttpResponse:
    """Mark the policy messages of the firms the person files for as read; they are shown
    in the one inbox, ``/my/notifications/`` (a GET only goes there)."""
    if request.method == "POST" and isinstance(request.user, User):
        services.notices_mark_read_for_user(user=request.user)
    return redirect("services:notifications")


@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    """The old separate inbox of policy messages: they are in the one inbox now."""
    return redirect("services:notifications", permanent=True)


@login_required
@require_http_methods(["GET", "POST"])
def award_decline(request: HttpRequest, award_id: int) -> HttpResponse:
    """Decline a benefit granted without applying: a page that says what is given up and
    asks for a confirmation (no JavaScript needed), then the decline."""
    rep = access.firm_policies_check(rep=_acting(request), user=request.user)
    award = (
        BenefitAward.objects.select_related("policy", "policy__department")
        .filter(pk=award_id, firm_id=rep.firm_id)
        .first()
    )
    if award is None:
        raise Http404
    form = DeclineForm(post_data(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.award_decline(
                    award=award, representative=rep, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("The firm declined %(amount)s under “%(policy)s”.")
                    % {"amount": money_wan(award.amount), "policy": award.policy.display_title},
                )
                return redirect("policies:for_me")
        status = 400
    return render(
        request,
        "policies/decline.html",
        {
            "award": award,
            "form": form,
            "amount": money_wan(award.amount),
            "account": mask_bank_account(award.paid_to_account),
            "department": explain.department_name(award.policy.department),
        },
        status=status,
    )


@login_required
@require_POST
def rate(request: HttpRequest, policy_id: int) -> HttpResponse:
    rep = access.firm_policies_check(rep=_acting(request), user=request.user)
    policy = selectors.policy_get_public(policy_id=policy_id)
    if policy is None:
        raise Http404
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.policy_rate(
                policy=policy,
                representative=rep,
                clarity=form.cleaned_data["clarity"],
                handling=form.cleaned_data["handling"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you for your rating."))
    else:
        messages.error(request, _("Choose a score for clarity and for handling."))
    return redirect(policy.get_absolute_url())


@login_required
@require_POST
def apply(request: HttpRequest, policy_id: int) -> HttpResponse:
    """Apply once: the one confirmation of what the policy page showed. Errors come back on
    the same page, all at once (400); a material that could not be fetched is asked for
    there too."""
    rep = access.firm_policies_check(rep=_acting(request), user=request.user)
    policy = selectors.policy_get_public(policy_id=policy_id)
    if policy is None:
        raise Http404
    assert isinstance(request.user, User)
    plan = applications.apply_plan(policy=policy, firm=rep.firm, user=request.user)
    form = _apply_form(plan, request.POST, request.FILES)
    assert form is not None
    form.is_valid()  # only for redisplay; the service checks every value
    uploads: dict[str, UploadedFile] = {}
    for m in plan.uploads:
        upload = request.FILES.get(f"material_{m.code}")
        if isinstance(upload, UploadedFile):
            uploads[m.code] = upload
    try:
        result = applications.policy_apply(
            policy=policy,
            representative=rep,
            user=request.user,
            contact_phone=request.POST.get("contact_phone", "")[:40],
            bank_account=request.POST.get("bank_account", "")[:60],
            declaration=request.POST.get("declaration") == "on",
            uploads=uploads,
            max_bytes=settings.SERVICES_UPLOAD_MAX_BYTES,
            max_files=settings.SERVICES_UPLOAD_MAX_FILES,
        )
    except ValidationError as exc:
        form = _apply_form(plan, request.POST)
        assert form is not None
        form.is_valid()
        form.errors.clear()
        form.add_service_errors(
            exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        )
        return _detail(request, policy, apply_form=form, plan=plan, status=400)
    if result.submitted:
        messages.success(
            request,
            _("Your application %(n)s was filed with %(department)s.")
            % {
                "n": result.number,
                "department": explain.Names().department(policy.department.code),
            },
        )
        return redirect(result.url)
    messages.warning(
        request,
        _("Application %(n)s is saved but not filed yet: %(p)s")
        % {"n": result.number, "p": clause_separator().join(result.problems) or _("see below")},
    )
    return redirect(f"{policy.get_absolute_url()}#apply-h")
