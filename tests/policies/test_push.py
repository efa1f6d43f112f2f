"""Push (match every firm, notify the eligible once) and grant without applying (免申即享)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from policies import services, tasks
from policies.constants import (
    PURPOSE_GRANT,
    AwardStatus,
    MatchOutcome,
    NoticeKind,
    RunKind,
    RunStatus,
)
from policies.models import BenefitAward, FirmProfile, Policy, PolicyMatch, PolicyNotice, PolicyRun
from portal.accounts.models import User
from portal.departments.constants import StaffRole
from portal.exchange.models import Access
from tests.factories import PASSWORD, make_staff
from tests.policies.conftest import act_for, actor_of, record


def _publish(city, captured, **extra):
    actor = actor_of(city, "kjj")
    policy = services.policy_create(actor=actor, data=record(**extra))
    with captured(execute=False) as callbacks:
        services.policy_publish(actor=actor, policy=policy)
    assert len(callbacks) == (2 if extra.get("grant_without_applying") else 1)
    policy.refresh_from_db()
    return policy, PolicyRun.objects.get(policy=policy, kind=RunKind.PUSH)


def test_push_notifies_each_eligible_firm_exactly_once_even_if_run_twice(
    demo_city, django_capture_on_commit_callbacks
):
    policy, run = _publish(demo_city, django_capture_on_commit_callbacks)
    tasks.policy_run_task(run.pk)  # the Celery task, run in-process
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.total == run.processed == FirmProfile.objects.count() == 4
    eligible = set(
        PolicyMatch.objects.filter(policy=policy, outcome=MatchOutcome.ELIGIBLE).values_list(
            "firm_id", flat=True
        )
    )
    assert eligible == {demo_city.firms[0].pk, demo_city.firms[1].pk}  # R&D ≥ 100
    assert run.eligible == 2 and run.notified == 2
    near = PolicyMatch.objects.get(policy=policy, firm=demo_city.firms[2])
    assert near.outcome == MatchOutcome.NEAR_MISS and str(near.estimated_amount) == "9.00"

    # The same run again (a redelivered task), and a new run: no second notice.
    PolicyRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    services.policy_run_execute(run_id=run.pk, batch_size=1)
    again = services.policy_run_start(
        actor=actor_of(demo_city, "kjj"), policy=policy, kind=RunKind.PUSH
    )
    again = services.policy_run_execute(run_id=again.pk, batch_size=3)
    assert again.notified == 0 and again.eligible == 2
    notices = PolicyNotice.objects.filter(policy=policy, kind=NoticeKind.ELIGIBLE)
    assert sorted(notices.values_list("firm_id", flat=True)) == sorted(eligible)


def test_amendment_rematches_and_notifies_only_new_eligible_firms(
    demo_city, django_capture_on_commit_callbacks
):
    policy, run = _publish(demo_city, django_capture_on_commit_callbacks)
    services.policy_run_execute(run_id=run.pk)
    with django_capture_on_commit_callbacks(execute=False):
        services.policy_amend(
            actor=actor_of(demo_city, "kjj"),
            policy=policy,
            data={"eligibility": {"all": [{"field": "rd_expense", "op": "gte", "value": 50}]}},
            note="门槛降至50万元",
        )
    amended = PolicyRun.objects.filter(policy=policy).latest("pk")
    assert amended.policy_version == 2
    amended = services.policy_run_execute(run_id=amended.pk)
    assert amended.eligible == 3 and amended.notified == 1  # only the newly eligible firm
    assert PolicyNotice.objects.filter(policy=policy).count() == 3
    assert set(
        PolicyMatch.objects.filter(policy=policy).values_list("policy_version", flat=True)
    ) == {2}


def test_run_progress_in_the_back_office(demo_city, client, django_capture_on_commit_callbacks):
    _policy, run = _publish(demo_city, django_capture_on_commit_callbacks)
    make_staff(demo_city.departments["kjj"], StaffRole.REVIEWER, username="kjjviewer")
    assert client.login(username="kjjviewer", password=PASSWORD)
    page = client.get(reverse("policies:bo_run_detail", args=[run.pk])).content.decode()
    assert 'http-equiv="refresh"' in page  # queued: the page refreshes itself
    services.policy_run_execute(run_id=run.pk)
    page = client.get(reverse("policies:bo_run_detail", args=[run.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page and "4 / 4" in page


def test_grant_without_applying_is_idempotent_and_its_reads_are_in_the_ledger(demo_city):
    """The 稳岗返还 policy (rsj, 免申即享) was granted by the demo's run to the three firms
    the data proves eligible; running it again grants nothing more and reads nothing more."""
    policy = Policy.objects.get(title="失业保险稳岗返还（稳岗补贴）")
    awards = BenefitAward.objects.filter(policy=policy)
    assert {a.firm_id for a in awards} == {demo_city.firms[i].pk for i in (0, 1, 3)}
    award = awards.get(firm=demo_city.firms[0])
    assert award.status == AwardStatus.GRANTED and str(award.amount) == "12.90"
    assert {r["truth"] for r in award.reasons} == {"met"}
    reads = Access.objects.filter(purpose=f"{PURPOSE_GRANT}：{policy.document_number}")
    assert {str(pk) for pk in reads.values_list("pk", flat=True)} >= set(award.access_ids)
    assert {a.reader_department.code for a in reads} == {"rsj"}  # the issuing department
    # Only the firms the kept profiles shortlist are read (the one in arrears is not).
    assert reads.count() == 3 * 5
    assert PolicyNotice.objects.filter(policy=policy, kind=NoticeKind.GRANTED).count() == 3
    rsj = demo_city.systems["rsj"]
    actor = services.Actor(department=rsj.department, system=rsj)
    run = services.policy_run_start(actor=actor, policy=policy, kind=RunKind.GRANT)
    run = services.policy_run_execute(run_id=run.pk)
    assert run.granted == 0
    assert BenefitAward.objects.filter(policy=policy).count() == 3
    assert reads.count() == 3 * 5  # firms already decided are not read again
    assert PolicyNotice.objects.filter(policy=policy, kind=NoticeKind.GRANTED).count() == 3


def test_a_firm_the_data_cannot_prove_is_invited_to_apply(
    demo_city, django_capture_on_commit_callbacks
):
    """kjj cannot read tax paid: a 免申即享 rule on it leaves firms unknown, so they are
    invited to apply instead of granted."""
    rule = {"all": [{"field": "tax_paid", "op": "gte", "value": 1}]}
    policy, _push = _publish(
        demo_city,
        django_capture_on_commit_callbacks,
        eligibility=rule,
        grant_without_applying=True,
        benefit_kind="fixed",
        benefit_amount="5",
    )
    grant = PolicyRun.objects.get(policy=policy, kind=RunKind.GRANT)
    grant = services.policy_run_execute(run_id=grant.pk)
    assert grant.granted == 0 and grant.unknown == 4
    assert not BenefitAward.objects.filter(policy=policy).exists()
    assert PolicyNotice.objects.filter(policy=policy, kind=NoticeKind.INVITED).count() == 4
    assert not PolicyNotice.objects.filter(policy=policy, kind=NoticeKind.ELIGIBLE).exists()


def test_firm_declines_a_granted_benefit(demo_city, client):
    policy = Policy.objects.get(title="失业保险稳岗返还（稳岗补贴）")
    firm = demo_city.firms[0]
    award = BenefitAward.objects.get(policy=policy, firm=firm)
    act_for(client, User.objects.get(username="zhangsan"), firm)
    page = client.get(reverse("policies:for_me")).content.decode()
    assert "失业保险稳岗返还" in page and reverse("policies:award_decline", args=[award.pk]) in page
    url = reverse("policies:award_decline", args=[award.pk])
    # A confirmation page first, without JavaScript: the amount, and that it is for good.
    confirm = client.get(url).content.decode()
    assert "12.90 万元" in confirm and "无法在网上撤销" in confirm and 'method="post"' in confirm
    # Not confirmed: nothing happens, and the page says what to do.
    response = client.post(url, {"reason": "不需要"})
    assert response.status_code == 400 and "放弃后企业将不再获得" in response.content.decode()
    award.refresh_from_db()
    assert award.status == AwardStatus.GRANTED
    response = client.post(url, {"reason": "不需要", "confirm": "on"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.status == AwardStatus.DECLINED and award.decline_reason == "不需要"
    with pytest.raises(ValidationError, match="已放弃"):  # already declined
        services.award_decline(award=award, representative=firm.representatives.first(), reason="")
