from django.db import models
from django.utils.translation import gettext_lazy as _


class SharingClass(models.TextChoices):
    """Government information resource classification (政务信息资源共享类型)."""

    UNCONDITIONAL = "unconditional", _("Shared unconditionally")
    CONDITIONAL = "conditional", _("Shared on conditions")
    NOT_SHARED = "not_shared", _("Not shared")


class SubjectKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    FIRM = "firm", _("Firm")


class FieldType(models.TextChoices):
    STRING = "string", _("Text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Amount")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes or no")


class GrantStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


class ReadReason(models.TextChoices):
    """Why a read was granted or refused; the code goes into the ledger entry."""

    OWN_DEPARTMENT = "own_department", _("The department's own data")
    UNCONDITIONAL = "unconditional", _("Shared unconditionally")
    GRANT = "grant", _("Within a sharing grant")
    NARROWED = "narrowed", _("Within a sharing grant, narrowed to the granted fields")
    NOT_SHARED = "not_shared", _("This dataset is not shared")
    NO_GRANT = "no_grant", _("No sharing grant for this dataset")
    GRANT_EXPIRED = "grant_expired", _("The sharing grant has expired")
    GRANT_REVOKED = "grant_revoked", _("The sharing grant was revoked")
    FIELDS_NOT_GRANTED = "fields_not_granted", _("None of the requested fields is granted")
    UNKNOWN_SUBJECT = "unknown_subject", _("No record for this subject")


GRANTED_REASONS = frozenset(
    {ReadReason.OWN_DEPARTMENT, ReadReason.UNCONDITIONAL, ReadReason.GRANT, ReadReason.NARROWED}
)


class ObjectionStatus(models.TextChoices):
    """An objection's lifecycle: received → under review → answered (escalation is a mark,
    ``Objection.escalated_at``, set when the deadline passes unanswered)."""

    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    ANSWERED = "answered", _("Answered")


class PurposeKind(models.TextChoices):
    """What a read is for. A covert investigation is a sealed read: it needs a legal order and
    an unseal-by date, and the person sees it only once it is unsealed (TRANSPARENCY.md §3)."""

    ORDINARY = "ordinary", _("Ordinary (the person sees it at once)")
    COVERT_INVESTIGATION = "covert_investigation", _("Covert investigation (sealed)")


OPEN_OBJECTION_STATUSES = frozenset({ObjectionStatus.RECEIVED, ObjectionStatus.UNDER_REVIEW})


class ObjectionNoticeKind(models.TextChoices):
    """What a notice to the person says happened to their objection."""

    RECEIVED = "received", _("Your objection was received")
    UNDER_REVIEW = "under_review", _("The department is reviewing your objection")
    ESCALATED = "escalated", _("The deadline passed: your objection went to the auditors")
    ANSWERED = "answered", _("Your objection was answered")


# Longest objection text and answer (characters), checked by the server with a message.
OBJECTION_TEXT_LIMIT = 2000
