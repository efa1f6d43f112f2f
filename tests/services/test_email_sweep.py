"""Notices whose e-mail could not be dispatched are sent by the beat sweeper, once."""

import pytest
from django.core import mail

from portal.services.constants import Action, ApplicationStatus
from portal.services.models import Notification
from portal.services.services import application_transition, notifications_email_pending
from tests.factories import make_application, make_citizen, make_office, make_service

pytestmark = pytest.mark.django_db


def test_sweeper_sends_each_missing_email_once(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    office = make_office()
    service = make_service(office.department, materials=[])
    applicant = make_citizen(email="someone@example.cn")
    application = make_application(service, applicant, status=ApplicationStatus.SUBMITTED)
    # The broker was down: the dispatch after commit never ran (tests run no on_commit hooks).
    application_transition(application=application, action=Action.ACCEPT, user=office.clerk)
    assert Notification.objects.filter(recipient=applicant, emailed_at__isnull=True).count() == 1
    assert notifications_email_pending() == 1
    assert notifications_email_pending() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["someone@example.cn"]
