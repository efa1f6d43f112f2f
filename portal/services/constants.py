"""Choices and the workflow table of the one-stop services."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise


class ThemeKind(models.TextChoices):
    TOPIC = "topic", _("Topic")
    LIFE_EVENT = "life_event", _("Life event")


class FieldKind(models.TextChoices):
    """Types of an application form field (the form schema is data, edited in the admin)."""

    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Amount")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    BOOLEAN = "boolean", _("Yes or no")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Mobile phone")
    ID_NUMBER = "id_number", _("Resident identity number")
    BANK_ACCOUNT = "bank_account", _("Bank account number")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Not accepted")
    UNDER_REVIEW = "under_review", _("Under review")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Action(models.TextChoices):
    """Operations that move an application; each is one row of TRANSITIONS."""

    SUBMIT = "submit", _("Submit")
    ACCEPT = "accept", _("Accept")
    REFUSE = "refuse", _("Refuse to accept")
    START_REVIEW = "start_review", _("Start review")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    RESUBMIT = "resubmit", _("Resubmit")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    WITHDRAW = "withdraw", _("Withdraw")


APPLICANT = "applicant"  # the role of the person (or firm representative) who applied


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[ApplicationStatus]
    target: ApplicationStatus
    # APPLICANT, or the codename of the department permission (accounts.staff_has_permission)
    role: str
    reason_required: bool


S = ApplicationStatus
OPEN_STATUSES = frozenset(
    {S.SUBMITTED, S.ACCEPTED, S.UNDER_REVIEW, S.SUPPLEMENT_REQUESTED, S.RESUBMITTED}
)
DECIDED_STATUSES = frozenset({S.APPROVED, S.REJECTED})
FINAL_STATUSES = frozenset({S.APPROVED, S.REJECTED, S.REFUSED, S.WITHDRAWN})

# The whole workflow: no other move is possible.
TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        Transition(Action.SUBMIT, frozenset({S.DRAFT}), S.SUBMITTED, APPLICANT, False),
        Transition(
            Action.ACCEPT, frozenset({S.SUBMITTED}), S.ACCEPTED, "accept_application", False
        ),
        Transition(Action.REFUSE, frozenset({S.SUBMITTED}), S.REFUSED, "accept_application", True),
        Transition(
            Action.START_REVIEW,
            frozenset({S.ACCEPTED, S.RESUBMITTED}),
            S.UNDER_REVIEW,
            "review_application",
            False,
        ),
        Transition(
            Action.REQUEST_SUPPLEMENT,
            frozenset({S.UNDER_REVIEW}),
            S.SUPPLEMENT_REQUESTED,
            "review_application",
            True,
        ),
        Transition(
            Action.RESUBMIT, frozenset({S.SUPPLEMENT_REQUESTED}), S.RESUBMITTED, APPLICANT, False
        ),
        Transition(
            Action.APPROVE, frozenset({S.UNDER_REVIEW}), S.APPROVED, "approve_application", False
        ),
        Transition(
            Action.REJECT, frozenset({S.UNDER_REVIEW}), S.REJECTED, "approve_application", True
        ),
        Transition(Action.WITHDRAW, OPEN_STATUSES, S.WITHDRAWN, APPLICANT, False),
    ]
}

STAFF_ACTIONS = [a for a, t in TRANSITIONS.items() if t.role != APPLICANT]

# The progress bar shown to the applicant: (label, statuses that reached this step).
PROGRESS_STEPS: list[tuple[StrPromise, frozenset[ApplicationStatus]]] = [
    (_("Submitted"), frozenset(S) - {S.DRAFT}),
    (
        _("Accepted"),
        frozenset({S.ACCEPTED, S.UNDER_REVIEW, S.SUPPLEMENT_REQUESTED, S.RESUBMITTED})
        | DECIDED_STATUSES,
    ),
    (
        _("Under review"),
        frozenset({S.UNDER_REVIEW, S.SUPPLEMENT_REQUESTED, S.RESUBMITTED}) | DECIDED_STATUSES,
    ),
    (_("Decided"), DECIDED_STATUSES),
]


class MaterialSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded")
    EXCHANGE = "exchange", _("Fetched from another department")


class DecisionKind(models.TextChoices):
    APPROVAL = "approval", _("Approval")
    REFUSAL = "refusal", _("Notice of non-acceptance")
    REJECTION = "rejection", _("Decision not to approve")


# The document each decision is written in (Administrative Licensing Law arts. 32, 38).
DECISION_TITLES: dict[str, str] = {
    DecisionKind.APPROVAL: "准予许可决定书",
    DecisionKind.REFUSAL: "不予受理通知书",
    DecisionKind.REJECTION: "不予许可决定书",
}
# Remedies against a refusal or rejection, in calendar time from when the person learns of it:
# administrative reconsideration within 60 days (行政复议法 2023 art. 20) and an
# administrative lawsuit within 6 months (行政诉讼法 art. 46).
RECONSIDERATION_DAYS = 60
LAWSUIT_MONTHS = 6


class EvaluationStatus(models.TextChoices):
    NO_REPLY_NEEDED = "no_reply_needed", _("No reply needed")
    AWAITING_REPLY = "awaiting_reply", _("Awaiting the department's reply")
    REPLIED = "replied", _("Replied")


POOR_RATING_MAX = 2  # ratings 1 and 2 (差评) go to the department's queue for a reply

# Content sniffing of uploads: magic bytes → (content type, extension).
ACCEPTED_UPLOADS: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]
