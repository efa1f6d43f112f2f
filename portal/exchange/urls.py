from django.urls import path

from portal.exchange import views

app_name = "exchange"

urlpatterns = [
    path("my/data-uses/", views.data_uses, name="data_uses"),
    path(
        "my/data-uses/verification.json",
        views.data_use_verification,
        name="data_use_verification",
    ),
    path("my/data-uses/<uuid:event_id>/proof", views.data_use_proof, name="data_use_proof"),
    path("my/data-uses/<uuid:access_id>/object", views.data_use_object, name="data_use_object"),
    path("backoffice/exchange/lookup/", views.lookup, name="lookup"),
    path("backoffice/exchange/datasets/", views.datasets, name="datasets"),
    path(
        "backoffice/exchange/datasets/<str:code>/import/",
        views.records_import,
        name="records_import",
    ),
    path("backoffice/exchange/grants/", views.grants, name="grants"),
    path("backoffice/exchange/grants/request/", views.grant_request, name="grant_request"),
    path(
        "backoffice/exchange/grants/<int:grant_id>/decide/", views.grant_decide, name="grant_decide"
    ),
    path("backoffice/exchange/reads/", views.reads, name="reads"),
    path("backoffice/exchange/objections/", views.objections, name="objections"),
]
