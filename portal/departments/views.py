"""Back-office pages of the audit office: assign auditors to departments, and revoke them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.models import User
from portal.backoffice.access import staff_required
from portal.core.forms import post_data
from portal.departments.access import audit_assigner_check
from portal.departments.forms import AuditAssignmentForm
from portal.departments.models import AuditAssignment
from portal.departments.selectors import audit_assignment_list
from portal.departments.services import audit_assignment_create, audit_assignment_revoke


def _assigner(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    audit_assigner_check(user=user)
    return user


@require_http_methods(["GET", "POST"])
@staff_required
def audit_assignments(request: HttpRequest) -> HttpResponse:
    """The audit office's list of auditors with their scope, and the form to assign one."""
    actor = _assigner(request)
    form = AuditAssignmentForm(post_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit_assignment_create(
                actor=actor,
                auditor=data["auditor"],
                departments=list(data["departments"]),
                all_departments=data["all_departments"],
                note=data["note"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The auditor was assigned."))
            return redirect("backoffice:audit_assignments")
    return render(
        request,
        "backoffice/audit_assignments.html",
        {"form": form, "assignments": audit_assignment_list()},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_required
def audit_assignment_end(request: HttpRequest, assignment_id: int) -> HttpResponse:
    actor = _assigner(request)
    assignment = AuditAssignment.objects.filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    try:
        audit_assignment_revoke(actor=actor, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The assignment was revoked."))
    return redirect("backoffice:audit_assignments")
