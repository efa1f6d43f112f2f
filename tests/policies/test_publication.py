"""Publishing, amending (with history) and withdrawing policies, by services and pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from policies import services
from policies.constants import PolicyStatus, RunKind
from policies.models import Policy, PolicyRun, PolicyVersion
from portal.departments.constants import StaffRole
from tests.factories import PASSWORD, make_staff
from tests.policies.conftest import actor_of, record


def test_create_publish_amend_withdraw_keeps_history(city, django_capture_on_commit_callbacks):
    """Every change is kept; publishing and amending a published policy queue a push run."""
    actor = actor_of(city, "kjj")
    policy = services.policy_create(actor=actor, data=record())
    assert policy.status == PolicyStatus.DRAFT and policy.version == 1
    assert policy.materials[0] == {"name": "营业执照", "dataset": "scjg.business_registration"}
    with django_capture_on_commit_callbacks() as callbacks:
        services.policy_publish(actor=actor, policy=policy)
    assert len(callbacks) == 1  # the push task, dispatched after commit
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.PUBLISHED and policy.published_on is not None

    with pytest.raises(ValidationError) as exc:
        services.policy_amend(actor=actor, policy=policy, data={"title": "新标题"}, note="")
    assert "note" in exc.value.message_dict
    policy, changed = services.policy_amend(
        actor=actor, policy=policy, data={"benefit_cap": "300"}, note="提高上限"
    )
    assert changed and policy.version == 2 and str(policy.benefit_cap) == "300.00"
    _same, changed = services.policy_amend(
        actor=actor, policy=policy, data={"benefit_cap": "300"}, note="x"
    )
    assert not changed
    services.policy_withdraw(actor=actor, policy=policy, note="政策到期")
    history = list(PolicyVersion.objects.filter(policy=policy).order_by("at", "pk"))
    assert [h.action for h in history] == ["created", "published", "amended", "withdrawn"]
    assert history[2].changes == {"benefit_cap": ["200.00", "300.00"]}
    assert PolicyRun.objects.filter(policy=policy, kind=RunKind.PUSH).count() == 2
    with pytest.raises(ValidationError):
        services.policy_amend(actor=actor, policy=policy, data={"title": "x"}, note="x")


def test_saved_rules_are_validated(city):
    """A malformed rule is refused when saved, with the path and a clear message."""
    bad = {"all": [{"field": "headcount", "op": "gte", "value": "many"}]}
    with pytest.raises(ValidationError) as exc:
        services.policy_create(actor=actor_of(city, "kjj"), data=record(eligibility=bad))
    message = exc.value.message_dict["eligibility"][0]
    assert "all[0].value" in message and "number" in message


def test_only_the_issuing_department_writes(city):
    """Another department's system, or staff without the administrator role, are refused."""
    with pytest.raises(PermissionDenied):
        services.policy_create(actor=actor_of(city, "jxj"), data=record())
    clerk = city.staff("kjj.window_clerk")
    actor = services.Actor(department=clerk.department, user=clerk)
    with pytest.raises(PermissionDenied):
        services.policy_create(actor=actor, data=record())
    admin = city.staff("kjj.department_admin")
    policy = services.policy_create(
        actor=services.Actor(department=admin.department, user=admin), data=record()
    )
    assert policy.pk


def test_back_office_pages(city, client):
    """A department administrator creates, publishes and withdraws a policy in the back office."""
    admin = make_staff(city.departments["kjj"], StaffRole.DEPARTMENT_ADMIN, username="kjjboss")
    assert client.login(username="kjjboss", password=PASSWORD)
    assert client.get(reverse("policies:bo_list")).status_code == 200
    form = {
        "title": "科技型企业研发奖励",
        "document_number": "杭科测〔2026〕9号",
        "region": "330100",
        "summary": "奖励研发投入。",
        "benefit_kind": "fixed",
        "benefit_amount": "10",
        "eligibility": '{"all": [{"field": "headcount", "op": "gte", "value": "x"}]}',
        "promised_days": "20",
        "topics": ["rd"],
    }
    response = client.post(reverse("policies:bo_new"), form)
    assert response.status_code == 200
    assert "all[0].value" in response.content.decode()  # the error next to the field
    form["eligibility"] = '{"all": [{"field": "headcount", "op": "gte", "value": 10}]}'
    response = client.post(reverse("policies:bo_new"), form)
    policy = Policy.objects.get(document_number="杭科测〔2026〕9号")
    assert response.status_code == 302
    assert client.post(reverse("policies:bo_publish", args=[policy.pk])).status_code == 302
    page = client.get(reverse("policies:bo_detail", args=[policy.pk]))
    assert "v1" in page.content.decode()
    form.update(benefit_amount="12", note="上调奖励")
    assert client.post(reverse("policies:bo_edit", args=[policy.pk]), form).status_code == 302
    policy.refresh_from_db()
    assert policy.version == 2
    response = client.post(reverse("policies:bo_withdraw", args=[policy.pk]), {"note": "停止"})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.WITHDRAWN
    assert admin.department is not None
    # Staff of another department cannot open it.
    make_staff(city.departments["jxj"], StaffRole.DEPARTMENT_ADMIN, username="jxjboss")
    client.logout()
    assert client.login(username="jxjboss", password=PASSWORD)
    assert client.get(reverse("policies:bo_detail", args=[policy.pk])).status_code == 404


def test_api_writes_for_staff_and_refusal_for_anonymous(city, client):
    """Staff (session) create, amend, publish and withdraw by API; anonymous callers cannot."""
    assert client.post("/api/v1/policies/drafts", record(), "application/json").status_code in (
        401,
        403,
    )
    make_staff(city.departments["kjj"], StaffRole.DEPARTMENT_ADMIN, username="kjjapi")
    assert client.login(username="kjjapi", password=PASSWORD)
    data = record()
    data.pop("department")
    response = client.post("/api/v1/policies/drafts", data, "application/json")
    assert response.status_code == 201, response.content
    policy_id = response.json()["id"]
    bad = client.post(
        f"/api/v1/policies/{policy_id}/amend",
        {"eligibility": {"any": []}, "note": "x"},
        "application/json",
    )
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    assert "any needs at least one condition" in str(bad.json()["errors"]["eligibility"])
    response = client.post(f"/api/v1/policies/{policy_id}/publish")
    assert response.status_code == 200 and response.json()["status"] == "published"
    response = client.post(
        f"/api/v1/policies/{policy_id}/amend", {"title": "新", "note": "改名"}, "application/json"
    )
    assert response.json()["version"] == 2
    runs = client.get(f"/api/v1/policies/{policy_id}/runs").json()
    assert runs["count"] == 2
    response = client.post(
        f"/api/v1/policies/{policy_id}/withdraw", {"note": "到期"}, "application/json"
    )
    assert response.json()["status"] == "withdrawn"
    assert client.get(f"/api/v1/policies/{policy_id}").json()["status"] == "withdrawn"


def test_rule_validation_api(client, db):
    response = client.post(
        "/api/v1/policies/rules/validate", {"rule": {"field": "x", "op": "eq"}}, "application/json"
    )
    assert response.json()["valid"] is False
    assert "unknown field 'x'" in response.json()["errors"][0]
