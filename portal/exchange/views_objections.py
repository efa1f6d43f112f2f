"""Pages of objections to data accesses: the person files one, follows it and reads the
answer; the reading department (and, after the deadline, the auditors) review and answer.

Who may see and do what is decided in ``portal.exchange.access``; the writes are the
services of ``portal.exchange.objections``.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.models import FirmRepresentative, User
from portal.backoffice.access import staff_required
from portal.core.forms import post_data
from portal.exchange import access, selectors
from portal.exchange.constants import ObjectionStatus
from portal.exchange.forms import ObjectionAnswerForm, ObjectionForm
from portal.exchange.models import Objection
from portal.exchange.objections import (
    objection_answer,
    objection_notices_mark_read,
    objection_raise,
    objection_review_start,
)
from portal.services.workdays import working_days_between

PAGE_SIZE = 20
STEPS = (ObjectionStatus.RECEIVED, ObjectionStatus.UNDER_REVIEW, ObjectionStatus.ANSWERED)


def _rep(request: HttpRequest) -> FirmRepresentative | None:
    """The firm the person acts for (set and re-checked by the middleware), if any."""
    rep = getattr(request, "acting_for", None)
    return rep if isinstance(rep, FirmRepresentative) else None


def _person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _progress(objection: Objection) -> list[dict[str, object]]:
    """The lifecycle as steps, each reached or not (``services/_progress.html``)."""
    reached = STEPS.index(ObjectionStatus(objection.status))
    return [{"label": s.label, "reached": n <= reached} for n, s in enumerate(STEPS)]


def _due(objection: Objection) -> dict[str, object]:
    """The deadline in words: working days left, or passed (and escalated)."""
    if objection.status == ObjectionStatus.ANSWERED:
        return {"state": "answered", "left": 0}
    left = working_days_between(timezone.localdate(), objection.due_on)
    return {"state": "overdue" if left < 0 else "ok", "left": max(left, 0)}


@dataclass(frozen=True)
class Happened:
    at: dt.datetime
    what: str


def _timeline(objection: Objection) -> list[Happened]:
    """What happened, when, in order (from the objection's own timestamps)."""
    rows = [Happened(objection.created_at, _("Received"))]
    if objection.review_started_at is not None:
        rows.append(Happened(objection.review_started_at, _("Review started")))
    if objection.escalated_at is not None:
        rows.append(Happened(objection.escalated_at, _("Deadline passed: sent to the auditors")))
    if objection.responded_at is not None:
        rows.append(Happened(objection.responded_at, _("Answered")))
    return sorted(rows, key=lambda r: r.at)


# --- The person's pages -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def objection_new(request: HttpRequest, access_id: str) -> HttpResponse:
    """Object to one access of my (or my firm's) data; an open objection is shown instead."""
    found = access.access_data_use(user=request.user, rep=_rep(request), access_id=access_id)
    mine = access.objections_of_person(user=request.user, rep=_rep(request))
    existing = selectors.objection_for_access(objections=mine, access_id=str(found.pk))
    if existing is not None and existing.is_open:
        messages.info(request, _("You have already objected to this access; here is where it is."))
        return redirect(existing)
    form = ObjectionForm(post_data(request))
    if request.method == "POST" and form.is_valid():
        _identifier, firm = access.data_use_subject_for(user=request.user, rep=_rep(request))
        try:
            objection = objection_raise(
                access=found,
                user=_person(request),
                text=form.cleaned_data["text"],
                firm_id=firm.pk if firm else None,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("exchange:objection_filed", reference=objection.reference)
    return render(
        request,
        "exchange/object.html",
        {
            "access": found,
            "form": form,
            "previous": existing,
            "objection_days": settings.EXCHANGE_OBJECTION_DAYS,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def objection_filed(request: HttpRequest, reference: str) -> HttpResponse:
    """The confirmation: reference number, what happens next and by when, how to follow it."""
    objection = access.access_own_objection(
        user=request.user,
        rep=_rep(request),
        reference=reference,
    )
    return render(
        request,
        "exchange/objection_filed.html",
        {"objection": objection, "email": _person(request).email},
    )


@login_required
@require_GET
def my_objections(request: HttpRequest) -> HttpResponse:
    """My (or my firm's) objections, newest first, each with its status and deadline."""
    mine = access.objections_of_person(user=request.user, rep=_rep(request))
    page = Paginator(selectors.objection_list_for_person(objections=mine), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _identifier, firm = access.data_use_subject_for(user=request.user, rep=_rep(request))
    return render(request, "exchange/my_objections.html", {"page": page, "firm": firm})


@login_required
@require_GET
def objection_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """Status, deadline, what happened, the answer; opening it marks its notices read."""
    objection = access.access_own_objection(
        user=request.user,
        rep=_rep(request),
        reference=reference,
    )
    objection_notices_mark_read(user=_person(request), objection=objection)
    return render(
        request,
        "exchange/objection_detail.html",
        {
            "objection": objection,
            "progress": _progress(objection),
            "due": _due(objection),
            "events": _timeline(objection),
        },
    )


def _add_errors(form: ObjectionForm | ObjectionAnswerForm, exc: ValidationError) -> None:
    """A service's refusal, next to its field or at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- Back office ---------------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User) and user.department is not None
    return user


@require_GET
@staff_required
def objections(request: HttpRequest) -> HttpResponse:
    """The objections the staff member sees: open first, the nearest deadline first."""
    user = _staff(request)
    queue = selectors.objection_queue(visible=access.objections_visible_to(user=user))
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "exchange/objections.html", {"page": page, "today": today})


@require_http_methods(["GET", "POST"])
@staff_required
def staff_objection(request: HttpRequest, reference: str) -> HttpResponse:
    """One objection: the access, the person's words; take it under review, answer it."""
    user = _staff(request)
    objection = access.access_objection_for_staff(user=user, reference=reference)
    may_handle = access.may_handle_objection(user=user, objection=objection)
    form = ObjectionAnswerForm(request.POST if request.POST.get("action") == "answer" else None)
    if request.method == "POST":
        access.handle_objection_check(user=user, objection=objection)
        action = request.POST.get("action")
        try:
            if action == "review":
                objection_review_start(actor=user, objection=objection)
                messages.success(
                    request, _("You took the objection under review; the person was told.")
                )
                return redirect("exchange:staff_objection", reference=reference)
            if action == "answer" and form.is_valid():
                objection_answer(
                    actor=user, objection=objection, response=form.cleaned_data["response"]
                )
                messages.success(request, _("Your answer was sent to the person."))
                return redirect("exchange:staff_objection", reference=reference)
            if action not in {"review", "answer"}:
                form.add_error(None, _("Choose what to do with the objection."))
        except ValidationError as exc:
            _add_errors(form, exc)
        objection.refresh_from_db()
    return render(
        request,
        "exchange/staff_objection.html",
        {
            "objection": objection,
            "form": form,
            "may_handle": may_handle,
            "progress": _progress(objection),
            "due": _due(objection),
            "events": _timeline(objection),
        },
        status=400 if form.errors else 200,
    )
