"""The one inbox, ``/my/notifications/``: every notice of a person (applications, objections,
policies of the firms they file for, unsealed reads), newest first; the header's unread count
counts them all; "mark all as read" marks every kind; a constant number of queries."""

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from policies import services as policy_services
from policies.constants import NoticeKind
from policies.models import PolicyNotice
from portal.accounts.models import Firm, User
from portal.exchange.models import Access, ObjectionNotice, ReadNotice
from portal.exchange.objections import objection_raise
from portal.exchange.services import Reader, exchange_read
from portal.services.constants import Action, ApplicationStatus
from portal.services.models import Notification
from portal.services.services import application_transition
from tests.factories import make_application, make_office, make_service
from tests.policies.conftest import City, act_for, actor_of, city, record

pytestmark = pytest.mark.django_db
__all__ = ["city"]  # the demo city fixture of the policies tests

_numbers = itertools.count(1)
T0 = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


@dataclass
class Person:
    user: User
    firm: Firm


def person(city: City) -> Person:
    """李四 of the demo: a citizen with an identity number and an agent of the first firm."""
    return Person(User.objects.get(username="lisi"), city.firms[0])


def _read(city: City, who: Person) -> Access:
    system = city.systems["rsj"]
    return exchange_read(
        reader=Reader(department=system.department, system=system),
        dataset_code="gaj.household_registration",
        subject_identifier=str(who.user.id_number),
        fields=None,
        purpose="核对户籍",
    ).access


def add_notices(city: City, who: Person, n: int, *, start: dt.datetime = T0) -> list[str]:
    """``n`` notices of each kind, their times interleaved (application, objection, policy,
    unsealed read, then again); returns the kinds from oldest to newest."""
    office = make_office()
    service = make_service(office.department, code=f"svc{next(_numbers)}")
    kinds = []
    at = start
    for _ in range(n):
        application = make_application(service, who.user, status=ApplicationStatus.SUBMITTED)
        application_transition(application=application, action=Action.ACCEPT, user=office.clerk)
        Notification.objects.filter(application=application).update(created_at=at)
        at += dt.timedelta(minutes=1)
        access = _read(city, who)
        objection = objection_raise(access=access, user=who.user, text="为何调取？", firm_id=None)
        ObjectionNotice.objects.filter(objection=objection).update(created_at=at)
        at += dt.timedelta(minutes=1)
        policy = policy_services.policy_create(
            actor=actor_of(city, "kjj"),
            data=record(document_number=f"杭科测〔2026〕{next(_numbers)}号"),
        )
        PolicyNotice.objects.create(
            policy=policy, firm=who.firm, kind=NoticeKind.ELIGIBLE, created_at=at
        )
        at += dt.timedelta(minutes=1)
        notice = ReadNotice.objects.create(recipient=who.user, access=_read(city, who))
        ReadNotice.objects.filter(pk=notice.pk).update(created_at=at)
        at += dt.timedelta(minutes=1)
        kinds += ["application", "objection", "policy", "data_use"]
    return kinds


def listed_kinds(body: str) -> list[str]:
    kinds = []
    for part in body.split('class="notice notice--')[1:]:
        kinds.append(part.split('"')[0].split()[0])
    return kinds


def test_every_kind_is_in_the_one_list_newest_first(city: City, client: Client) -> None:
    who = person(city)
    kinds = add_notices(city, who, 2)
    client.force_login(who.user)
    response = client.get(reverse("services:notifications"))
    body = response.content.decode()
    assert listed_kinds(body) == list(reversed(kinds))
    # Each notice in words, with its link.
    assert "办件" in body and "异议" in body and "政策" in body and "数据使用" in body
    assert "企业研发费用补助" in body and who.firm.name in body
    assert "YY-2026-" in body or "YY-" in body
    assert reverse("exchange:data_uses") in body
    # The header counts every unread notice: 2 of each of 4 kinds.
    assert response.context["unread_notices"] == 8
    assert '<span class="count">8</span>' in body


def test_mark_all_as_read_marks_every_kind(city: City, client: Client) -> None:
    who = person(city)
    add_notices(city, who, 1)
    client.force_login(who.user)
    assert client.get(reverse("services:notifications")).context["unread_notices"] == 4
    response = client.post(reverse("services:notifications"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=who.user, read_at__isnull=True).exists()
    assert not ObjectionNotice.objects.filter(recipient=who.user, read_at__isnull=True).exists()
    assert not PolicyNotice.objects.filter(firm=who.firm, read_at__isnull=True).exists()
    assert not ReadNotice.objects.filter(recipient=who.user, read_at__isnull=True).exists()
    page = client.get(reverse("services:notifications"))
    assert page.context["unread_notices"] == 0
    assert 'class="count"' not in page.content.decode()
    assert "unread" not in page.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_each_kind_counts_and_clears_on_its_own(city: City, client: Client) -> None:
    """Opening an objection marks its notices read; the policies' own button marks policy
    messages; the unsealed-read button marks those: the count follows each."""
    who = person(city)
    add_notices(city, who, 1)
    client.force_login(who.user)
    objection = ObjectionNotice.objects.get(recipient=who.user).objection
    client.get(reverse("exchange:objection_detail", args=[objection.reference]))
    assert client.get(reverse("services:notifications")).context["unread_notices"] == 3
    client.post(reverse("policies:notices_read"))
    assert client.get(reverse("services:notifications")).context["unread_notices"] == 2
    client.post(reverse("exchange:read_notices_read"))
    assert client.get(reverse("services:notifications")).context["unread_notices"] == 1


def test_a_former_agent_no_longer_sees_the_firms_policy_messages(
    city: City, client: Client
) -> None:
    from portal.accounts.models import FirmRepresentative

    who = person(city)
    add_notices(city, who, 1)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    FirmRepresentative.objects.filter(firm=who.firm, user=who.user).update(valid_until=yesterday)
    client.force_login(who.user)
    response = client.get(reverse("services:notifications"))
    assert "notice--policy" not in response.content.decode()
    assert response.context["unread_notices"] == 3


def test_the_old_policy_inbox_goes_to_the_one_inbox(city: City, client: Client) -> None:
    who = person(city)
    act_for(client, who.user, who.firm)
    response = client.get("/policies/for-me/notices/")
    assert response.status_code == 301 and response["Location"] == "/my/notifications/"


def test_the_list_takes_the_same_queries_whatever_the_number_of_notices(
    city: City, client: Client, django_assert_num_queries
) -> None:
    who = person(city)
    add_notices(city, who, 1)
    client.force_login(who.user)
    client.get(reverse("services:notifications"))  # warm the session
    # Session and user; per kind one count (shared with the header) and one list.
    queries = 2 + 4 + 4
    with django_assert_num_queries(queries):
        client.get(reverse("services:notifications"))
    add_notices(city, who, 6, start=T0 + dt.timedelta(days=1))
    with django_assert_num_queries(queries):
        response = client.get(reverse("services:notifications"))
    assert len(listed_kinds(response.content.decode())) == 20  # one page of 28
    assert response.context["unread_notices"] == 28
    with django_assert_num_queries(queries):
        second = client.get(reverse("services:notifications"), {"page": 2})
    assert len(listed_kinds(second.content.decode())) == 8


def test_the_inbox_reads_in_english(city: City, client: Client) -> None:
    who = person(city)
    add_notices(city, who, 1)
    client.force_login(who.user)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("services:notifications")).content.decode()
    assert "Every message to you in one place" in body
    for label in ("Application", "Objection", "Policy", "Use of your data"):
        assert f'<span class="notice-kind">{label}</span>' in body
    assert "Your objection was received" in body and "You may be eligible" in body
