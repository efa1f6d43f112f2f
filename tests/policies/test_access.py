"""``policies.access``: each branch, and the firm pages' rights (hole 10) and supervision by
assignment only (hole 4).

Hole 10: a representative without rights still saw the firm's register figures, triggered
fresh exchange reads and overwrote the firm's declaration. Now seeing the figures needs
``can_view_firm_data`` and acting on policies for the firm needs ``can_apply``.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from policies import access, services
from policies.models import FirmDeclaration, Policy, PolicyNotice
from portal.accounts.constants import RepresentativeRole
from portal.accounts.models import FirmRepresentative, User
from portal.accounts.services import firm_representative_set
from portal.departments.services import audit_assignment_create
from portal.exchange.models import Access
from tests.factories import make_citizen, make_staff
from tests.policies.conftest import City, act_for, actor_of, record

pytestmark = pytest.mark.django_db


def _agent(
    city: City,
    *,
    can_apply: bool = True,
    can_view_data_use: bool = True,
    can_view_firm_data: bool = True,
) -> tuple[User, FirmRepresentative]:
    user = make_citizen()
    rep = firm_representative_set(
        firm=city.firms[0],
        user=user,
        role=RepresentativeRole.AGENT,
        can_apply=can_apply,
        can_view_data_use=can_view_data_use,
        can_view_firm_data=can_view_firm_data,
    )
    return user, rep


def test_a_representative_without_rights_sees_no_figures_reads_nothing_declares_nothing(
    demo_city: City, client: Client
) -> None:
    firm = demo_city.firms[0]
    user, _rep = _agent(
        demo_city, can_apply=False, can_view_data_use=False, can_view_firm_data=False
    )
    act_for(client, user, firm)
    before_reads = Access.objects.count()
    before = FirmDeclaration.objects.filter(firm=firm).values_list("data", flat=True).first()
    assert client.get(reverse("policies:for_me")).status_code == 403
    assert client.post(reverse("policies:for_me_refresh")).status_code == 403
    assert client.get(reverse("policies:declare")).status_code == 403
    assert client.post(reverse("policies:declare"), {"revenue": "1"}).status_code == 403
    # Marking policy messages read touches only firms the person may file for: none here.
    unread = PolicyNotice.objects.filter(firm=firm, read_at__isnull=True).count()
    assert client.post(reverse("policies:notices_read")).status_code == 302
    assert PolicyNotice.objects.filter(firm=firm, read_at__isnull=True).count() == unread
    assert Access.objects.count() == before_reads  # no fresh exchange read
    after = FirmDeclaration.objects.filter(firm=firm).values_list("data", flat=True).first()
    assert after == before
    # The policy page shows no figures of the firm (no "your firm" explanation).
    policy = Policy.objects.filter(status="published").first()
    assert policy is not None
    page = client.get(reverse("policies:detail", args=[policy.pk]))
    assert page.status_code == 200 and page.context["profile"] is None
    assert reverse("policies:apply", args=[policy.pk]) not in page.content.decode()


def test_seeing_figures_and_acting_are_separate_rights(demo_city: City, client: Client) -> None:
    """An agent who may see the figures but not apply sees them, and cannot refresh them."""
    firm = demo_city.firms[0]
    user, _rep = _agent(demo_city, can_apply=False, can_view_firm_data=True)
    act_for(client, user, firm)
    page = client.get(reverse("policies:for_me"))
    assert page.status_code == 200 and page.context["profile"] is not None
    assert page.context["unread_policy_notices"] == 0  # notices are for those who act
    assert reverse("policies:for_me_refresh") not in page.content.decode()  # no button
    assert client.post(reverse("policies:for_me_refresh")).status_code == 403
    assert client.get(reverse("policies:declare")).status_code == 403


def test_the_legal_representative_does_everything(demo_city: City, client: Client) -> None:
    firm = demo_city.firms[0]
    act_for(client, User.objects.get(username="zhangsan"), firm)
    assert client.get(reverse("policies:for_me")).status_code == 200
    assert client.post(reverse("policies:for_me_refresh")).status_code == 302
    assert client.get(reverse("policies:declare")).status_code == 200


def test_firm_side_branches(city: City) -> None:
    user, rep = _agent(city, can_apply=True, can_view_firm_data=True)
    stranger = make_citizen()
    # Nobody acting for a firm.
    assert not access.may_view_firm_figures(rep=None, user=user)
    assert not access.may_act_on_policies(rep=None, user=user)
    # Someone else's representation.
    assert not access.may_view_firm_figures(rep=rep, user=stranger)
    assert not access.may_act_on_policies(rep=rep, user=AnonymousUser())
    # With the rights.
    assert access.may_view_firm_figures(rep=rep, user=user)
    assert access.may_act_on_policies(rep=rep, user=user)
    # Without them.
    rep.can_view_firm_data = rep.can_apply = False
    assert not access.may_view_firm_figures(rep=rep, user=user)
    assert not access.may_act_on_policies(rep=rep, user=user)
    # After the mandate ended.
    rep.can_view_firm_data = rep.can_apply = True
    rep.valid_until = timezone.localdate() - dt.timedelta(days=1)
    assert not access.may_view_firm_figures(rep=rep, user=user)
    assert not access.may_act_on_policies(rep=rep, user=user)
    with pytest.raises(PermissionDenied):
        access.firm_policies_check(rep=None, user=user)
    with pytest.raises(PermissionDenied):
        access.firm_figures_check(rep=rep, user=user)
    # The services refuse too, whoever calls them.
    with pytest.raises(PermissionDenied):
        services.firm_declaration_save(firm=rep.firm, user=stranger, data={})


def test_department_side_branches(city: City) -> None:
    kjj, scjg = city.departments["kjj"], city.departments["scjg"]
    policy = services.policy_create(actor=actor_of(city, "kjj"), data=record(), note="")
    admin = city.staff("kjj.department_admin")
    clerk = city.staff("kjj.window_clerk")
    # Managing: the department's system, its administrator; not a clerk, not another's.
    assert access.may_manage_policies(department=kjj, system=city.systems["kjj"])
    assert not access.may_manage_policies(department=kjj, system=city.systems["scjg"])
    assert not access.may_manage_policies(department=kjj)
    assert access.may_manage_policies(department=kjj, user=admin)
    assert not access.may_manage_policies(department=kjj, user=clerk)
    assert not access.may_manage_policies(department=kjj, user=city.staff("scjg.department_admin"))
    with pytest.raises(PermissionDenied):
        services.policy_publish(actor=services.Actor(department=kjj, user=clerk), policy=policy)
    # Own department's policy: found; another's: 404.
    assert access.access_policy_for_department(department=kjj, policy_id=policy.pk) == policy
    with pytest.raises(Http404):
        access.access_policy_for_department(department=scjg, policy_id=policy.pk)
    # Supervision: own staff (any role), an auditor covering it; not others.
    office_admin = city.staff("sjj.department_admin")
    scoped = make_staff(city.departments["sjj"])
    audit_assignment_create(actor=office_admin, auditor=scoped, departments=[scjg])
    assert access.may_supervise(user=clerk, department=kjj)
    assert access.may_supervise(user=scoped, department=scjg)
    assert not access.may_supervise(user=scoped, department=kjj)
    assert not access.may_supervise(user=city.staff("scjg.department_admin"), department=kjj)
    assert access.may_supervise(user=city.staff("sjj.auditor"), department=kjj)
    assert access.access_department_for_supervision(user=clerk, code="") == kjj
    assert access.access_department_for_supervision(user=scoped, code="scjg") == scjg
    with pytest.raises(Http404):
        access.access_department_for_supervision(user=scoped, code="nowhere")
    with pytest.raises(PermissionDenied):
        access.access_department_for_supervision(user=scoped, code="kjj")
    with pytest.raises(Http404):
        access.access_policy_for_supervision(user=clerk, policy_id=999_999)
    with pytest.raises(PermissionDenied):
        access.access_policy_for_supervision(user=scoped, policy_id=policy.pk)
    assert access.access_policy_for_supervision(user=clerk, policy_id=policy.pk) == policy


def test_only_administrators_open_the_policy_editing_pages(city: City, client: Client) -> None:
    policy = services.policy_create(actor=actor_of(city, "kjj"), data=record(), note="")
    client.force_login(city.staff("kjj.reviewer"))
    assert client.get(reverse("policies:bo_new")).status_code == 403
    assert client.get(reverse("policies:bo_edit", args=[policy.pk])).status_code == 403
    assert client.get(reverse("policies:bo_detail", args=[policy.pk])).status_code == 200
    client.force_login(city.staff("kjj.department_admin"))
    assert client.get(reverse("policies:bo_edit", args=[policy.pk])).status_code == 200
