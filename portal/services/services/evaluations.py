"""Evaluations (好差评): the applicant rates the handling; the department answers a poor rating."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.text import visible_text
from portal.services import access
from portal.services.constants import (
    DECIDED_STATUSES,
    POOR_RATING_MAX,
    ApplicationStatus,
    EvaluationStatus,
)
from portal.services.models import Application, Evaluation


@transaction.atomic
def evaluation_create(
    *, application: Application, user: User, rating: int, comment: str = ""
) -> Evaluation:
    """The applicant rates the handling after a decision; 1 or 2 goes to the department."""
    if not access.person_may_act(user=user, application=application):
        raise PermissionDenied(_("This is not your application."))
    if application.status not in DECIDED_STATUSES | {ApplicationStatus.REFUSED}:
        raise ValidationError(_("You can rate the handling once a decision is made."))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose from 1 to 5.")})
    if Evaluation.objects.filter(application=application).exists():
        raise ValidationError(_("You have already rated this application."))
    return Evaluation.objects.create(
        application=application,
        department=application.department,
        rating=rating,
        comment=visible_text(comment),
        status=(
            EvaluationStatus.AWAITING_REPLY
            if rating <= POOR_RATING_MAX
            else EvaluationStatus.NO_REPLY_NEEDED
        ),
    )


@transaction.atomic
def evaluation_reply(*, evaluation: Evaluation, user: User, reply: str) -> Evaluation:
    """The department answers a poor rating (its administrator or an approver)."""
    if not access.may_reply_evaluation(user=user, department=evaluation.department):
        raise PermissionDenied(_("Only the department's administrator or approvers reply."))
    if not visible_text(reply):
        raise ValidationError({"reply": _("Write the reply.")})
    evaluation.reply = visible_text(reply)
    evaluation.replied_by = user
    evaluation.replied_at = timezone.now()
    evaluation.status = EvaluationStatus.REPLIED
    evaluation.save()
    return evaluation
