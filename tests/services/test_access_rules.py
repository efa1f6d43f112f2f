"""``portal.services.access``: each branch, drafts (hole 11) and a firm's notices (hole 10).

Hole 11: departments read unsubmitted drafts by number through the detail API and the back
office; a draft is the applicant's alone. Hole 10: a former agent kept receiving the firm's
notices (refusal reasons included) after the mandate ended.
"""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.constants import ACTING_AS_SESSION_KEY, RepresentativeRole
from portal.accounts.models import FirmRepresentative
from portal.accounts.services import firm_representative_set
from portal.departments.constants import StaffRole
from portal.departments.signing_client import signed_headers
from portal.services import access
from portal.services.constants import Action, ApplicationStatus
from portal.services.models import Evaluation, Notification
from portal.services.selectors import notification_list, notification_unread_count
from portal.services.services import (
    application_transition,
    evaluation_create,
    notification_email_send,
)
from tests.factories import (
    Office,
    make_agent,
    make_application,
    make_citizen,
    make_firm,
    make_office,
    make_service,
    make_staff,
    make_system,
)

pytestmark = pytest.mark.django_db


# --- Hole 11: drafts are the applicant's alone ---------------------------------------------


def test_a_draft_is_not_shown_to_the_department_by_page_or_api(
    client: Client, office: Office
) -> None:
    owner = make_citizen()
    draft = make_application(make_service(office.department), owner)
    assert draft.status == ApplicationStatus.DRAFT
    system, key = make_system(office.department, f"{office.department.code}-drafts")
    api = reverse("services_api:application_detail", kwargs={"number": draft.number})
    page = reverse("services:staff_application", kwargs={"number": draft.number})
    for staff in (office.clerk, office.reviewer, office.approver, office.admin):
        client.force_login(staff)
        assert client.get(api).status_code == 404
        assert client.get(page).status_code == 404
    client.logout()
    url = f"http://testserver{api}"
    headers = signed_headers(method="GET", url=url, body=b"", key_id=system.key_id, key=key)
    assert client.get(api, headers=headers).status_code == 404
    # Once submitted, the department sees it.
    draft.__class__.objects.filter(pk=draft.pk).update(status=ApplicationStatus.SUBMITTED)
    client.force_login(office.clerk)
    assert client.get(api).status_code == 200
    assert client.get(page).status_code == 200


def test_staff_and_system_branches(office: Office) -> None:
    owner = make_citizen()
    submitted = make_application(
        make_service(office.department), owner, status=ApplicationStatus.SUBMITTED
    )
    other = make_office()
    system, _key = make_system(office.department, f"{office.department.code}-x")
    # A handling role of the department: found.
    assert access.access_application_for_staff(user=office.clerk, number=submitted.number)
    # No handling role (a data steward): 404.
    with pytest.raises(Http404):
        access.access_application_for_staff(
            user=make_staff(office.department, StaffRole.DATA_STEWARD), number=submitted.number
        )
    # Another department's clerk: 404.
    with pytest.raises(Http404):
        access.access_application_for_staff(user=other.clerk, number=submitted.number)
    # Not staff at all: 404.
    with pytest.raises(Http404):
        access.access_application_for_staff(user=owner, number=submitted.number)
    with pytest.raises(Http404):
        access.access_application_for_staff(user=AnonymousUser(), number=submitted.number)
    # The department's system: found; revoked: 404; another department's: 404.
    assert access.access_application_for_system(system=system, number=submitted.number)
    other_system, _key = make_system(other.department, f"{other.department.code}-x")
    with pytest.raises(Http404):
        access.access_application_for_system(system=other_system, number=submitted.number)
    system.is_active = False
    with pytest.raises(Http404):
        access.access_application_for_system(system=system, number=submitted.number)


def test_person_branches(office: Office) -> None:
    service = make_service(office.department, for_firms=True)
    owner, stranger = make_citizen(), make_citizen()
    personal = make_application(service, owner)
    firm = make_firm()
    agent = make_agent(firm)
    rep = FirmRepresentative.objects.get(firm=firm, user=agent)
    firm_application = make_application(service, agent, firm=firm)
    # In their own name: their personal applications only.
    assert access.access_application_for_person(user=owner, acting_for=None, number=personal.number)
    with pytest.raises(Http404):
        access.access_application_for_person(user=stranger, acting_for=None, number=personal.number)
    with pytest.raises(Http404):
        access.access_application_for_person(
            user=agent, acting_for=None, number=firm_application.number
        )
    # Acting for the firm with the right: the firm's.
    n = firm_application.number
    assert access.access_application_for_person(user=agent, acting_for=rep, number=n)
    # Someone else's representation: nothing.
    with pytest.raises(Http404):
        access.access_application_for_person(user=stranger, acting_for=rep, number=n)
    # Without the right to apply: nothing.
    rep.can_apply = False
    with pytest.raises(Http404):
        access.access_application_for_person(user=agent, acting_for=rep, number=n)
    # After the mandate ended: nothing.
    rep.can_apply, rep.valid_until = True, timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(Http404):
        access.access_application_for_person(user=agent, acting_for=rep, number=n)
    # Staff and anonymous visitors: nothing.
    with pytest.raises(Http404):
        access.access_application_for_person(user=office.clerk, acting_for=None, number=n)
    with pytest.raises(Http404):
        access.access_application_for_person(user=AnonymousUser(), acting_for=None, number=n)
    # person_may_act follows the same rules.
    assert access.person_may_act(user=owner, application=personal)
    assert not access.person_may_act(user=stranger, application=personal)
    assert access.person_may_act(user=agent, application=firm_application)
    FirmRepresentative.objects.filter(pk=rep.pk).update(valid_until=dt.date(2000, 1, 1))
    assert not access.person_may_act(user=agent, application=firm_application)


