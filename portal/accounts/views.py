from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.authentication_policy import page_rate_exceeded, too_many_response
from portal.accounts.constants import ACTING_AS_SESSION_KEY
from portal.accounts.forms import ActAsForm, SignUpForm
from portal.accounts.models import User
from portal.accounts.selectors import representation_get, representation_list_for_user
from portal.accounts.services import citizen_sign_up_submit
from portal.core.bilingual import with_content
from portal.core.forms import post_data
from portal.core.site import site_url


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Citizen sign-up. Every accepted sign-up ends on the same page, whether or not the
    identity number already had an account (its owner is told by e-mail): the page does not
    reveal who is registered. Sign-ups are limited per client address (``sign_up`` rate)."""
    if request.user.is_authenticated:
        return redirect("core:home")
    if request.method == "POST":
        wait = page_rate_exceeded(request, scope="sign_up")
        if wait is not None:
            return too_many_response(
                request,
                wait_seconds=wait,
                message=_(
                    "Too many sign-ups from your network. Please try again in %(minutes)d minutes."
                )
                % {"minutes": max(1, wait // 60)},
            )
    form = SignUpForm(post_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            citizen_sign_up_submit(
                username=data["username"],
                password=data["password1"],
                real_name=data["real_name"],
                id_number=data["id_number"],
                email=data["email"],
                phone=data["phone"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return HttpResponseRedirect(reverse("accounts:sign_up_done"), status=303)
    return render(
        request, "accounts/sign_up.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET"])
def sign_up_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/sign_up_done.html")


@login_required
@require_http_methods(["GET"])
def act_as_choose(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    reps = representation_list_for_user(user=request.user)
    return render(request, "accounts/act_as.html", {"representations": reps})


@login_required
@require_POST
def act_as_switch(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = ActAsForm(request.POST)
    firm_id = form.cleaned_data.get("firm_id") if form.is_valid() else None
    if firm_id is None:
        request.session.pop(ACTING_AS_SESSION_KEY, None)
        messages.info(request, _("You now act for yourself."))
        return redirect("core:home")
    rep = representation_get(user=request.user, firm_id=firm_id)
    if rep is None:
        messages.error(request, _("You are not registered to act for that firm."))
        return HttpResponseRedirect(reverse("accounts:act_as"), status=303)
    request.session[ACTING_AS_SESSION_KEY] = rep.firm_id
    messages.success(request, with_content(_("You now act for %(firm)s."), firm=rep.firm.name))
    return redirect("core:home")


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset (which never says whether an address is known), limited per
    client address (``password_reset`` rate) so that it cannot be used to flood mailboxes."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = page_rate_exceeded(request, scope="password_reset")
        if wait is not None:
            return too_many_response(
                request,
                wait_seconds=wait,
                message=_(
                    "Too many password reset requests from your network. Please try again in "
                    "%(minutes)d minutes."
                )
                % {"minutes": max(1, wait // 60)},
            )
        # The link in the e-mail points at the configured public address, not at whatever
        # host the request named.
        self.extra_email_context = {"site_url": site_url()}
        return super().post(request, *args, **kwargs)
