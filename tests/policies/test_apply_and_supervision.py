"""Apply once (an application in the services workflow), ratings and the supervision dashboard."""

import csv
import io

from django.urls import reverse

from policies import applications
from policies.models import Policy, PolicyApplication, PolicyRating
from portal.accounts.models import User
from portal.exchange.models import Access
from portal.services.constants import ApplicationStatus, MaterialSource
from portal.services.models import Application
from tests.policies.conftest import act_for


def test_apply_once_files_a_prefilled_application_with_fetched_materials(demo_city, client):
    """One POST: the application is created, filled from the profile, its materials fetched
    from the departments (in the ledger), and submitted to the service's department."""
    firm = demo_city.firms[0]
    policy = Policy.objects.get(title="杭州市企业研发费用补助")
    act_for(client, User.objects.get(username="lisi"), firm)
    detail = client.get(reverse("policies:detail", args=[policy.pk])).content.decode()
    assert reverse("policies:apply", args=[policy.pk]) in detail
    response = client.post(
        reverse("policies:apply", args=[policy.pk]),
        {"bank_account": "6222020200112233", "contact_phone": "13800138000", "declaration": "on"},
    )
    link = PolicyApplication.objects.get(policy=policy, firm=firm)
    application = link.application
    assert response.status_code == 302 and response["Location"].endswith(
        f"/my/applications/{application.number}/"
    )
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.data["policy_title"] == "杭州市企业研发费用补助（杭科计〔2025〕21号）"
    assert application.data["amount"] in ("86.00", "86", 86)
    assert application.data["bank_account"] == "6222020200112233"
    fetched = application.materials.filter(source=MaterialSource.EXCHANGE)
    assert fetched.count() >= 2
    assert Access.objects.filter(application_number=application.number).count() >= 2
    # Once per firm and policy: a second click returns the same application.
    client.post(reverse("policies:apply", args=[policy.pk]))
    assert Application.objects.filter(firm=firm).count() == 1
    # It appears in the service department's queue.
    client.force_login(User.objects.get(username="jxj.window_clerk"))
    queue = client.get(reverse("services:queue")).content.decode()
    assert application.number in queue


def test_apply_is_refused_when_not_eligible_or_granted_without_applying(demo_city):
    firm = demo_city.firms[3]  # the micro studio: no R&D
    rep = firm.representatives.get()
    policy = Policy.objects.get(title="杭州市企业研发费用补助")
    try:
        applications.policy_apply(policy=policy, representative=rep, user=rep.user)
    except Exception as exc:
        assert "不符合该政策的条件" in str(exc)
    else:
        raise AssertionError("expected a refusal")
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
    assert "echarts.min.js" in page
    detail = client.get(reverse("policies:supervision_policy", args=[policy.pk])).content.decode()
    assert "兑现很快" in detail and "76.35" in detail  # 12.90 + 63.00 + 0.45
    export = client.get(reverse("policies:supervision"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header, *data = rows
    row = dict(zip(header, next(r for r in data if r[1] == policy.title), strict=True))
    assert row["granted without applying"] == "3"
    assert row["amount granted (10k yuan)"] == "76.35"
    assert row["clarity (1-5)"] == "4.0"
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
    result = applications.policy_apply(
        policy=policy,
        representative=rep,
        user=rep.user,
        bank_account="6222020200112233",
        answers={"contact_phone": "13800138000", "declaration": True},
    )
    assert result.submitted
    figures = applications.application_figures(policy_ids=[policy.pk])
    assert len(figures) == 1 and figures[0].decided_at is None
    client.force_login(User.objects.get(username="kjj.reviewer"))
    page = client.get(reverse("policies:supervision_policy", args=[policy.pk])).content.decode()
    assert "286.00" in page  # amount matched: 86 + the biotech firm's capped 200
