"""Pages of the exchange: "who used my data" for people and firms, and the back office."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ledger.core.bundle import bundle_to_json
from ledger.models import Entry
from ledger.selectors import LedgerQueryError, export_bundle
from portal.accounts.models import Firm, User
from portal.backoffice.access import staff_required
from portal.exchange import access, selectors, services
from portal.exchange.constants import GrantStatus
from portal.exchange.forms import (
    GrantDecisionForm,
    GrantRequestForm,
    ReadForm,
    RecordImportForm,
)
from portal.exchange.models import Access

PAGE_SIZE = 20


def _subject_of(request: HttpRequest) -> tuple[str, Firm | None]:
    """Whose data the signed-in person may see: their own, or the firm they act for."""
    return access.data_use_subject_for(user=request.user, rep=getattr(request, "acting_for", None))


def _own_access(request: HttpRequest, access_id: str) -> Access:
    return access.access_data_use(
        user=request.user, rep=getattr(request, "acting_for", None), access_id=access_id
    )


@login_required
@require_GET
def data_uses(request: HttpRequest) -> HttpResponse:
    """Every access to my (or my firm's) data, newest first, each with its ledger proof mark."""
    identifier, firm = _subject_of(request)
    qs = selectors.access_list_for_subject(identifier=identifier)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.with_inclusion_marks(list(page.object_list))
    return render(request, "exchange/data_uses.html", {"page": page, "rows": rows, "firm": firm})


@login_required
@require_GET
def data_use_proof(request: HttpRequest, access_id: str) -> HttpResponse:
    """Download the ledger bundle proving this access: verify with ``python -m ledger.verify``."""
    access = _own_access(request, access_id)
    index = Entry.objects.filter(event_id=access.ledger_event_id).values_list("index", flat=True)
    if not index:
        messages.info(request, _("This access is still being written to the ledger; try shortly."))
        return redirect("exchange:data_uses")
    try:
        bundle = export_bundle(start=index[0], end=index[0] + 1)
    except LedgerQueryError:
        messages.info(
            request, _("The next ledger checkpoint will include this access; try shortly.")
        )
        return redirect("exchange:data_uses")
    response = HttpResponse(bundle_to_json(bundle), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="ledger-proof-{index[0]}.json"'
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
    form = ReadForm(request.POST or None, datasets=datasets, initial=initial)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.exchange_read(
                reader=services.Reader(department=user.department, user=user),
                dataset_code=form.cleaned_data["dataset"].code,
                subject_identifier=form.cleaned_data["subject"],
                fields=None,
                purpose=form.cleaned_data["purpose"],
                application_number=form.cleaned_data["application"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    return render(request, "exchange/lookup.html", {"form": form, "result": result})


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
        {"incoming": incoming, "outgoing": outgoing, "steward": steward, "statuses": GrantStatus},
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
    form = GrantRequestForm(request.POST or None, datasets=datasets)
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
    page = Paginator(
        selectors.access_list_for_reader(department=user.department), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "exchange/reads.html", {"page": page})


@require_http_methods(["GET", "POST"])
@staff_required
def records_import(request: HttpRequest, code: str) -> HttpResponse:
    """The owning department imports records from a CSV file; every bad row is reported."""
    user = _staff(request)
    assert user.department is not None
    dataset = access.access_dataset_for_maintenance(code=code, user=user)
    form = RecordImportForm(request.POST or None, request.FILES or None)
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
                messages.success(request, _("%(n)d records saved.") % {"n": result.saved})
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
