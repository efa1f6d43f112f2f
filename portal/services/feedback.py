"""What a person is told after an action: what happened, to whom, and what comes next.

Never a bare "done": each message names the application and the consequence of the move.
"""

from django.utils.translation import gettext as _

from portal.services.constants import Action
from portal.services.models import Application

# Moves that cannot be undone and are asked to be confirmed first (on a page of its own,
# so that it works without JavaScript).
CONFIRM_ACTIONS = frozenset({Action.WITHDRAW, Action.APPROVE, Action.REFUSE, Action.REJECT})


def _due(application: Application) -> str:
    return application.due_date.isoformat() if application.due_date else "—"


def action_done_message(action: Action, application: Application) -> str:
    """The message after ``action`` was applied to ``application`` (already saved)."""
    values = {"number": application.number, "due": _due(application)}
    document = getattr(application, "decision_document", None)
    values["code"] = document.code if document is not None else ""
    messages = {
        Action.ACCEPT: _(
            "Application %(number)s accepted. The applicant has been told; "
            "the decision is due by %(due)s."
        ),
        Action.REFUSE: _(
            "Application %(number)s not accepted. The applicant has been sent the notice "
            "(code %(code)s) with your reason and how to appeal."
        ),
        Action.START_REVIEW: _("Review of application %(number)s started; it is due by %(due)s."),
        Action.REQUEST_SUPPLEMENT: _(
            "Supplement requested for application %(number)s. The applicant has been sent "
            "your reason; the time limit stops until they resubmit."
        ),
        Action.APPROVE: _(
            "Application %(number)s approved. The decision document (code %(code)s) was "
            "issued and the applicant has been told."
        ),
        Action.REJECT: _(
            "Application %(number)s not approved. The applicant has been sent the decision "
            "(code %(code)s) with your reason and how to appeal."
        ),
        Action.WITHDRAW: _(
            "You withdrew application %(number)s. The department will not handle it further; "
            "you can apply again at any time."
        ),
        Action.RESUBMIT: _(
            "Supplement sent: application %(number)s is back with the department and is due "
            "by %(due)s."
        ),
        Action.SUBMIT: _("Application %(number)s submitted."),
    }
    return messages[action] % values


def confirm_question(action: Action) -> str:
    """The question on the confirmation page of an action that cannot be undone."""
    questions = {
        Action.WITHDRAW: _(
            "Withdraw this application? The department stops handling it and this cannot be "
            "undone; you can apply again later."
        ),
        Action.APPROVE: _(
            "Approve this application? The decision document is issued at once and sent to "
            "the applicant; this cannot be undone."
        ),
        Action.REFUSE: _(
            "Refuse to accept this application? The applicant is sent a notice with your "
            "reason and how to appeal; this cannot be undone."
        ),
        Action.REJECT: _(
            "Decide not to approve this application? The applicant is sent the decision with "
            "your reason and how to appeal; this cannot be undone."
        ),
    }
    return questions.get(action, "")
