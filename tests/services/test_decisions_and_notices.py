"""Confirmations before what cannot be undone, feedback that says what happened, and what the
applicant receives: the confirmation page, notices with absolute links, refusals with remedies."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from portal.services.constants import Action, ApplicationStatus, DecisionKind
from portal.services.models import Application, Evaluation, Notification
from portal.services.remedies import add_months, remedies_from
from portal.services.services import (
    application_step_save,
    application_transition,
    evaluation_create,
    notification_email_send,
)
from tests.factories import (
    GOOD_STEPS,
    PASSWORD,
    Office,
    make_application,
    make_citizen,
    make_service,
)

pytestmark = pytest.mark.django_db


def test_withdrawing_asks_first_and_then_says_what_happened(client: Client, office: Office) -> None:
    applicant = make_citizen()
    application = make_application(
        make_service(office.department), applicant, status=ApplicationStatus.SUBMITTED
    )
    client.login(username=applicant.username, password=PASSWORD)
    url = reverse("services:application_action", args=[application.number])
    response = client.post(url, {"action": "withdraw"})
    assert response.status_code == 200
    assert "确定撤回这件申请吗" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED, "nothing happens before confirming"
    response = client.post(url, {"action": "withdraw", "confirmed": "on"}, follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    html = response.content.decode()
    assert f"您已撤回申请 {application.number}" in html and "操作成功" not in html


def test_approving_and_refusing_ask_first_and_the_message_names_the_document(
    client: Client, office: Office
) -> None:
    application = make_application(
        make_service(office.department), make_citizen(), status=ApplicationStatus.UNDER_REVIEW
    )
    client.login(username=office.approver.username, password=PASSWORD)
    url = reverse("services:staff_act", args=[application.number])
    response = client.post(url, {"action": "approve"})
    assert "确定准予许可吗" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.UNDER_REVIEW
    response = client.post(url, {"action": "approve", "confirmed": "on"}, follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    code = application.decision_document.code
    assert f"申请 {application.number} 已准予许可。决定书（验证码 {code}）" in (
        response.content.decode()
    )

    other = make_application(
        make_service(office.department, code="refuse-svc"),
        make_citizen(),
        status=ApplicationStatus.SUBMITTED,
    )
    client.login(username=office.clerk.username, password=PASSWORD)
    url = reverse("services:staff_act", args=[other.number])
    # Without the reason there is nothing to confirm yet: the message is at the field.
    response = client.post(url, {"action": "refuse", "reason": ""})
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    response = client.post(url, {"action": "refuse", "reason": "材料不全\n缺少证明"})
    page = response.content.decode()
    assert "确定不予受理吗" in page and "缺少证明" in page
    client.post(url, {"action": "refuse", "reason": "材料不全\n缺少证明", "confirmed": "on"})
    other.refresh_from_db()
    assert other.status == ApplicationStatus.REFUSED
    assert other.events.get(action=Action.REFUSE).reason == "材料不全\n缺少证明"


def test_after_submitting_the_person_gets_a_confirmation_page(
    client: Client, office: Office
) -> None:
    applicant = make_citizen(email="me@example.cn")
    application = make_application(make_service(office.department, materials=[]), applicant)
    for n, values in enumerate(GOOD_STEPS):
        application_step_save(application=application, user=applicant, step=n, values=values)
    client.login(username=applicant.username, password=PASSWORD)
    response = client.post(reverse("services:application_review", args=[application.number]))
    assert response["Location"] == reverse(
        "services:application_submitted", args=[application.number]
    )
    application.refresh_from_db()
    assert application.due_date is not None
    page = client.get(response["Location"]).content.decode()
    assert application.number in page
    assert "接下来会怎样" in page and application.due_date.isoformat() in page
    assert "me@example.cn" in page and "如何跟踪进度" in page
    # In English, the page is English through and through (data aside).
    client.cookies["django_language"] = "en"
    page = client.get(response["Location"]).content.decode()
    assert "What happens next" in page and "It decides within 5 working days" in page
    text = re.sub(r"<[^>]+>", " ", page.split('<main id="main"', 1)[1])
    assert not re.search(r"[\u4e00-\u9fff]", text.replace(office.department.name, "")), text


def test_the_header_shows_unread_notices_and_emails_link_absolutely(
    client: Client, office: Office, settings: Settings
) -> None:
    settings.PORTAL_SITE_URL = "https://portal.example.gov.cn"
    applicant = make_citizen(email="me@example.cn")
    application = make_application(
        make_service(office.department), applicant, status=ApplicationStatus.SUBMITTED
    )
    application_transition(application=application, action=Action.ACCEPT, user=office.clerk)
    client.login(username=applicant.username, password=PASSWORD)
    header = client.get(reverse("core:home")).content.decode()
    assert 'class="notices-link"' in header and '<span class="count">1</span>' in header
    notification_email_send(notification_id=Notification.objects.get().pk)
    body = mail.outbox[0].body
    assert f"https://portal.example.gov.cn/my/applications/{application.number}/" in body


def test_a_refusal_comes_with_its_notice_the_remedies_and_a_way_to_apply_again(
    client: Client, office: Office
) -> None:
    applicant = make_citizen()
    service = make_service(office.department)
    application = make_application(service, applicant)
    application_step_save(application=application, user=applicant, step=0, values=GOOD_STEPS[0])
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED)
    application_transition(
        application=application, action=Action.REFUSE, user=office.clerk, reason="不属于本部门职责"
    )
    application.refresh_from_db()
    document = application.decision_document
    assert document.kind == DecisionKind.REFUSAL
    with document.file.open("rb") as f:
        assert f.read().startswith(b"%PDF-")
    client.login(username=applicant.username, password=PASSWORD)
    page = client.get(reverse("services:application_detail", args=[application.number]))
    html = page.content.decode()
    remedies = remedies_from(timezone.localdate(application.decided_at))
    assert "不属于本部门职责" in html
    assert "行政复议" in html and "行政诉讼" in html
    assert remedies.reconsideration_by.isoformat() in html
    assert remedies.lawsuit_by.isoformat() in html
    assert "下载不予受理通知书（PDF）" in html
    response = client.post(
        reverse("services:application_start", args=[service.code]),
        {"again": application.number},
    )
    again = Application.objects.exclude(pk=application.pk).get()
    assert again.status == ApplicationStatus.DRAFT
    assert again.data["phone"] == GOOD_STEPS[0]["phone"], "starts from what was filed"
    assert response.status_code == 302


def test_remedy_deadlines_are_60_days_and_6_calendar_months() -> None:
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    remedies = remedies_from(dt.date(2026, 12, 4))
    assert remedies.reconsideration_by == dt.date(2027, 2, 2)
    assert remedies.lawsuit_by == dt.date(2027, 6, 4)


def test_the_supplement_reason_is_shown_where_the_person_acts_on_it(
    client: Client, office: Office
) -> None:
    applicant = make_citizen()
    application = make_application(
        make_service(office.department), applicant, status=ApplicationStatus.UNDER_REVIEW
    )
    application_transition(
        application=application,
        action=Action.REQUEST_SUPPLEMENT,
        user=office.reviewer,
        reason="请补充近三个月的社保缴费证明",
    )
    client.login(username=applicant.username, password=PASSWORD)
    for url in [
        reverse("services:application_detail", args=[application.number]),
        reverse("services:application_step", args=[application.number, 0]),
        reverse("services:application_materials", args=[application.number]),
        reverse("services:application_review", args=[application.number]),
    ]:
        assert "请补充近三个月的社保缴费证明" in client.get(url).content.decode(), url


def test_check_your_answers_has_a_change_link_per_section(client: Client, office: Office) -> None:
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    client.login(username=applicant.username, password=PASSWORD)
    html = client.get(reverse("services:application_review", args=[application.number]))
    page = html.content.decode()
    for step in (0, 1):
        url = reverse("services:application_step", args=[application.number, step])
        assert f'<a href="{url}">修改' in page
    assert page.count(">修改<") == 3, "two form steps and the materials"


def test_a_clerk_is_not_shown_a_reply_box_and_a_refused_reply_keeps_its_text(
    client: Client, office: Office
) -> None:
    applicant = make_citizen()
    application = make_application(
        make_service(office.department), applicant, status=ApplicationStatus.APPROVED
    )
    evaluation = evaluation_create(application=application, user=applicant, rating=1)
    url = reverse("services:evaluations")
    client.login(username=office.clerk.username, password=PASSWORD)
    page = client.get(url).content.decode()
    assert application.number in page and "<textarea" not in page
    client.login(username=office.approver.username, password=PASSWORD)
    assert "<textarea" in client.get(url).content.decode()
    text = "抱歉" * 1001
    response = client.post(
        reverse("services:evaluation_reply", args=[evaluation.pk]), {"reply": text}
    )
    assert response.status_code == 400
    assert text in response.content.decode(), "the reply typed is not lost"
    assert Evaluation.objects.get().reply == ""
