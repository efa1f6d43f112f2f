from django.urls import URLPattern, URLResolver, path

from portal.services.api import views

app_name = "services_api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("applications/", views.ApplicationListApi.as_view(), name="application_list"),
    path(
        "applications/<str:number>/",
        views.ApplicationDetailApi.as_view(),
        name="application_detail",
    ),
    path(
        "applications/<str:number>/transitions/",
        views.ApplicationTransitionApi.as_view(),
        name="application_transition",
    ),
]
