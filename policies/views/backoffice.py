"""Back office: the issuing department lists, writes, publishes, pushes and imports policies."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from policies import access, explain, selectors, services
from policies.constants import RunKind, RunStatus
from policies.forms import (
    ImportForm,
    NoteForm,
    PolicyForm,
)
from policies.models import Policy, PolicyRun
from policies.views.common import _form_errors
from portal.accounts.models import User
from portal.backoffice.access import staff_required
from portal.core.forms import post_data, post_files
from portal.departments.models import Department


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
