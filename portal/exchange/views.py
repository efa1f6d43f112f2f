"""Pages of the exchange: "who used my data" for people and firms, and the back office."""

import csv
import io
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ledger import completeness, subject_log
from ledger.models import ReadDetails
from ledger.subject_log import LoggedRead
from portal.accounts.models import Firm, User
from portal.backoffice.access import staff_required
from portal.core.forms import post_data, post_files
from portal.exchange import access, selectors, services, unsealing
from portal.exchange.constants import GrantStatus, PurposeKind
from portal.exchange.data_uses import data_use_rows
from portal.exchange.forms import (
    GrantDecisionForm,
    GrantRequestForm,
    ReadForm,
    RecordImportForm,
    UnsealForm,
)
from portal.exchange.verifier_text import verifier_strings

PAGE_SIZE = 20
# Rows of "who used my data" per page: the browser checks a page of 50 in well under a second.
DATA_USE_PAGE_SIZE = 50


def _subject_of(request: HttpRequest) -> tuple[str, Firm | None]:
    """Whose data the signed-in person may see: their own, or the firm they act for."""
    return access.data_use_subject_for(user=request.user, rep=getattr(request, "acting_for", None))


def _reads_page(
    request: HttpRequest, identifier: str
) -> tuple[Page[ReadDetails], list[LoggedRead]]:
    """The page of the person's reads asked for (``?page=``), resolved against the log."""
    qs = subject_log.subject_read_list(identifier=identifier)
    page = Paginator(qs, DATA_USE_PAGE_SIZE).get_page(request.GET.get("page"))
    return page, subject_log.logged_reads(list(page.object_list))


@login_required
@require_GET
def data_uses(request: HttpRequest) -> HttpResponse:
    """Every read of my (or my firm's) data as the ledger holds it, newest first.

    Rendered from the log (labels → entries → committed details); each row is then checked
    in the person's browser by static/ledger/data-uses.js against the pinned policy.
    """
    identifier, firm = _subject_of(request)
    page, reads = _reads_page(request, identifier)
    english = get_language() == "en"
    rows = data_use_rows(reads=reads, english=english)
    return render(
        request,
        "exchange/data_uses.html",
        {
            "page": page,
            "rows": rows,
            "firm": firm,
            "verifier_strings": verifier_strings(),
            "origin": settings.LEDGER_ORIGIN,
            "completeness_ready": completeness.completeness_ready(),
        },
    )


@login_required
@require_GET
def data_use_verification(request: HttpRequest) -> HttpResponse:
    """The person's own verification data for one page of rows (JSON, never cached).

    Same access rule and the same rows as the page; ``?since=N`` asks for a consistency
    proof from tree size N (the checkpoint the browser saw last) to the checkpoint sent.
    """
    identifier, _firm = _subject_of(request)
    since_text = request.GET.get("since")
    since = None
    if since_text is not None:
        if not since_text.isascii() or not since_text.isdigit() or int(since_text) < 1:
            return _no_store(
                JsonResponse(
                    {
                        "type": "about:blank",
                        "title": _("Bad request"),
                        "status": 400,
                        "detail": _("since must be a tree size (a whole number from 1)."),
                    },
                    status=400,
                    content_type="application/problem+json",
                )
            )
        since = int(since_text)
    _page, reads = _reads_page(request, identifier)
    data = subject_log.subject_verification(identifier=identifier, reads=reads, since=since)
    return _no_store(JsonResponse(data))


