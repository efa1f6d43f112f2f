from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts import access
from portal.accounts.models import User
from portal.accounts.selectors import staff_list_for_department
from portal.accounts.services import staff_role_set
from portal.accounts.two_factor import (
    totp_device_for,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_mark_verified,
    totp_verify,
)
from portal.backoffice.access import staff_required
from portal.departments.constants import StaffRole


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
    department = access.access_department_for_staff(user=user, code=code)
    staff = staff_list_for_department(department=department)
    can_admin = access.may_administer_staff(user=user, department=department)
    # The roles a department administrator hands out; auditing is not one of them.
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
    staff = access.access_staff_member_for_admin(actor=actor, code=code, user_id=user_id)
    role_value = request.POST.get("role", "")
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


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Second step of a staff sign-in: a code from the authenticator app (enrol on first use)."""
    user = request.user
    if not isinstance(user, User) or not user.is_department_staff:
        return redirect_to_login(request.get_full_path())
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("backoffice:home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("backoffice:home")
    confirmed = totp_device_for(user=user)
    enrolling = confirmed is None
    device = totp_enrolment_start(user=user) if confirmed is None else confirmed
    token = request.POST.get("token", "").strip()
    error = ""
    if request.method == "POST":
        ok = (
            totp_enrolment_confirm(user=user, device=device, token=token)
            if enrolling
            else totp_verify(device=device, token=token)
        )
        if ok:
            totp_mark_verified(request=request, device=device)
            return redirect(next_url)
        error = _("That code is not right. Enter the 6 digits your app shows now.")
    qr_svg = ""
    if enrolling:
        qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(
        request,
        "backoffice/two_factor.html",
        {
            "enrolling": enrolling,
            "qr_svg": qr_svg,
            "secret": b32encode(device.bin_key).decode() if enrolling else "",
            "next": next_url,
            "error": error,
        },
        status=400 if error else 200,
    )
