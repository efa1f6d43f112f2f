from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts import access
from portal.accounts.authentication_policy import page_rate_exceeded, too_many_response
from portal.accounts.models import User
from portal.accounts.selectors import staff_list_for_department
from portal.accounts.services import staff_role_set
from portal.accounts.two_factor import (
    totp_device_for,
    totp_enrolment_confirm,
    totp_enrolment_device,
    totp_mark_verified,
    totp_verify,
    two_factor_activation_issue,
    two_factor_activation_redeem,
    uses_authenticator,
)
from portal.backoffice.access import staff_required
from portal.backoffice.tiles import tiles_for
from portal.core.bilingual import with_content
from portal.departments.access import audit_scope_for
from portal.departments.constants import StaffRole
from portal.departments.models import Department


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    roles = [StaffRole(g.name).label for g in user.groups.all() if g.name in StaffRole.values]
    scope = audit_scope_for(user=user)
    audited = (
        Department.objects.filter(pk__in=scope.department_ids).order_by("code")
        if scope.department_ids
        else Department.objects.none()
    )
    return render(
        request,
        "backoffice/home.html",
        {
            "department": user.department,
            "roles": roles,
            "audit_scope": scope,
            "audited": audited,
            "tiles": tiles_for(user=user),
        },
    )


@require_GET
@staff_required
def department_staff(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    department = access.access_department_for_staff(user=user, code=code)
    staff = staff_list_for_department(department=department)
    can_admin = access.may_administer_staff(user=user, department=department)
    # Each person with the names of their roles (never the groups' raw keys).
    rows = [
        (
            person,
            [StaffRole(g.name).label for g in person.groups.all() if g.name in StaffRole.values],
        )
        for person in staff
    ]
    # The roles a department administrator hands out; auditing is not one of them.
    return render(
        request,
        "backoffice/department_staff.html",
        {
            "department": department,
            "staff": staff,
            "rows": rows,
            "roles": StaffRole,
            "can_admin": can_admin,
        },
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
    messages.success(request, with_content(_("Roles of %(name)s updated."), name=staff))
    return redirect("backoffice:department_staff", code=code)


ENROLMENT_SESSION_KEY = "two_factor_enrolment_device"


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Second step of a staff or admin sign-in: a code from the authenticator app.

    The first time, an activation code from the department administrator (or the operator)
    is asked before the QR code is shown, so the password alone cannot enrol a phone.
    """
    user = request.user
    if not isinstance(user, User) or not uses_authenticator(user=user):
        return redirect_to_login(request.get_full_path(), login_url=reverse("backoffice:sign_in"))
    default_next = reverse("backoffice:home" if user.is_department_staff else "admin:index")
    next_url = request.POST.get("next") or request.GET.get("next") or default_next
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = default_next
    error = ""
    device = totp_device_for(user=user)
    stage = "verify"
    if device is None:
        device = totp_enrolment_device(
            user=user, device_id=request.session.get(ENROLMENT_SESSION_KEY)
        )
        stage = "enrol"
    if device is None:
        stage = "activate"
        if request.method == "POST":
            # Attempts at an activation code are limited per account and client address.
            wait = page_rate_exceeded(
                request, scope="two_factor_activation", per=f"account:{user.pk}"
            )
            if wait is not None:
                return too_many_response(
                    request,
                    wait_seconds=wait,
                    message=_(
                        "Too many activation codes were tried from here. Wait a while, or ask "
                        "your department administrator for a new code."
                    ),
                )
            unlocked = two_factor_activation_redeem(
                user=user, code=request.POST.get("activation_code", "")
            )
            if unlocked is not None:
                request.session[ENROLMENT_SESSION_KEY] = unlocked.pk
                return redirect(
                    f"{reverse('backoffice:two_factor')}?{urlencode({'next': next_url})}"
                )
            error = _(
                "That activation code is not valid: it may be mistyped, already used or "
                "expired. Ask your department administrator for a new one."
            )
    elif request.method == "POST":
        token = request.POST.get("token", "").strip()
        ok = (
            totp_enrolment_confirm(user=user, device=device, token=token)
            if stage == "enrol"
            else totp_verify(device=device, token=token)
        )
        if ok:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            totp_mark_verified(request=request, device=device)
            return redirect(next_url)
        error = _("That code is not right. Enter the 6 digits your app shows now.")
    qr_svg = secret = ""
    if stage == "enrol" and device is not None:
        qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
        secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "backoffice/two_factor.html",
        {
            "stage": stage,
            "enrolling": stage == "enrol",
            "qr_svg": qr_svg,
            "secret": secret,
            "next": next_url,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
@staff_required
def staff_activation_issue(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    """A department administrator issues a one-time authenticator activation code (shown once)."""
    actor = request.user
    assert isinstance(actor, User)
    staff = access.access_staff_member_for_admin(actor=actor, code=code, user_id=user_id)
    activation_code = two_factor_activation_issue(user=staff, issued_by=actor)
    response = render(
        request,
        "backoffice/activation_code.html",
        {
            "staff_member": staff,
            "department": staff.department,
            "activation_code": activation_code,
            "hours": settings.STAFF_ACTIVATION_CODE_HOURS,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