@login_required
@require_GET
@gzip_page
def data_use_completeness(request: HttpRequest) -> HttpResponse:
    """The person's own completeness proof (``data-uses-completeness/v1``, JSON, never cached).

    Same access rule as the page: only the signed-in person's (or their firm's) own subject.
    Sent gzip-compressed when the browser accepts it (about 40 % smaller: base64 of hashes);
    nothing the requester sends is reflected in it, so compression reveals nothing (BREACH).
    ``?log_size=N`` names the access-log checkpoint the rows were checked against;
    ``?download=1`` serves it as a file for ``python -m ledger.verify --completeness``.
    """
    identifier, _firm = _subject_of(request)
    size_text = request.GET.get("log_size")
    if size_text is not None and (not size_text.isascii() or not size_text.isdigit()):
        return _no_store(
            JsonResponse(
                {
                    "type": "about:blank",
                    "title": _("Bad request"),
                    "status": 400,
                    "detail": _("log_size must be a tree size (a whole number)."),
                },
                status=400,
                content_type="application/problem+json",
            )
        )
    try:
        data = completeness.subject_completeness(
            identifier=identifier, log_size=None if size_text is None else int(size_text)
        )
    except completeness.CompletenessNotReady:
        return _no_store(
            JsonResponse(
                {
                    "type": "about:blank",
                    "title": _("Not yet available"),
                    "status": 404,
                    "detail": _("The label index has not been published yet; try shortly."),
                },
                status=404,
                content_type="application/problem+json",
            )
        )
    response = _no_store(JsonResponse(data))
    if request.GET.get("download") == "1":
        response["Content-Disposition"] = 'attachment; filename="completeness-proof.json"'
    return response


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def data_use_proof(request: HttpRequest, event_id: UUID) -> HttpResponse:
    """Download the access proof of one read (access-proof/v2: a C2SP tlog-proof, the VRF
    proof and the opened details); check it with ``python -m ledger.verify --proof FILE``."""
    identifier, _firm = _subject_of(request)
    read = subject_log.subject_read_get(identifier=identifier, event_id=event_id)
    if read is None:
        raise Http404
    try:
        proof = subject_log.subject_access_proof(identifier=identifier, read=read)
    except subject_log.ProofNotReady:
        messages.info(
            request,
            _("This read is not yet in a checkpoint co-signed by the witnesses; try shortly."),
        )
        return redirect("exchange:data_uses")
    response = _no_store(HttpResponse(proof, content_type="application/json"))
    response["Content-Disposition"] = f'attachment; filename="access-proof-{read.index}.json"'
    return response


# --- Back office -------------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User) and user.department is not None
    return user


