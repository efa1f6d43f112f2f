from django.urls import path

from portal.services.views import applications, filing, guide, staff, verification

app_name = "services"

urlpatterns = [
    path("services/", guide.catalogue, name="catalogue"),
    path("services/verify/", verification.verify_lookup, name="verify_lookup"),
    path("services/verify/<str:code>", verification.verify, name="verify"),
    path("services/<str:code>/", guide.service_detail, name="service_detail"),
    path("services/<str:code>/apply/", guide.application_start, name="application_start"),
    path("my/applications/", applications.my_applications, name="my_applications"),
    path("my/notifications/", applications.notifications, name="notifications"),
    path(
        "my/applications/<str:number>/", applications.application_detail, name="application_detail"
    ),
    path(
        "my/applications/<str:number>/step/<int:step>/",
        filing.application_step,
        name="application_step",
    ),
    path(
        "my/applications/<str:number>/materials/",
        filing.application_materials,
        name="application_materials",
    ),
    path(
        "my/applications/<str:number>/materials/<int:material_id>/remove/",
        filing.material_remove,
        name="material_remove",
    ),
    path(
        "my/applications/<str:number>/materials/<int:material_id>/file",
        applications.material_file,
        name="material_file",
    ),
    path(
        "my/applications/<str:number>/submit/",
        filing.application_review,
        name="application_review",
    ),
    path(
        "my/applications/<str:number>/submitted/",
        filing.application_submitted,
        name="application_submitted",
    ),
    path(
        "my/applications/<str:number>/delete/",
        filing.draft_delete,
        name="draft_delete",
    ),
    path(
        "my/applications/<str:number>/action/",
        applications.application_action,
        name="application_action",
    ),
    path(
        "my/applications/<str:number>/decision.pdf",
        applications.decision_file,
        name="decision_file",
    ),
    path(
        "my/applications/<str:number>/evaluate/",
        applications.application_evaluate,
        name="application_evaluate",
    ),
    path("backoffice/services/queue/", staff.queue, name="queue"),
    path(
        "backoffice/services/applications/<str:number>/",
        staff.application,
        name="staff_application",
    ),
    path(
        "backoffice/services/applications/<str:number>/act/",
        staff.act,
        name="staff_act",
    ),
    path(
        "backoffice/services/applications/<str:number>/lookup/",
        staff.lookup,
        name="staff_lookup",
    ),
    path(
        "backoffice/services/applications/<str:number>/materials/<int:material_id>/file",
        staff.material_file,
        name="staff_material_file",
    ),
    path(
        "backoffice/services/applications/<str:number>/decision.pdf",
        staff.decision_file,
        name="staff_decision_file",
    ),
    path("backoffice/services/evaluations/", staff.evaluations, name="evaluations"),
    path(
        "backoffice/services/evaluations/<int:evaluation_id>/reply/",
        staff.evaluation_reply,
        name="evaluation_reply",
    ),
]
