from django.urls import path

from portal.services import views, views_backoffice, views_verify

app_name = "services"

urlpatterns = [
    path("services/", views.catalogue, name="catalogue"),
    path("services/verify/", views_verify.verify_lookup, name="verify_lookup"),
    path("services/verify/<str:code>", views_verify.verify, name="verify"),
    path("services/<str:code>/", views.service_detail, name="service_detail"),
    path("services/<str:code>/apply/", views.application_start, name="application_start"),
    path("my/applications/", views.my_applications, name="my_applications"),
    path("my/notifications/", views.notifications, name="notifications"),
    path("my/applications/<str:number>/", views.application_detail, name="application_detail"),
    path(
        "my/applications/<str:number>/step/<int:step>/",
        views.application_step,
        name="application_step",
    ),
    path(
        "my/applications/<str:number>/materials/",
        views.application_materials,
        name="application_materials",
    ),
    path(
        "my/applications/<str:number>/materials/<int:material_id>/remove/",
        views.material_remove,
        name="material_remove",
    ),
    path(
        "my/applications/<str:number>/materials/<int:material_id>/file",
        views.material_file,
        name="material_file",
    ),
    path(
        "my/applications/<str:number>/submit/",
        views.application_review,
        name="application_review",
    ),
    path(
        "my/applications/<str:number>/submitted/",
        views.application_submitted,
        name="application_submitted",
    ),
    path(
        "my/applications/<str:number>/delete/",
        views.draft_delete,
        name="draft_delete",
    ),
    path(
        "my/applications/<str:number>/action/",
        views.application_action,
        name="application_action",
    ),
    path("my/applications/<str:number>/decision.pdf", views.decision_file, name="decision_file"),
    path(
        "my/applications/<str:number>/evaluate/",
        views.application_evaluate,
        name="application_evaluate",
    ),
    path("backoffice/services/queue/", views_backoffice.queue, name="queue"),
    path(
        "backoffice/services/applications/<str:number>/",
        views_backoffice.application,
        name="staff_application",
    ),
    path(
        "backoffice/services/applications/<str:number>/act/",
        views_backoffice.act,
        name="staff_act",
    ),
    path(
        "backoffice/services/applications/<str:number>/lookup/",
        views_backoffice.lookup,
        name="staff_lookup",
    ),
    path(
        "backoffice/services/applications/<str:number>/materials/<int:material_id>/file",
        views_backoffice.material_file,
        name="staff_material_file",
    ),
    path(
        "backoffice/services/applications/<str:number>/decision.pdf",
        views_backoffice.decision_file,
        name="staff_decision_file",
    ),
    path("backoffice/services/evaluations/", views_backoffice.evaluations, name="evaluations"),
    path(
        "backoffice/services/evaluations/<int:evaluation_id>/reply/",
        views_backoffice.evaluation_reply,
        name="evaluation_reply",
    ),
]
