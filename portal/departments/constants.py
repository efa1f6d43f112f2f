from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """Back-office roles; each is a Django group with its permissions."""

    WINDOW_CLERK = "window_clerk", _("Window clerk")
    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver")
    DATA_STEWARD = "data_steward", _("Data steward")
    DEPARTMENT_ADMIN = "department_admin", _("Department administrator")
    INVESTIGATOR = "investigator", _("Investigator")


# Permission codenames (on departments.Department) granted to each role. Auditing is not a
# role: it is an audit assignment (``AuditAssignment``) made by the audit office.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    StaffRole.WINDOW_CLERK: ("accept_application", "read_exchange"),
    StaffRole.REVIEWER: ("review_application", "read_exchange"),
    StaffRole.APPROVER: ("approve_application", "read_exchange"),
    StaffRole.DATA_STEWARD: ("manage_sharing", "manage_datasets", "request_grants"),
    StaffRole.DEPARTMENT_ADMIN: ("administer_department", "unseal_reads"),
    # Covert investigations under a legal order: sealed reads, and ending their seal early.
    StaffRole.INVESTIGATOR: ("read_exchange", "read_sealed", "unseal_reads"),
}

# The group name the auditor role had before audit assignments; it no longer grants anything.
FORMER_AUDITOR_GROUP = "auditor"
