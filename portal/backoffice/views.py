from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.models import User
from portal.accounts.selectors import staff_has_permission, staff_list_for_department
from portal.accounts.services import staff_role_set
from portal.backoffice.access import staff_required
from portal.departments.constants import StaffRole
from portal.departments.selectors import department_get


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    roles = [StaffRole(g.name).label for g in user.groups.all() if g.name in StaffRole.values]
    return render(request, "backoffice/home.html", {"department": user.department, "roles": roles})


@require_GET
@staff_required
def department_staff(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    department = department_get(code=code)
    if department is None:
        raise Http404
    if user.department_id != department.pk:
        raise PermissionDenied(_("You can only open your own department."))
    staff = staff_list_for_department(department=department)
    can_admin = staff_has_permission(
        user=user, department=department, codename="administer_department"
    )
    return render(
        request,
        "backoffice/department_staff.html",
        {"department": department, "staff": staff, "roles": StaffRole, "can_admin": can_admin},
    )


@require_POST
@staff_required
def staff_role_change(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    actor = request.user
    assert isinstance(actor, User)
    staff = User.objects.filter(pk=user_id, department__code=code).first()
    role_value = request.POST.get("role", "")
    if staff is None:
        raise Http404
    if role_value not in StaffRole.values:
        messages.error(request, _("Choose one of the listed roles."))
        return redirect("backoffice:department_staff", code=code)
    staff_role_set(
        actor=actor,
        staff=staff,
        role=StaffRole(role_value),
        granted=request.POST.get("granted") == "1",
    )
    messages.success(request, _("Roles of %(name)s updated.") % {"name": staff})
    return redirect("backoffice:department_staff", code=code)
