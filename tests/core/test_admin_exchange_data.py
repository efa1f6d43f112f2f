"""The Django admin never shows data read through the exchange, by any route (hole 15).

The operator's superuser browsing firm profiles, materials, applications or awards would
read exchange-derived data without a ledger entry; those fields are left out of forms,
read-only fields, lists, search, inlines and query-string filters.
"""

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin, ModelAdmin
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from policies.models import FirmProfile
from portal.accounts.models import User
from portal.core.admin_privacy import EXCHANGE_DERIVED_FIELDS, derived_fields_of
from portal.exchange.models import Objection
from portal.services.constants import ApplicationStatus, MaterialSource
from portal.services.models import Application, DecisionDocument, Evaluation, Material
from tests.factories import make_application, make_citizen, make_department, make_firm, make_service

pytestmark = pytest.mark.django_db

AnyAdmin = ModelAdmin[Any] | InlineModelAdmin[Any, Any]

SECRET = "秘密值-4711"


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root", "root@example.cn", "Root-Pass-2026")


def _names(values: object) -> set[str]:
    out: set[str] = set()
    for v in values or ():  # type: ignore[attr-defined]  # any sequence of admin field specs
        if isinstance(v, str):
            out.add(v.lstrip("^=@").split("__")[0])
        elif isinstance(v, list | tuple):
            out |= _names(v)
    return out


def _check(model_admin: "AnyAdmin", request: HttpRequest) -> list[str]:
    hidden = derived_fields_of(model_admin.model)
    if not hidden:
        return []
    label = model_admin.model._meta.label_lower
    found = []
    shown = _names(model_admin.get_fields(request))
    shown |= _names(model_admin.get_readonly_fields(request))
    if isinstance(model_admin, ModelAdmin):
        shown |= _names(model_admin.get_list_display(request))
        shown |= _names(model_admin.get_search_fields(request))
        shown |= _names(model_admin.list_filter)
        for field in hidden:
            if model_admin.lookup_allowed(f"{field}__icontains", SECRET, request):
                found.append(f"{label}: filter on {field}")
    form = model_admin.get_form(request) if isinstance(model_admin, ModelAdmin) else None
    if form is not None:
        shown |= set(form.base_fields)
    found += [f"{label}: shows {field}" for field in sorted(hidden & shown)]
    return found


def test_no_admin_shows_exchange_derived_fields(superuser: User) -> None:
    """Every registered admin and inline of a model with such fields leaves them out."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    problems: list[str] = []
    registered = set()
    for model, model_admin in admin.site._registry.items():
        registered.add(model._meta.label_lower)
        problems += _check(model_admin, request)
        for inline in model_admin.get_inline_instances(request):
            problems += _check(inline, request)
    assert problems == []
    # The list names real, registered models and real fields.
    for label, fields in EXCHANGE_DERIVED_FIELDS.items():
        assert label in registered, label
        model = next(m for m in admin.site._registry if m._meta.label_lower == label)
        assert fields <= {f.name for f in model._meta.get_fields()}, label


def test_change_pages_and_filters_do_not_reveal_the_values(superuser: User) -> None:
    """The superuser's pages do not contain the value; filtering on the field is refused."""
    department = make_department()
    service = make_service(department, for_firms=True)
    firm = make_firm()
    application = make_application(service, make_citizen(), status=ApplicationStatus.SUBMITTED)
    Application.objects.filter(pk=application.pk).update(data={"revenue": SECRET})
    material = Material.objects.create(
        application=application,
        requirement_code="proof",
        source=MaterialSource.EXCHANGE,
        exchange_dataset="x.y",
        exchange_data=[["营业收入", SECRET]],
    )
    profile = FirmProfile.objects.create(
        firm=firm,
        values={"revenue": SECRET},
        sources={"revenue": SECRET},
        refreshed_at=timezone.now(),
    )
    client = Client()
    client.force_login(superuser)
    pages = [
        reverse("admin:services_material_change", args=[material.pk]),
        reverse("admin:services_material_changelist"),
        reverse("admin:services_application_change", args=[application.pk]),
        reverse("admin:policies_firmprofile_change", args=[profile.pk]),
        reverse("admin:policies_firmprofile_changelist"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    for url, lookup in [
        (reverse("admin:services_material_changelist"), "exchange_data__icontains"),
        (reverse("admin:policies_firmprofile_changelist"), "values__icontains"),
        (reverse("admin:services_application_changelist"), "data__icontains"),
        (reverse("admin:services_application_changelist"), "materials__exchange_data__icontains"),
    ]:
        response = client.get(url, {lookup: "秘密"})
        # Django answers a refused lookup with 400 (or drops it with ?e=1): never the rows.
        assert response.status_code in (302, 400), (url, lookup, response.status_code)


def test_the_admin_does_not_bypass_the_workflow(superuser: User) -> None:
    """Objections, ratings, materials and decision documents are not added or changed in the
    admin: answering, replying, uploading and issuing go through the services' access rules."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model in (Objection, Evaluation, Material, DecisionDocument):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
