"""The catalogue and each service's guide, where an application is started."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.models import User
from portal.exchange.models import Dataset
from portal.services import selectors, services
from portal.services.constants import ThemeKind
from portal.services.forms import SearchForm
from portal.services.schema import localized
from portal.services.views.common import PAGE_SIZE, _own_application, _person


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Browse by department, topic and life event; search in Chinese or English."""
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.service_list(
        department_code=filters.get("department", ""),
        theme_code=filters.get("theme", ""),
        query=filters.get("q", ""),
        applicant_kind=filters.get("kind", ""),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    themes = list(selectors.theme_list())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/catalogue.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "departments": selectors.department_list_with_services(),
            "topics": [t for t in themes if t.kind == ThemeKind.TOPIC],
            "life_events": [t for t in themes if t.kind == ThemeKind.LIFE_EVENT],
            "page_query": query.urlencode(),
        },
    )


@require_GET
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The guide (办事指南) of one service, with the way to apply."""
    service = selectors.service_get(code=code)
    if service is None:
        raise Http404
    datasets = {
        d.code: d
        for d in Dataset.objects.select_related("owner").filter(
            code__in=[m.get("exchange_dataset") for m in service.materials]
        )
    }
    materials = []
    for m in service.materials:
        dataset = datasets.get(str(m.get("exchange_dataset") or ""))
        materials.append(
            {
                "name": localized(m, "name"),
                "required": m.get("required"),
                "dataset": dataset,
                "owner_name": localized(vars(dataset.owner), "name") if dataset else "",
            }
        )
    acting_for = getattr(request, "acting_for", None)
    user = request.user
    draft = (
        services.application_draft_find(
            service=service,
            applicant=user,
            firm=acting_for.firm if acting_for is not None else None,
        )
        if isinstance(user, User) and user.is_citizen
        else None
    )
    return render(
        request,
        "services/service_detail.html",
        {
            "service": service,
            "draft": draft,
            "materials": materials,
            "steps": [localized(p, "name") for p in service.process_steps],
            "acting_for": acting_for,
        },
    )


@login_required
@require_POST
def application_start(request: HttpRequest, code: str) -> HttpResponse:
    """ "Apply online": resume one's draft of this service, or start one (for oneself, or
    for the firm one acts for). ``again`` names an earlier application to start from."""
    user, acting_for = _person(request)
    service = selectors.service_get(code=code)
    if service is None:
        raise Http404
    again = request.POST.get("again", "")
    copy_from = _own_application(request, again) if again else None
    try:
        application, resumed = services.application_draft_open(
            service=service,
            applicant=user,
            firm=acting_for.firm if acting_for is not None else None,
            copy_from=copy_from,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("services:service_detail", code=code)
    if resumed:
        messages.info(
            request,
            _("You already have a draft of this service (%(number)s): continue where you left off.")
            % {"number": application.number},
        )
        return redirect("services:application_detail", number=application.number)
    messages.success(
        request,
        _("Application %(number)s started; it is saved as a draft as you go.")
        % {"number": application.number},
    )
    return redirect("services:application_step", number=application.number, step=0)
