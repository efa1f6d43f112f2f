from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from portal.composition import health
from portal.composition.metrics import metrics_view

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("", include("portal.composition.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("", include("portal.exchange.urls")),
    path("", include("portal.services.urls")),
    path("policies/", include("policies.urls")),
    path("backoffice/", include("portal.backoffice.urls")),
    path("admin/", admin.site.urls),
    path("ledger/", include("ledger.urls")),
    path("api/v1/ledger/", include("ledger.api.urls")),
    path("api/v1/exchange/", include("portal.exchange.api.urls")),
    path("api/v1/services/", include("portal.services.api.urls")),
    path("api/v1/policies/", include("policies.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/schema/", SpectacularAPIView.as_view(api_version="1"), name="api-schema"),
    path(
        "api/v1/docs/",
        SpectacularRedocView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]
