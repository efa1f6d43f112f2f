from django.urls import URLPattern, URLResolver, path

from policies import views

app_name = "policies"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("<int:policy_id>/", views.detail, name="detail"),
    path("<int:policy_id>/rate/", views.rate, name="rate"),
    path("<int:policy_id>/apply/", views.apply, name="apply"),
    path("for-me/", views.for_me, name="for_me"),
    path("for-me/refresh/", views.for_me_refresh, name="for_me_refresh"),
    path("for-me/declare/", views.declare, name="declare"),
    path("for-me/notices/", views.notices, name="notices"),
    path("for-me/notices/read/", views.notices_read, name="notices_read"),
    path("awards/<int:award_id>/decline/", views.award_decline, name="award_decline"),
    path("backoffice/", views.bo_list, name="bo_list"),
    path("backoffice/new/", views.bo_new, name="bo_new"),
    path("backoffice/import/", views.bo_import, name="bo_import"),
    path("backoffice/<int:policy_id>/", views.bo_detail, name="bo_detail"),
    path("backoffice/<int:policy_id>/edit/", views.bo_edit, name="bo_edit"),
    path("backoffice/<int:policy_id>/publish/", views.bo_publish, name="bo_publish"),
    path("backoffice/<int:policy_id>/withdraw/", views.bo_withdraw, name="bo_withdraw"),
    path("backoffice/<int:policy_id>/run/", views.bo_run, name="bo_run"),
    path("backoffice/runs/<int:run_id>/", views.bo_run_detail, name="bo_run_detail"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/<int:policy_id>/", views.supervision_policy, name="supervision_policy"),
]
