"""One notice per change, on the site and by e-mail, sent once even if the task runs twice."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from portal.services.constants import Action, ApplicationStatus
from portal.services.models import Notification
from portal.services.services import application_transition
from portal.services.tasks import notification_email_task
from tests.factories import Office, make_application, make_citizen, make_service

pytestmark = pytest.mark.django_db


def test_each_change_makes_one_notice_and_one_email(
    office: Office, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(notification_email_task, "delay", lambda pk: sent.append(pk))
    applicant = make_citizen(email="owner@example.cn")
    application = make_application(
        make_service(office.department), applicant, status=ApplicationStatus.SUBMITTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, action=Action.ACCEPT, user=office.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=application, action=Action.START_REVIEW, user=office.reviewer
        )
    notices = list(Notification.objects.filter(recipient=applicant).order_by("pk"))
    assert len(notices) == 2
    assert sent == [n.pk for n in notices], "one task per change, dispatched after commit"
    # A task delivered twice (at-least-once broker) e-mails once.
    for pk in sent + sent:
        notification_email_task(pk)
    assert len(mail.outbox) == 2
    assert application.number in mail.outbox[0].subject
    assert mail.outbox[0].to == ["owner@example.cn"]
    assert all(n.emailed_at for n in Notification.objects.all())


def test_a_refused_move_notifies_nobody(office: Office) -> None:
    application = make_application(make_service(office.department), make_citizen())
    with pytest.raises(ValidationError):
        application_transition(application=application, action=Action.ACCEPT, user=office.clerk)
    assert not Notification.objects.exists()


def test_the_notifications_page_lists_and_marks_read(client, office: Office) -> None:
    from django.urls import reverse

    from tests.factories import PASSWORD

    applicant = make_citizen()
    application = make_application(
        make_service(office.department), applicant, status=ApplicationStatus.SUBMITTED
    )
    application_transition(
        application=application, action=Action.REFUSE, user=office.clerk, reason="材料不全"
    )
    client.login(username=applicant.username, password=PASSWORD)
    page = client.get(reverse("services:notifications")).content.decode()
    assert application.number in page and "材料不全" in page
    client.post(reverse("services:notifications"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
