from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """Back-office roles; each is a Django group with its permissions."""

    WINDOW_CLERK = "window_clerk", _("Window clerk")
    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver")
    DATA_STEWARD = "data_steward", _("Data steward")
    DEPARTMENT_ADMIN = "department_admin", _("Department administrator")
    AUDITOR = "auditor", _("Auditor")


# Permission codenames (on departments.Department) granted to each role.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    StaffRole.WINDOW_CLERK: ("accept_application",),
    StaffRole.REVIEWER: ("review_application",),
    StaffRole.APPROVER: ("approve_application",),
    StaffRole.DATA_STEWARD: ("manage_sharing", "manage_datasets"),
    StaffRole.DEPARTMENT_ADMIN: ("administer_department",),
    StaffRole.AUDITOR: ("audit_access",),
}
