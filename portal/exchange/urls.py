from django.urls import path

from portal.exchange import views, views_objections, views_transparency

app_name = "exchange"

urlpatterns = [
    path("my/data-uses/", views.data_uses, name="data_uses"),
    path(
        "my/data-uses/verification.json",
        views.data_use_verification,
        name="data_use_verification",
    ),
    path(
        "my/data-uses/completeness.json",
        views.data_use_completeness,
        name="data_use_completeness",
    ),
    path("my/data-uses/<uuid:event_id>/proof", views.data_use_proof, name="data_use_proof"),
    # The data-uses page links each access here; an open objection to it is shown instead.
    path(
        "my/data-uses/<uuid:access_id>/object",
        views_objections.objection_new,
        name="data_use_object",
    ),
    path("my/objections/", views_objections.my_objections, name="my_objections"),
    path(
        "my/objections/<str:reference>/",
        views_objections.objection_detail,
        name="objection_detail",
    ),
    path(
        "my/objections/<str:reference>/filed",
        views_objections.objection_filed,
        name="objection_filed",
    ),
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
    path("backoffice/exchange/objections/", views_objections.objections, name="objections"),
    path(
        "backoffice/exchange/objections/<str:reference>/",
        views_objections.staff_objection,
        name="staff_objection",
    ),
    path("backoffice/exchange/sealed/", views.sealed_reads, name="sealed_reads"),
    path(
        "backoffice/exchange/sealed/<uuid:access_id>/unseal",
        views.sealed_read_unseal,
        name="sealed_read_unseal",
    ),
    path("my/notifications/unsealed/read", views.read_notices_read, name="read_notices_read"),
    # Public (no sign-in): the transparency report and the sealed reads.
    path("transparency/", views_transparency.report, name="transparency_report"),
    path("transparency/report.csv", views_transparency.report_csv, name="transparency_report_csv"),
    path("transparency/sealed/", views_transparency.sealed, name="transparency_sealed"),
]
