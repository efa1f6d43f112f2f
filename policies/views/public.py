"""Public pages: search policies and read one."""

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from policies import access, applications, explain, selectors
from policies.engine.evaluation import Profile
from policies.forms import (
    ApplyForm,
    RatingForm,
    SearchForm,
)
from policies.models import BenefitAward, Policy, PolicyRating
from policies.views.common import PAGE_SIZE
from portal.accounts.models import FirmRepresentative, User
from portal.core.validators import mask_bank_account


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search published policies (Chinese text works) with filters; no sign-in needed.
    A region or industry code that is not in the lists is refused with a 400 and says so."""
    form = SearchForm(request.GET or None)
    filters: dict[str, Any] = {}
    valid = form.is_valid() if form.is_bound else True
    if form.is_bound and valid:
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    qs = selectors.policy_search(**filters) if valid else Policy.objects.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "policies/search.html",
        {"form": form, "page": page, "query": query.urlencode(), "searched": bool(filters)},
        status=200 if valid else 400,
    )


def _acting(request: HttpRequest) -> FirmRepresentative | None:
    rep = getattr(request, "acting_for", None)
    return rep if isinstance(rep, FirmRepresentative) else None


def _apply_form(
    plan: applications.ApplyPlan | None, data: Any = None, files: Any = None
) -> ApplyForm | None:
    if plan is None:
        return None
    return ApplyForm(
        data,
        files,
        uploads=[(m.code, m.name) for m in plan.uploads],
        initial={"contact_phone": plan.contact_phone, "bank_account": plan.bank_account},
    )


def _detail(
    request: HttpRequest,
    policy: Policy,
    *,
    apply_form: ApplyForm | None = None,
    plan: applications.ApplyPlan | None = None,
    status: int = 200,
) -> HttpResponse:
    rep = _acting(request)
    names = explain.Names()
    sees_figures = access.may_view_firm_figures(rep=rep, user=request.user)
    acts = access.may_act_on_policies(rep=rep, user=request.user)
    profile = selectors.firm_profile_get(firm=rep.firm) if rep and sees_figures else None
    if profile is not None:
        evaluation = selectors.explain_for(policy, Profile(profile.values, profile.missing))
        lines = explain.lines(evaluation.conditions, profile.sources, names)
        outcome = evaluation.truth.value
    else:
        evaluation = selectors.explain_for(policy, Profile({}, {}))
        lines = explain.lines(evaluation.conditions, {}, names)
        outcome = ""
    rating = (
        PolicyRating.objects.filter(policy=policy, firm=rep.firm).first() if rep and acts else None
    )
    rating_form = RatingForm(
        initial={"clarity": rating.clarity, "handling": rating.handling, "comment": rating.comment}
        if rating
        else None
    )
    can_apply = applications.can_apply_online(policy=policy)
    application = (
        applications.application_for(policy=policy, firm=rep.firm) if rep and acts else None
    )
    if (
        plan is None
        and rep is not None
        and acts
        and can_apply
        and profile is not None
        and outcome != "not_met"
        and (application is None or not application.submitted)
        and isinstance(request.user, User)
    ):
        plan = applications.apply_plan(policy=policy, firm=rep.firm, user=request.user)
    award = (
        BenefitAward.objects.filter(policy=policy, firm=rep.firm).first() if rep and acts else None
    )
    return render(
        request,
        "policies/detail.html",
        {
            "policy": policy,
            "history": policy.history.all()[:20],
            "lines": lines,
            "outcome": outcome,
            "profile": profile,
            "rep": rep,
            "award": award,
            "award_account": mask_bank_account(award.paid_to_account) if award else "",
            "application": application,
            "can_apply": can_apply,
            "rep_may_act": acts,
            "plan": plan,
            "apply_form": apply_form or _apply_form(plan),
            "rating_form": rating_form,
            "benefit": explain.benefit_text(policy),
            "department_name": explain.department_name(policy.department),
            "amount": explain.amount_text(
                selectors.policy_compiled(policy).benefit.estimate(profile.values)
                if profile
                else None
            ),
        },
        status=status,
    )


@require_GET
def detail(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = selectors.policy_get_public(policy_id=policy_id)
    if policy is None:
        raise Http404
    return _detail(request, policy)