@require_http_methods(["GET", "POST"])
@staff_required
def lookup(request: HttpRequest) -> HttpResponse:
    """Staff read another department's data through the exchange, for a stated purpose."""
    user = _staff(request)
    assert user.department is not None
    access.read_check(department=user.department, user=user)
    datasets = selectors.datasets_readable_by(department=user.department)
    initial = {k: request.GET[k] for k in ("dataset", "application", "purpose") if k in request.GET}
    may_seal = access.may_read_sealed(department=user.department, user=user)
    form = ReadForm(post_data(request), datasets=datasets, initial=initial, may_seal=may_seal)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.exchange_read(
                reader=services.Reader(department=user.department, user=user),
                dataset_code=data["dataset"].code,
                subject_identifier=data["subject"],
                fields=None,
                purpose=data["purpose"],
                application_number=data["application"],
                purpose_kind=PurposeKind(data.get("purpose_kind") or PurposeKind.ORDINARY),
                legal_order=data.get("legal_order") or "",
                unseal_by=data.get("unseal_by"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    return render(
        request, "exchange/lookup.html", {"form": form, "result": result, "may_seal": may_seal}
    )


@require_GET
@staff_required
def sealed_reads(request: HttpRequest) -> HttpResponse:
    """The department's sealed reads (still sealed first), for its investigators and
    administrators; those who may unseal early get a button to each one's confirmation."""
    user = _staff(request)
    assert user.department is not None
    access.sealed_reads_view_check(user=user, department=user.department)
    page = Paginator(
        selectors.sealed_read_list_for_department(department=user.department), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/sealed_reads.html",
        {
            "page": page,
            "may_unseal": access.may_unseal(user=user, department=user.department),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def sealed_read_unseal(request: HttpRequest, access_id: str) -> HttpResponse:
    """Confirm, then unseal one sealed read early (a plain form: works without JavaScript)."""
    user = _staff(request)
    sealed = access.access_sealed_read_for_unseal(user=user, access_id=access_id)
    # Bound on every POST, even an empty one (``request.POST or None`` would show no error).
    form = UnsealForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            unsealing.sealed_read_unseal(access_id=str(sealed.pk), actor=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The read is unsealed: the person can see it and has been told.")
            )
        return redirect("exchange:sealed_reads")
    return render(request, "exchange/sealed_read_unseal.html", {"read": sealed, "form": form})


@login_required
@require_POST
def read_notices_read(request: HttpRequest) -> HttpResponse:
    """Mark the person's notices about unsealed reads as read."""
    assert isinstance(request.user, User)
    unsealing.read_notice_mark_read(user=request.user)
    return redirect("services:notifications")


@require_GET
@staff_required
def grants(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    assert user.department is not None
    incoming = selectors.grant_list_for_owner(department=user.department)
    outgoing = selectors.grant_list_for_requester(department=user.department)
    steward = access.may_decide_grants(user=user, department=user.department)
    return render(
        request,
        "exchange/grants.html",
        {
            "incoming": incoming,
            "outgoing": outgoing,
            "steward": steward,
            "can_request": access.may_request_grants(department=user.department, user=user),
            "statuses": GrantStatus,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def grant_request(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    assert user.department is not None
    access.request_grants_check(department=user.department, user=user)
    datasets = (
        selectors.dataset_list().filter(sharing_class="conditional").exclude(owner=user.department)
    )
    form = GrantRequestForm(post_data(request), datasets=datasets)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_request(
                dataset=form.cleaned_data["dataset"],
                requester=user.department,
                fields=form.fields_list(),
                purpose=form.cleaned_data["purpose"],
                legal_basis=form.cleaned_data["legal_basis"],
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
                requested_by=user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = "fields_wanted" if field == "fields" else field
                form.add_error(target if target in form.fields else None, errors)
        else:
            messages.success(request, _("Your request was sent to the owning department."))
            return redirect("exchange:grants")
    return render(request, "exchange/grant_request.html", {"form": form})


@require_POST
@staff_required
def grant_decide(request: HttpRequest, grant_id: int) -> HttpResponse:
    user = _staff(request)
    grant = access.access_grant_for_steward(user=user, grant_id=grant_id)
    form = GrantDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or refuse."))
        return redirect("exchange:grants")
    data = form.cleaned_data
    fields = [f.strip() for f in data["fields_granted"].split(",") if f.strip()] or None
    try:
        if request.POST.get("revoke"):
            services.grant_revoke(actor=user, grant=grant, note=data["note"])
        else:
            services.grant_decide(
                actor=user,
                grant=grant,
                approve=data["approve"],
                fields=fields,
                valid_until=data["valid_until"],
                note=data["note"],
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Decision saved."))
    return redirect("exchange:grants")


@require_GET
@staff_required
def reads(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    assert user.department is not None
    reads = selectors.access_list_for_reader(
        department=user.department,
        include_sealed=access.may_see_sealed_reads(department=user.department, user=user),
    )
    page = Paginator(reads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/reads.html", {"page": page})


@require_http_methods(["GET", "POST"])
@staff_required
def records_import(request: HttpRequest, code: str) -> HttpResponse:
    """The owning department imports records from a CSV file; every bad row is reported."""
    user = _staff(request)
    assert user.department is not None
    dataset = access.access_dataset_for_maintenance(code=code, user=user)
    form = RecordImportForm(post_data(request), post_files(request))
    errors: dict[int, dict[str, list[str]]] = {}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read(5_000_000).decode("utf-8-sig")
            reader = csv.DictReader(io.StringIO(text))
            rows: list[dict[str, object]] = [
                {
                    "subject": row.get("subject", ""),
                    "data": {k: v for k, v in row.items() if k and k != "subject"},
                }
                for row in reader
            ]
        except (UnicodeDecodeError, csv.Error):
            form.add_error("file", _("Save the file as UTF-8 CSV and try again."))
        else:
            result = services.records_put_bulk(
                dataset=dataset, department=user.department, rows=rows, user=user
            )
            if result.errors:
                errors = result.errors
                messages.error(request, _("Nothing was saved: correct the rows below."))
            else:
                messages.success(
                    request,
                    ngettext("%(n)d record saved.", "%(n)d records saved.", result.saved)
                    % {"n": result.saved},
                )
                return redirect("exchange:datasets")
    return render(
        request,
        "exchange/records_import.html",
        {"dataset": dataset, "form": form, "errors": errors},
    )


@require_GET
@staff_required
def datasets(request: HttpRequest) -> HttpResponse:
    return render(request, "exchange/datasets.html", {"datasets": selectors.dataset_list()})