def test_may_perform_branches(office: Office) -> None:
    owner = make_citizen()
    application = make_application(
        make_service(office.department), owner, status=ApplicationStatus.SUBMITTED
    )
    system, _key = make_system(office.department, f"{office.department.code}-p")
    assert access.may_perform(action=Action.WITHDRAW, application=application, user=owner)
    assert not access.may_perform(action=Action.WITHDRAW, application=application)
    assert access.may_perform(action=Action.ACCEPT, application=application, system=system)
    assert not access.may_perform(action=Action.ACCEPT, application=application)
    assert access.may_perform(action=Action.ACCEPT, application=application, user=office.clerk)
    assert not access.may_perform(action=Action.APPROVE, application=application, user=office.clerk)
    system.is_active = False
    assert not access.may_perform(action=Action.ACCEPT, application=application, system=system)


def test_evaluation_reply_branches(office: Office) -> None:
    owner = make_citizen()
    application = make_application(
        make_service(office.department), owner, status=ApplicationStatus.APPROVED
    )
    evaluation = evaluation_create(application=application, user=owner, rating=1, comment="慢")
    assert isinstance(evaluation, Evaluation)
    assert access.access_evaluation_for_reply(user=office.approver, evaluation_id=evaluation.pk)
    assert access.access_evaluation_for_reply(user=office.admin, evaluation_id=evaluation.pk)
    with pytest.raises(PermissionDenied):
        access.access_evaluation_for_reply(user=office.clerk, evaluation_id=evaluation.pk)
    with pytest.raises(Http404):
        access.access_evaluation_for_reply(user=make_office().approver, evaluation_id=evaluation.pk)
    with pytest.raises(Http404):
        access.access_evaluation_for_reply(user=owner, evaluation_id=evaluation.pk)


# --- Hole 10: a firm's notices go to its current representatives with the right ---------------


def test_a_former_agent_gets_no_more_notices_of_the_firm(
    client: Client, office: Office, django_capture_on_commit_callbacks
) -> None:
    service = make_service(office.department, for_firms=True)
    firm = make_firm()
    legal = make_citizen(email="legal@example.cn")
    firm_representative_set(firm=firm, user=legal, role=RepresentativeRole.LEGAL_REPRESENTATIVE)
    agent = make_agent(firm, make_citizen(email="agent@example.cn"))
    no_right = make_agent(firm, can_apply=False)
    application = make_application(service, agent, firm=firm, status=ApplicationStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, action=Action.ACCEPT, user=office.clerk)
    # While the mandate runs: the agent and the legal representative hear of it; an agent
    # without the right to apply does not.
    assert Notification.objects.filter(recipient=agent).count() == 1
    assert Notification.objects.filter(recipient=legal).count() == 1
    assert not Notification.objects.filter(recipient=no_right).exists()
    # The mandate ends; the department asks for a supplement, with its reason.
    FirmRepresentative.objects.filter(user=agent, firm=firm).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=application, action=Action.START_REVIEW, user=office.reviewer
        )
        application_transition(
            application=application,
            action=Action.REQUEST_SUPPLEMENT,
            user=office.reviewer,
            reason="营业执照已过期，请补充",
        )
    assert Notification.objects.filter(recipient=agent).count() == 1  # nothing new
    assert Notification.objects.filter(recipient=legal).count() == 3
    assert all("agent@example.cn" not in m.to for m in mail.outbox)
    # The former agent's notice list no longer shows the firm's notices either.
    assert not notification_list(user=agent).exists()
    assert notification_unread_count(user=agent) == 0
    client.force_login(agent)
    page = client.get(reverse("services:notifications"))
    assert application.number not in page.content.decode()
    # An e-mail still pending for the former agent is not sent.
    old = Notification.objects.get(recipient=agent)
    Notification.objects.filter(pk=old.pk).update(emailed_at=None)
    assert notification_email_send(notification_id=old.pk) is False


def test_the_former_agent_cannot_open_the_firm_through_the_session(
    client: Client, office: Office
) -> None:
    firm = make_firm()
    agent = make_agent(firm)
    application = make_application(
        make_service(office.department, for_firms=True),
        agent,
        firm=firm,
        status=ApplicationStatus.SUBMITTED,
    )
    FirmRepresentative.objects.filter(user=agent).update(valid_until=dt.date(2000, 1, 1))
    client.force_login(agent)
    session = client.session
    session[ACTING_AS_SESSION_KEY] = firm.pk
    session.save()
    url = reverse("services:application_detail", kwargs={"number": application.number})
    assert client.get(url).status_code == 404
    assert json.dumps(client.session.get(ACTING_AS_SESSION_KEY)) == "null"
