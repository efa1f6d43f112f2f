"""The workflow: every transition from every status by every kind of actor."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.accounts.models import User
from portal.departments.constants import StaffRole
from portal.departments.models import DepartmentSystem
from portal.services.constants import (
    APPLICANT,
    TRANSITIONS,
    Action,
    ApplicationStatus,
)
from portal.services.models import Application, ApplicationEvent
from portal.services.services import application_transition
from tests.factories import (
    Office,
    make_application,
    make_citizen,
    make_office,
    make_service,
    make_staff,
)

ACTORS = [
    "applicant",
    "other_citizen",
    "clerk",
    "reviewer",
    "approver",
    "department_admin",
    "other_department_all_roles",
    "own_system",
    "other_system",
]
STAFF_ROLE_OF = {
    "accept_application": "clerk",
    "review_application": "reviewer",
    "approve_application": "approver",
}
MOVES = [a for a in Action if a != Action.SUBMIT]


def _actor(
    name: str, office: Office, other: Office, applicant: User
) -> tuple[User | None, DepartmentSystem | None]:
    if name == "applicant":
        return applicant, None
    if name == "other_citizen":
        return make_citizen(), None
    if name == "clerk":
        return office.clerk, None
    if name == "reviewer":
        return office.reviewer, None
    if name == "approver":
        return office.approver, None
    if name == "department_admin":
        return office.admin, None
    if name == "other_department_all_roles":
        return make_staff(
            other.department, StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER
        ), None
    if name == "own_system":
        return None, office.system
    return None, other.system


def _allowed_actor(action: Action, actor: str) -> bool:
    role = TRANSITIONS[action].role
    if role == APPLICANT:
        return actor == "applicant"
    return actor in {STAFF_ROLE_OF[role], "own_system"}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", MOVES)
def test_each_transition_from_each_status_by_each_actor(action: Action, actor: str) -> None:
    """Only the table's role may move, only from the table's statuses; all else is refused."""
    office, other = make_office(), make_office()
    service = make_service(office.department)
    applicant = make_citizen()
    user, system = _actor(actor, office, other, applicant)
    transition = TRANSITIONS[action]
    for status in ApplicationStatus:
        application = make_application(service, applicant, status=status)
        kwargs = {"reason": "理由说明"}
        if not _allowed_actor(action, actor):
            with pytest.raises(PermissionDenied):
                application_transition(
                    application=application, action=action, user=user, system=system, **kwargs
                )
        elif status not in transition.sources:
            with pytest.raises(ValidationError):
                application_transition(
                    application=application, action=action, user=user, system=system, **kwargs
                )
        else:
            moved = application_transition(
                application=application, action=action, user=user, system=system, **kwargs
            )
            assert moved.status == transition.target
            event = ApplicationEvent.objects.get(application=application)
            assert (event.from_status, event.to_status) == (status, transition.target)
            assert event.actor_user == user and event.actor_system == system
            assert event.reason == "理由说明"
            continue
        application.refresh_from_db()
        assert application.status == status, "a refused move changes nothing"
        assert not ApplicationEvent.objects.filter(application=application).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", [a for a, t in TRANSITIONS.items() if t.reason_required])
def test_refusals_and_rejections_need_a_reason(action: Action) -> None:
    """A refusal, a rejection or a supplement request without a reason is refused."""
    office = make_office()
    source = next(iter(TRANSITIONS[action].sources))
    application = make_application(make_service(office.department), make_citizen(), status=source)
    role = STAFF_ROLE_OF[TRANSITIONS[action].role]
    with pytest.raises(ValidationError) as exc:
        application_transition(
            application=application, action=action, user=getattr(office, role), reason="  "
        )
    assert "reason" in exc.value.message_dict


@pytest.mark.django_db
def test_a_firm_application_is_moved_by_any_current_representative() -> None:
    """For a firm, another representative who may apply can withdraw; one who may not, cannot."""
    from tests.factories import make_agent, make_firm

    office = make_office()
    service = make_service(office.department, for_citizens=False, for_firms=True)
    firm = make_firm()
    filer = make_agent(firm)
    colleague = make_agent(firm)
    viewer = make_agent(firm, can_apply=False)
    application = make_application(service, filer, firm=firm, status=ApplicationStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        application_transition(application=application, action=Action.WITHDRAW, user=viewer)
    application_transition(application=application, action=Action.WITHDRAW, user=colleague)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.WITHDRAWN


@pytest.mark.django_db
def test_full_path_with_a_supplement_keeps_the_timeline_in_order() -> None:
    """submitted → accepted → review → supplement ↔ resubmitted → review → approved."""
    from portal.services.services import application_step_save, application_submit, material_upload
    from tests.factories import GOOD_STEPS, pdf_upload

    office = make_office()
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    for n, values in enumerate(GOOD_STEPS):
        application_step_save(application=application, user=applicant, step=n, values=values)
    material_upload(
        application=application,
        user=applicant,
        requirement_code="proof",
        upload=pdf_upload(),
        max_bytes=10_000,
        max_files=3,
    )
    assert application_submit(application=application, user=applicant).submitted
    steps = [
        (Action.ACCEPT, office.clerk, ""),
        (Action.START_REVIEW, office.reviewer, ""),
        (Action.REQUEST_SUPPLEMENT, office.reviewer, "请补充盖章页"),
        (Action.RESUBMIT, applicant, ""),
        (Action.START_REVIEW, office.reviewer, ""),
        (Action.APPROVE, office.approver, ""),
    ]
    for action, user, reason in steps:
        application_transition(application=application, action=action, user=user, reason=reason)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_at is not None
    events = list(application.events.values_list("to_status", flat=True))
    assert events == [
        "submitted",
        "accepted",
        "under_review",
        "supplement_requested",
        "resubmitted",
        "under_review",
        "approved",
    ]
    assert application.decision_document.file.read().startswith(b"%PDF-")
