"""Due dates of applications: set at submission and acceptance, stopped for a supplement."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.services.constants import Action, ApplicationStatus
from portal.services.selectors import application_queue, due_info
from portal.services.services import application_transition
from tests.factories import Office, make_application, make_citizen, make_service

pytestmark = pytest.mark.django_db


def _at(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    moment = dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_acceptance_before_national_day_sets_the_due_date_after_it(
    monkeypatch: pytest.MonkeyPatch, office: Office
) -> None:
    """Accepted Tue 29 Sep 2026, promised 5 working days: due Mon 12 Oct (holiday skipped)."""
    service = make_service(office.department, promised_days=5)
    application = make_application(service, make_citizen(), status=ApplicationStatus.SUBMITTED)
    _at(monkeypatch, dt.date(2026, 9, 29))
    application_transition(application=application, action=Action.ACCEPT, user=office.clerk)
    application.refresh_from_db()
    assert application.due_date == dt.date(2026, 10, 12)


def test_the_clock_stops_during_a_supplement(
    monkeypatch: pytest.MonkeyPatch, office: Office
) -> None:
    """Days left when the supplement is asked for are given back on resubmission."""
    service = make_service(office.department, promised_days=5)
    applicant = make_citizen()
    application = make_application(service, applicant, status=ApplicationStatus.SUBMITTED)
    _at(monkeypatch, dt.date(2026, 9, 21))
    application_transition(application=application, action=Action.ACCEPT, user=office.clerk)
    application_transition(
        application=application, action=Action.START_REVIEW, user=office.reviewer
    )
    application.refresh_from_db()
    # 22, 23, 24, 28, 29 Sep: Friday 25 Sep 2026 is the Mid-Autumn Festival.
    assert application.due_date == dt.date(2026, 9, 29)
    _at(monkeypatch, dt.date(2026, 9, 23))  # 3 working days left (24, 28, 29)
    application_transition(
        application=application,
        action=Action.REQUEST_SUPPLEMENT,
        user=office.reviewer,
        reason="缺少盖章页",
    )
    application.refresh_from_db()
    assert application.days_left_on_hold == 3
    assert due_info(application).state == "on_hold"
    _at(monkeypatch, dt.date(2026, 9, 30))
    application_transition(application=application, action=Action.RESUBMIT, user=applicant)
    application.refresh_from_db()
    assert application.due_date == dt.date(2026, 10, 10)  # 8, 9 Oct and the working Saturday


def test_warnings_before_and_marks_after_the_deadline(office: Office, settings: object) -> None:
    settings.SERVICES_DUE_SOON_DAYS = 2  # type: ignore[attr-defined]
    service = make_service(office.department)
    late = make_application(service, make_citizen(), status=ApplicationStatus.UNDER_REVIEW)
    soon = make_application(service, make_citizen(), status=ApplicationStatus.ACCEPTED)
    fine = make_application(service, make_citizen(), status=ApplicationStatus.ACCEPTED)
    done = make_application(service, make_citizen(), status=ApplicationStatus.APPROVED)
    today = dt.date(2026, 10, 12)
    late.due_date = dt.date(2026, 10, 9)
    soon.due_date = dt.date(2026, 10, 13)
    fine.due_date = dt.date(2026, 10, 30)
    done.due_date = dt.date(2026, 10, 1)
    assert due_info(late, today=today).state == "overdue"
    assert due_info(soon, today=today).state == "soon"
    assert due_info(fine, today=today).state == "ok"
    assert due_info(done, today=today).state == ""


def test_the_queue_filters_overdue_applications(office: Office) -> None:
    service = make_service(office.department)
    late = make_application(service, make_citizen(), status=ApplicationStatus.UNDER_REVIEW)
    fine = make_application(service, make_citizen(), status=ApplicationStatus.UNDER_REVIEW)
    today = timezone.localdate()
    type(late).objects.filter(pk=late.pk).update(due_date=today - dt.timedelta(days=3))
    type(fine).objects.filter(pk=fine.pk).update(due_date=today + dt.timedelta(days=30))
    overdue = list(application_queue(department=office.department, due="overdue"))
    assert overdue == [late]
