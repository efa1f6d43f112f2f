"""The services pages, one module per page family.

``guide`` (the catalogue and a service's guide), ``filing`` (the form's steps, materials,
review and submission), ``applications`` (my applications, notices, the applicant's actions),
``staff`` (the back-office queue and case), ``verification`` (the public check of a decision
document) and ``common`` (what they share). The applicant-side views are re-exported here.
"""

from portal.services.views.applications import (
    application_action,
    application_detail,
    application_evaluate,
    decision_file,
    material_file,
    my_applications,
    notifications,
)
from portal.services.views.common import decision_response
from portal.services.views.filing import (
    application_materials,
    application_review,
    application_step,
    application_submitted,
    draft_delete,
    material_remove,
)
from portal.services.views.guide import application_start, catalogue, service_detail

__all__ = [
    "application_action",
    "application_detail",
    "application_evaluate",
    "application_materials",
    "application_review",
    "application_start",
    "application_step",
    "application_submitted",
    "catalogue",
    "decision_file",
    "decision_response",
    "draft_delete",
    "material_file",
    "material_remove",
    "my_applications",
    "notifications",
    "service_detail",
]
