"""Supervision (督查): figures of the policies of a department, on the page and as CSV."""

import csv
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from policies import access, selectors
from policies.constants import AwardStatus, PolicyStatus
from policies.models import BenefitAward, Policy, PolicyRating
from policies.views.backoffice import _staff
from portal.accounts.models import User
from portal.backoffice.access import staff_required
from portal.core.money import figure
from portal.departments.access import audit_scope_for
from portal.departments.models import Department


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
