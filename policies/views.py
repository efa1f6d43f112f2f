"""Pages: search and read policies, "policies for me", the back office, supervision."""

import csv
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from policies import access, applications, explain, selectors, services
from policies.constants import AwardStatus, PolicyStatus, RunKind, RunStatus
from policies.forms import (
    ApplyForm,
    DeclarationForm,
    DeclineForm,
    ImportForm,
    NoteForm,
    PolicyForm,
    RatingForm,
    SearchForm,
)
from policies.models import BenefitAward, FirmDeclaration, Policy, PolicyRating, PolicyRun
from policies.rules import Profile
from portal.accounts.models import FirmRepresentative, User
from portal.backoffice.access import staff_required
from portal.core.bilingual import clause_separator
from portal.core.forms import post_data, post_files
from portal.core.money import figure, money_wan
from portal.core.validators import mask_bank_account
from portal.departments.access import audit_scope_for
from portal.departments.models import Department

PAGE_SIZE = 20


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Public pages ---------------------------------------------------------------------------


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


# --- Policies for me (a person acting for a firm) ---------------------------------------


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


# --- Back office ----------------------------------------------------------------------------


def _staff(request: HttpRequest) -> tuple[User, Department]:
    user = request.user
    assert isinstance(user, User) and user.department is not None
    return user, user.department


def _own_policy(request: HttpRequest, policy_id: int, *, manage: bool = False) -> Policy:
    """One of the staff member's department's policies; ``manage``: only its administrators."""
    user, department = _staff(request)
    policy = access.access_policy_for_department(department=department, policy_id=policy_id)
    if manage:
        access.manage_policies_check(department=department, user=user)
    return policy


def _manager(request: HttpRequest) -> None:
    user, department = _staff(request)
    access.manage_policies_check(department=department, user=user)


def _actor(request: HttpRequest) -> services.Actor:
    user, department = _staff(request)
    return services.Actor(department=department, user=user)


