from django.urls import path

from portal.exchange.api import views

urlpatterns = [
    path("datasets/", views.DatasetListApi.as_view(), name="exchange-datasets"),
    path("datasets/<str:code>/records", views.RecordPutApi.as_view(), name="exchange-record"),
    path(
        "datasets/<str:code>/records/bulk",
        views.RecordsBulkApi.as_view(),
        name="exchange-records-bulk",
    ),
    path("read", views.ExchangeReadApi.as_view(), name="exchange-read"),
    path("grants/", views.GrantListApi.as_view(), name="exchange-grants"),
    path("grants/request", views.GrantRequestApi.as_view(), name="exchange-grant-request"),
    path(
        "grants/<int:grant_id>/decision",
        views.GrantDecideApi.as_view(),
        name="exchange-grant-decide",
    ),
    path(
        "grants/<int:grant_id>/revoke", views.GrantRevokeApi.as_view(), name="exchange-grant-revoke"
    ),
    path("accesses/", views.AccessListApi.as_view(), name="exchange-accesses"),
]
