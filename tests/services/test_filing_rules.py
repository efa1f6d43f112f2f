"""Filing without losing work or filing as someone else: identity, validation, drafts, "back"."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.composition.demo.accounts import demo_resident_id
from portal.services.constants import ApplicationStatus
from portal.services.models import Application, ServiceItem
from portal.services.schema import schema_errors
from portal.services.services import application_step_save, service_item_upsert
from tests.factories import (
    PASSWORD,
    Office,
    make_application,
    make_citizen,
    make_service,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

OTHER_ID = demo_resident_id("11010119800101123")

CHECKED_SCHEMA: dict[str, object] = {
    "steps": [
        {
            "title": "申请人信息",
            "fields": [
                {
                    "name": "applicant_name",
                    "type": "text",
                    "label": "姓名",
                    "required": True,
                    "prefill": "applicant.real_name",
                },
                {
                    "name": "applicant_id_number",
                    "type": "id_number",
                    "label": "身份证号码",
                    "required": True,
                    "prefill": "applicant.id_number",
                },
                {"name": "child_name", "type": "text", "label": "子女姓名", "required": True},
            ],
        },
        {
            "title": "申请内容",
            "fields": [
                {
                    "name": "left_on",
                    "type": "date",
                    "label": "离职日期",
                    "required": True,
                    "when": "past",
                },
                {"name": "bank_account", "type": "bank_account", "label": "银行账号"},
                {"name": "notes", "type": "textarea", "label": "说明"},
            ],
        },
    ]
}


def _checked_service(office: Office) -> ServiceItem:
    return service_item_upsert(
        department=office.department,
        code=f"{office.department.code}-checked",
        name="失业登记",
        legal_days=10,
        promised_days=5,
        form_schema=CHECKED_SCHEMA,
        materials=[],
    )


def test_name_and_identity_number_come_from_the_account_whatever_is_posted(
    client: Client, office: Office
) -> None:
    """Filing under another person's ID is impossible: the posted values are ignored."""
    applicant = make_citizen(real_name="王小明")
    application = make_application(_checked_service(office), applicant)
    client.login(username=applicant.username, password=PASSWORD)
    url = reverse("services:application_step", args=[application.number, 0])
    page = client.get(url).content.decode()
    assert 'name="applicant_id_number"' in page and "disabled" in page
    assert "来自您的账户，此处不能修改" in page
    response = client.post(
        url,
        {
            "applicant_name": "李四",
            "applicant_id_number": OTHER_ID,
            "child_name": "王小小",
            "next": "",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.data["applicant_name"] == "王小明"
    assert application.data["applicant_id_number"] == applicant.id_number
    review = client.get(reverse("services:application_review", args=[application.number]))
    assert applicant.id_number not in review.content.decode(), "shown masked"
    assert applicant.masked_id_number in review.content.decode()
    # A later prefill (e.g. from a policy) cannot put another identity in either.
    again = make_application(_checked_service(office), applicant)
    assert again.data["applicant_id_number"] == applicant.id_number


def test_a_leave_date_in_the_future_a_bank_account_of_letters_and_html_in_names_are_refused(
    office: Office,
) -> None:
    applicant = make_citizen()
    application = make_application(_checked_service(office), applicant)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        application_step_save(
            application=application,
            user=applicant,
            step=1,
            values={
                "left_on": tomorrow.isoformat(),
                "bank_account": "abc",
                "notes": "<script>alert(1)</script>",
            },
        )
    errors = exc.value.message_dict
    assert set(errors) == {"left_on", "bank_account", "notes"}
    assert "不能晚于今天" in errors["left_on"][0]
    with pytest.raises(ValidationError) as exc:
        application_step_save(
            application=application, user=applicant, step=0, values={"child_name": "<b>小明</b>"}
        )
    assert set(exc.value.message_dict) == {"child_name"}
    application_step_save(
        application=application,
        user=applicant,
        step=1,
        values={"left_on": timezone.localdate().isoformat(), "bank_account": "6222 0212-3456 7890"},
    )
    application.refresh_from_db()
    assert application.data["bank_account"] == "6222021234567890"


def test_a_long_text_is_never_cut_the_limit_is_shown_and_enforced_with_a_message(
    client: Client, office: Office
) -> None:
    applicant = make_citizen()
    application = make_application(_checked_service(office), applicant)
    client.login(username=applicant.username, password=PASSWORD)
    url = reverse("services:application_step", args=[application.number, 1])
    page = client.get(url).content.decode()
    assert "maxlength" not in page, "the browser would cut pasted text silently"
    assert "最多 2000 个字符" in page
    response = client.post(
        url, {"left_on": "2025-01-02", "notes": "字" * 2003, "next": ""}, HTTP_ACCEPT_LANGUAGE="zh"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "现有 2003 个，超出 3 个" in html
    assert "字" * 2003 in html, "what was typed comes back whole"


def test_the_identity_check_character_error_comes_with_all_the_others_at_sign_up(
    client: Client,
) -> None:
    wrong = OTHER_ID[:-1] + ("0" if OTHER_ID[-1] != "0" else "1")
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "username": "a b",
            "real_name": "<b>王</b>",
            "id_number": wrong,
            "password1": "x",
            "password2": "y",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"username", "real_name", "id_number", "password2"} <= set(form.errors)
    html = response.content.decode()
    assert 'class="error-summary"' in html and "autofocus" in html
    assert html.count("<li><a href=") >= 4, "every error is in the summary, linked to its field"


def test_when_is_only_for_dates() -> None:
    bad = {
        "steps": [
            {"title": "x", "fields": [{"name": "a", "type": "text", "label": "A", "when": "past"}]}
        ]
    }
    assert any("when" in e for e in schema_errors(bad))
    assert schema_errors(CHECKED_SCHEMA) == []


def test_apply_online_resumes_the_one_draft_and_a_draft_can_be_deleted(
    client: Client, office: Office
) -> None:
    service = make_service(office.department)
    applicant = make_citizen()
    client.login(username=applicant.username, password=PASSWORD)
    start = reverse("services:application_start", args=[service.code])
    client.post(start)
    response = client.post(start)
    assert Application.objects.filter(applicant=applicant).count() == 1
    draft = Application.objects.get(applicant=applicant)
    assert response["Location"] == reverse("services:application_detail", args=[draft.number])
    page = client.get(reverse("services:service_detail", args=[service.code])).content.decode()
    assert "继续填写草稿" in page and draft.number in page
    # Deleting asks first (a page of its own, no JavaScript) and then deletes it with its files.
    delete = reverse("services:draft_delete", args=[draft.number])
    assert (
        reverse("services:draft_delete", args=[draft.number])
        in client.get(reverse("services:my_applications")).content.decode()
    )
    client.post(
        reverse("services:application_materials", args=[draft.number]),
        {"requirement": "proof", "file": pdf_upload()},
    )
    assert "确定删除草稿吗" in client.get(delete).content.decode()
    assert Application.objects.filter(pk=draft.pk).exists()
    response = client.post(delete, follow=True)
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert f"草稿 {draft.number} 已删除" in response.content.decode()


def test_a_submitted_application_cannot_be_deleted(client: Client, office: Office) -> None:
    applicant = make_citizen()
    application = make_application(
        make_service(office.department), applicant, status=ApplicationStatus.SUBMITTED
    )
    client.login(username=applicant.username, password=PASSWORD)
    client.post(reverse("services:draft_delete", args=[application.number]))
    assert Application.objects.filter(pk=application.pk).exists()


def test_back_keeps_what_was_typed_on_the_step_even_unfinished(
    client: Client, office: Office
) -> None:
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    client.login(username=applicant.username, password=PASSWORD)
    step1 = reverse("services:application_step", args=[application.number, 1])
    response = client.post(step1, {"headcount": "7", "started_on": "2026-13-40", "back": ""})
    assert response["Location"] == reverse(
        "services:application_step", args=[application.number, 0]
    )
    page = client.get(step1).content.decode()
    assert 'value="7"' in page
    assert 'value="2026-13-40"' in page, "even a wrong value is kept to be corrected"
    application.refresh_from_db()
    assert application.current_step == 0, "going back does not count the step as done"
