"""Writes of the one-stop services: catalogue, drafts, materials, the workflow, evaluations.

Every move of an application goes through ``application_transition`` (or
``application_submit`` for the first one): the table in ``constants.TRANSITIONS`` says which
status it may start from and which role may make it, and each move is written to the
timeline and notified to the applicant once.

One module per idea: ``catalogue`` (topics, service items), ``drafts`` (starting and saving a
draft), ``materials`` (uploads and 免提交 fetches), ``workflow`` (submission and every later
move), ``decisions`` (decision documents), ``reference`` (staff reading exchange data for a
case), ``notifications`` (notices and their e-mail) and ``evaluations`` (好差评). The public
names are re-exported here, so callers import them from ``portal.services.services``.
"""

from portal.services.services.catalogue import (
    service_item_errors,
    service_item_save,
    service_item_upsert,
    theme_upsert,
)
from portal.services.services.drafts import (
    EDITABLE_STATUSES,
    application_create_draft,
    application_draft_delete,
    application_draft_find,
    application_draft_open,
    application_locked_values,
    application_step_save,
    form_errors,
)
from portal.services.services.evaluations import evaluation_create, evaluation_reply
from portal.services.services.materials import (
    application_materials_fetch,
    material_remove,
    material_upload,
    sniff_upload,
)
from portal.services.services.notifications import (
    notification_email_send,
    notification_mark_read,
    notifications_email_pending,
)
from portal.services.services.reference import application_reference_read
from portal.services.services.workflow import (
    SubmitResult,
    application_submit,
    application_transition,
)

__all__ = [
    "EDITABLE_STATUSES",
    "SubmitResult",
    "application_create_draft",
    "application_draft_delete",
    "application_draft_find",
    "application_draft_open",
    "application_locked_values",
    "application_materials_fetch",
    "application_reference_read",
    "application_step_save",
    "application_submit",
    "application_transition",
    "evaluation_create",
    "evaluation_reply",
    "form_errors",
    "material_remove",
    "material_upload",
    "notification_email_send",
    "notification_mark_read",
    "notifications_email_pending",
    "service_item_errors",
    "service_item_save",
    "service_item_upsert",
    "sniff_upload",
    "theme_upsert",
]
