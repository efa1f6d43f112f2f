"""Apply once (an application in the services workflow), ratings and the supervision dashboard."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.urls import reverse

from policies import applications
from policies.models import Policy, PolicyApplication, PolicyRating
from portal.accounts.models import User
from portal.exchange.models import Access, SharingGrant
from portal.services.constants import ApplicationStatus, MaterialSource
from portal.services.models import Application
from tests.factories import pdf_upload
from tests.policies.conftest import act_for


def _apply(client, policy, **extra):
    data = {"bank_account": "6222 0202 0011 2233", "contact_phone": "13800138000"}
    data.update({"declaration": "on", **extra})
    return client.post(reverse("policies:apply", args=[policy.pk]), data)


def test_apply_once_shows_everything_then_files_with_the_issuing_department(demo_city, client):
    """The policy page shows what will be filed (department, firm, contact from the account,
    amount, the conditions met in words, the policy's own materials); one confirmation files
    it with the department that issued the policy, its materials fetched or uploaded."""
    firm = demo_city.firms[0]
    policy = Policy.objects.get(title="杭州市企业研发费用补助")  # issued by 科技局 (kjj)
    act_for(client, User.objects.get(username="lisi"), firm)
    detail = client.get(reverse("policies:detail", args=[policy.pk])).content.decode()
    apply_part = detail.split('id="apply-h"')[1].split('id="rate-h"')[0]
    assert "市科学技术局" in apply_part and "86 万元" in apply_part
    assert "上年度研发费用不低于100万元" in apply_part  # the condition in words ...
    assert "：region" not in apply_part and "region；" not in apply_part  # ... never its key
    for m in policy.materials:  # the policy's list, all of it
        assert m["name"] in apply_part
    assert 'name="material_m_' in apply_part  # 研发费用专项审计报告 is uploaded here
    assert 'enctype="multipart/form-data"' in apply_part

    # Everything wrong at once, in Chinese, on the same page; nothing is filed.
    response = _apply(client, policy, contact_phone="0571-87654321", bank_account="abc")
    assert response.status_code == 400
    text = response.content.decode()
    assert "11 位手机号码" in text and "银行账号" in text and "研发费用专项审计报告" in text
    assert not PolicyApplication.objects.filter(policy=policy, firm=firm).exists()

    audit = next(m for m in policy.materials if m["name"] == "研发费用专项审计报告")
    code = applications.material_code(audit)
    response = _apply(client, policy, **{f"material_{code}": pdf_upload("audit.pdf")})
    link = PolicyApplication.objects.get(policy=policy, firm=firm)
    application = link.application
    assert response.status_code == 302 and response["Location"].endswith(
        f"/my/applications/{application.number}/"
    )
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.department.code == "kjj"  # the issuing department, not 经信局
    assert application.service.department.code == "kjj"
    assert [m["name"] for m in application.service.materials] == [
        m["name"] for m in policy.materials
    ]
    assert application.data["policy_title"] == "杭州市企业研发费用补助（杭科计〔2025〕21号）"
    assert application.data["amount"] == "86"
    assert application.data["bank_account"] == "6222020200112233"
    assert application.data["contact_phone"] == "13800138000"
    assert "上年度研发费用不低于100万元" in application.data["notes"]
    assert "region" not in application.data["notes"]
    fetched = application.materials.filter(source=MaterialSource.EXCHANGE)
    assert fetched.count() == 3  # licence, tax figures, tax credit
    assert application.materials.filter(source=MaterialSource.UPLOAD).count() == 1
    assert (
        Access.objects.filter(application_number=application.number, reader_department__code="kjj")
        .exclude(outcome="refused")
        .count()
        == 3
    )
    # Once per firm and policy: a second confirmation returns the same application.
    _apply(client, policy)
    assert Application.objects.filter(firm=firm).count() == 1
    # It is in the issuing department's queue, not in the economy bureau's.
    client.force_login(User.objects.get(username="kjj.window_clerk"))
    assert application.number in client.get(reverse("services:queue")).content.decode()
    client.force_login(User.objects.get(username="jxj.window_clerk"))
    assert application.number not in client.get(reverse("services:queue")).content.decode()


def test_a_material_the_issuer_cannot_fetch_is_asked_for_on_the_same_page(demo_city, client):
    """When the issuing department's grant is gone, the page says so before confirming and
    asks for the upload there; confirming with it files the application."""
    SharingGrant.objects.filter(dataset__code="swj.tax_paid", requester__code="kjj").delete()
    firm = demo_city.firms[0]
    policy = Policy.objects.get(title="杭州市企业研发费用补助")
    act_for(client, User.objects.get(username="lisi"), firm)
    detail = client.get(reverse("policies:detail", args=[policy.pk])).content.decode()
    assert 'name="material_swj_tax_paid"' in detail
    assert "未向发文部门共享" in detail
    uploads = {
        f"material_{applications.material_code(m)}": pdf_upload()
        for m in policy.materials
        if m["name"] in ("研发费用专项审计报告", "上年度营业收入和研发费用（税务）")
    }
    response = _apply(client, policy, **uploads)
    application = PolicyApplication.objects.get(policy=policy, firm=firm).application
    assert response.status_code == 302 and application.status == ApplicationStatus.SUBMITTED
    assert application.materials.filter(source=MaterialSource.UPLOAD).count() == 2


def test_apply_is_refused_when_not_eligible_or_granted_without_applying(demo_city):
    firm = demo_city.firms[3]  # the micro studio: no R&D
    rep = firm.representatives.get()
    policy = Policy.objects.get(title="杭州市企业研发费用补助")
    with pytest.raises(ValidationError) as refused:
        applications.policy_apply(
            policy=policy,
            representative=rep,
            user=rep.user,
            contact_phone="13800138000",
            bank_account="6222020200112233",
            declaration=True,
            max_bytes=10**6,
            max_files=5,
        )
    assert "不符合该政策的条件" in str(refused.value) or "数据" in str(refused.value)
    grant = Policy.objects.get(title="失业保险稳岗返还（稳岗补贴）")
    assert not applications.can_apply_online(policy=grant)


def test_rating_and_supervision_dashboard_with_csv(demo_city, client):
    """Firms rate a policy; the dashboard shows matched, notified, granted, amounts, ratings,
    with a chart's data beside the table, and exports CSV."""
    firm = demo_city.firms[0]
    policy = Policy.objects.get(title="失业保险稳岗返还（稳岗补贴）")
    act_for(client, User.objects.get(username="zhangsan"), firm)
    client.post(
        reverse("policies:rate", args=[policy.pk]),
        {"clarity": "4", "handling": "5", "comment": "兑现很快"},
    )
    assert PolicyRating.objects.get(policy=policy, firm=firm).handling == 5
    client.force_login(User.objects.get(username="rsj.reviewer"))
    page = client.get(reverse("policies:supervision")).content.decode()
    assert "失业保险稳岗返还" in page and 'id="chart-data"' in page
    assert static("policies/vendor/echarts.min.js") in page  # the hashed, compressed copy
    detail = client.get(reverse("policies:supervision_policy", args=[policy.pk])).content.decode()
    assert "兑现很快" in detail and "76.35" in detail  # 12.90 + 63.00 + 0.45
    export = client.get(reverse("policies:supervision"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header, *data = rows
    row = dict(zip(header, next(r for r in data if r[1] == policy.title), strict=True))
    assert row["免申即享"] == "3"
    assert row["兑现金额（万元）"] == "76.35"
    assert row["清晰度（1–5）"] == "4"
    # Another department's staff cannot supervise rsj; an auditor can.
    client.force_login(User.objects.get(username="kjj.reviewer"))
    assert client.get(reverse("policies:supervision"), {"department": "rsj"}).status_code == 403
    client.force_login(User.objects.get(username="sjj.auditor"))
    page = client.get(reverse("policies:supervision"), {"department": "rsj"})
    assert page.status_code == 200 and "失业保险稳岗返还" in page.content.decode()


def test_supervision_counts_applications_against_the_promise(demo_city, client):
    firm = demo_city.firms[1]
    policy = Policy.objects.get(title="杭州市企业研发费用补助")
    rep = firm.representatives.get()
    audit = next(m for m in policy.materials if not m["dataset"])
    result = applications.policy_apply(
        policy=policy,
        representative=rep,
        user=rep.user,
        contact_phone="13800138000",
        bank_account="33050161000000001234",
        declaration=True,
        uploads={applications.material_code(audit): pdf_upload()},
        max_bytes=10**6,
        max_files=5,
    )
    assert result.submitted
    figures = applications.application_figures(policy_ids=[policy.pk])
    assert len(figures) == 1 and figures[0].decided_at is None
    client.force_login(User.objects.get(username="kjj.reviewer"))
    page = client.get(reverse("policies:supervision_policy", args=[policy.pk])).content.decode()
    assert "286 万元" in page  # amount matched: 86 + the biotech firm's capped 200