@require_GET
@staff_required
def bo_list(request: HttpRequest) -> HttpResponse:
    user, department = _staff(request)
    policies = selectors.policy_list_for_department(department=department)
    return render(
        request,
        "policies/bo_list.html",
        {
            "department": department,
            "policies": policies,
            "can_manage": access.may_manage_policies(department=department, user=user),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def bo_new(request: HttpRequest) -> HttpResponse:
    _manager(request)
    _user, department = _staff(request)
    form = PolicyForm(post_data(request), initial={"region": department.region})
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(
                actor=_actor(request),
                data={**form.record(), "department": department},
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("policies:bo_detail", policy_id=policy.pk)
    return render(request, "policies/bo_form.html", {"form": form, "policy": None})


@require_GET
@staff_required
def bo_detail(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _own_policy(request, policy_id)
    user, department = _staff(request)
    return render(
        request,
        "policies/bo_detail.html",
        {
            "policy": policy,
            "history": policy.history.select_related("by_user")[:50],
            "runs": selectors.runs_for_policy(policy=policy)[:10],
            "can_manage": access.may_manage_policies(department=department, user=user),
            "withdraw_form": NoteForm(),
            "benefit": explain.benefit_text(policy),
            "run_kinds": RunKind,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def bo_edit(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _own_policy(request, policy_id, manage=True)
    form = PolicyForm(post_data(request), initial=PolicyForm.initial_for(policy))
    if request.method == "POST" and form.is_valid():
        try:
            _policy, changed = services.policy_amend(
                actor=_actor(request),
                policy=policy,
                data=form.record(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if changed:
                messages.success(request, _("The policy was amended."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("policies:bo_detail", policy_id=policy.pk)
    return render(request, "policies/bo_form.html", {"form": form, "policy": policy})


@require_POST
@staff_required
def bo_publish(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _own_policy(request, policy_id, manage=True)
    try:
        services.policy_publish(actor=_actor(request), policy=policy)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Published; firms are being matched and notified."))
    return redirect("policies:bo_detail", policy_id=policy.pk)


@require_POST
@staff_required
def bo_withdraw(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _own_policy(request, policy_id, manage=True)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the withdrawal."))
        return redirect("policies:bo_detail", policy_id=policy.pk)
    try:
        services.policy_withdraw(
            actor=_actor(request), policy=policy, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The policy was withdrawn."))
    return redirect("policies:bo_detail", policy_id=policy.pk)


@require_POST
@staff_required
def bo_run(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _own_policy(request, policy_id, manage=True)
    kind = request.POST.get("kind", "")
    if kind not in RunKind.values:
        raise Http404
    try:
        run = services.policy_run_start(actor=_actor(request), policy=policy, kind=RunKind(kind))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("policies:bo_detail", policy_id=policy.pk)
    return redirect("policies:bo_run_detail", run_id=run.pk)


@require_GET
@staff_required
def bo_run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    _user, department = _staff(request)
    run = PolicyRun.objects.select_related("policy").filter(
        pk=run_id, policy__department=department
    )
    found = run.first()
    if found is None:
        raise Http404
    return render(
        request,
        "policies/bo_run.html",
        {"run": found, "active": found.status in (RunStatus.QUEUED, RunStatus.RUNNING)},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def bo_import(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = ImportForm(post_data(request), post_files(request))
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        rows: list[object]
        try:
            if upload.name.lower().endswith(".csv"):
                rows = list(services.parse_csv_rows(content))
            else:
                rows = services.parse_json_rows(content)
            report = services.policies_import(
                actor=_actor(request), rows=rows, publish=form.cleaned_data["publish"]
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
    return render(request, "policies/bo_import.html", {"form": form, "report": report})


# --- Supervision (督查) --------------------------------------------------------------------


def _supervised_department(request: HttpRequest) -> Department:
    """Staff see their own department; auditors choose one they audit (``?department=code``)."""
    user, _department = _staff(request)
    return access.access_department_for_supervision(
        user=user, code=request.GET.get("department", "")
    )


def _audited_departments(user: User) -> QuerySet[Department] | None:
    """The departments an auditor may choose between (their own first among them), or None."""
    scope = audit_scope_for(user=user)
    if not scope.any:
        return None
    if scope.all_departments:
        return Department.objects.order_by("code")
    return Department.objects.filter(
        Q(pk__in=scope.department_ids) | Q(pk=user.department_id)
    ).order_by("code")


def _figures(policies: QuerySet[Policy]) -> list[selectors.PolicyFigures]:
    return selectors.supervision_figures(policies=policies)


CSV_COLUMNS = [
    ("document_number", gettext_lazy("Document number")),
    ("title", gettext_lazy("Title")),
    ("status", gettext_lazy("Status")),
    ("eligible", gettext_lazy("Firms matched")),
    ("unknown", gettext_lazy("Possibly eligible: data missing")),
    ("notified", gettext_lazy("Notified")),
    ("applied", gettext_lazy("Applied")),
    ("decided", gettext_lazy("Decided")),
    ("granted", gettext_lazy("Granted without applying")),
    ("declined", gettext_lazy("Declined")),
    ("amount_granted", gettext_lazy("Amount granted (10 000 yuan)")),
    ("amount_estimated", gettext_lazy("Amount matched (10 000 yuan)")),
    ("promised_days", gettext_lazy("Promised days to decision")),
    ("mean_days_to_decision", gettext_lazy("Mean days to decision")),
    ("within_promise", gettext_lazy("Decided within the promise")),
    ("overdue", gettext_lazy("Overdue")),
    ("clarity", gettext_lazy("Clarity (1–5)")),
    ("handling", gettext_lazy("Handling (1–5)")),
    ("ratings", gettext_lazy("Ratings")),
]


def _csv_value(f: selectors.PolicyFigures, key: str) -> object:
    """A cell of the CSV: numbers stay plain numbers a spreadsheet reads (amounts to the
    cent, in 10 000 yuan as the header says; no grouping, no unit), texts in words."""
    if key == "status":
        return f.policy.get_status_display()
    if key == "title":
        return f.policy.display_title
    if key in ("document_number", "promised_days"):
        return getattr(f.policy, key)
    value = getattr(f, key)
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01'))}"
    if isinstance(value, float):
        return figure(value).replace(",", "")
    return "" if value is None else value


def _series_labels() -> dict[str, str]:
    return {
        "matched": _("Firms matched"),
        "notified": _("Notified"),
        "applied": _("Applied"),
        "decided": _("Decided"),
        "granted": _("Granted"),
        "overdue": _("Overdue"),
    }


@require_GET
@staff_required
def supervision(request: HttpRequest) -> HttpResponse:
    department = _supervised_department(request)
    user, _own = _staff(request)
    policies = Policy.objects.filter(department=department).exclude(status=PolicyStatus.DRAFT)
    figures = _figures(policies)
    if request.GET.get("format") == "csv":
        return _csv(figures, f"policies-{department.code}.csv")
    label = _series_labels()
    chart = {
        "labels": [f.policy.display_title for f in figures],
        "series": {
            label["matched"]: [f.eligible for f in figures],
            label["notified"]: [f.notified for f in figures],
            label["applied"]: [f.applied for f in figures],
            label["granted"]: [f.granted + f.approved for f in figures],
            label["overdue"]: [f.overdue for f in figures],
        },
    }
    return render(
        request,
        "policies/supervision.html",
        {
            "department": department,
            "figures": figures,
            "totals": selectors.department_totals(figures=figures),
            "chart": chart,
            "departments": _audited_departments(user),
        },
    )


@require_GET
@staff_required
def supervision_policy(request: HttpRequest, policy_id: int) -> HttpResponse:
    user, _department = _staff(request)
    policy = access.access_policy_for_supervision(user=user, policy_id=policy_id)
    figures = _figures(Policy.objects.filter(pk=policy.pk))[0]
    if request.GET.get("format") == "csv":
        return _csv([figures], f"policy-{policy.pk}.csv")
    return render(
        request,
        "policies/supervision_policy.html",
        {
            "policy": policy,
            "f": figures,
            "ratings": PolicyRating.objects.filter(policy=policy).order_by("-created_at")[:50],
            "awards": BenefitAward.objects.filter(policy=policy, status=AwardStatus.GRANTED)
            .select_related("firm")
            .order_by("-decided_at")[:50],
            "runs": selectors.runs_for_policy(policy=policy)[:10],
            "chart": {
                "labels": list(_series_labels().values()),
                "series": {
                    _("Firms"): [
                        figures.eligible,
                        figures.notified,
                        figures.applied,
                        figures.decided,
                        figures.granted + figures.approved,
                        figures.overdue,
                    ]
                },
            },
            "can_manage": access.may_manage_policies(department=policy.department, user=user),
        },
    )


def _csv(figures: list[selectors.PolicyFigures], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow([str(label) for _key, label in CSV_COLUMNS])
    for f in figures:
        writer.writerow([_csv_value(f, key) for key, _label in CSV_COLUMNS])
    return response
