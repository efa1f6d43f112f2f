import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.constants import ACTING_AS_SESSION_KEY, RepresentativeRole
from portal.accounts.services import firm_representative_set
from tests.factories import make_citizen, make_firm

pytestmark = pytest.mark.django_db


def test_person_switches_to_a_firm_they_represent_and_back(client: Client) -> None:
    person = make_citizen()
    firm = make_firm()
    firm_representative_set(firm=firm, user=person, role=RepresentativeRole.AGENT)
    client.force_login(person)

    response = client.post(reverse("accounts:act_as_switch"), {"firm_id": firm.pk}, follow=True)
    assert client.session[ACTING_AS_SESSION_KEY] == firm.pk
    assert response.context["acting_for"].firm == firm
    assert firm.name in response.content.decode()

    client.post(reverse("accounts:act_as_switch"), {"firm_id": ""})
    assert ACTING_AS_SESSION_KEY not in client.session


def test_person_cannot_act_for_a_firm_they_do_not_represent(client: Client) -> None:
    person = make_citizen()
    stranger_firm = make_firm()
    client.force_login(person)
    response = client.post(reverse("accounts:act_as_switch"), {"firm_id": stranger_firm.pk})
    assert response.status_code == 303
    assert ACTING_AS_SESSION_KEY not in client.session


def test_revoked_representation_stops_at_the_next_request(client: Client) -> None:
    person = make_citizen()
    firm = make_firm()
    rep = firm_representative_set(firm=firm, user=person, role=RepresentativeRole.AGENT)
    client.force_login(person)
    client.post(reverse("accounts:act_as_switch"), {"firm_id": firm.pk})
    rep.delete()
    response = client.get(reverse("core:home"))
    assert response.context["acting_for"] is None
    assert ACTING_AS_SESSION_KEY not in client.session


def test_only_a_firm_manager_may_appoint_agents() -> None:
    from django.core.exceptions import PermissionDenied

    legal, agent, newcomer = make_citizen(), make_citizen(), make_citizen()
    firm = make_firm()
    firm_representative_set(firm=firm, user=legal, role=RepresentativeRole.LEGAL_REPRESENTATIVE)
    firm_representative_set(firm=firm, user=agent, role=RepresentativeRole.AGENT)
    with pytest.raises(PermissionDenied):
        firm_representative_set(
            firm=firm, user=newcomer, role=RepresentativeRole.AGENT, actor=agent
        )
    rep = firm_representative_set(
        firm=firm, user=newcomer, role=RepresentativeRole.AGENT, actor=legal
    )
    assert rep.can_apply and not rep.can_manage_agents


def test_an_expired_representation_no_longer_works(client: Client) -> None:
    import datetime as dt

    person = make_citizen()
    firm = make_firm()
    firm_representative_set(
        firm=firm,
        user=person,
        role=RepresentativeRole.AGENT,
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    client.force_login(person)
    response = client.post(reverse("accounts:act_as_switch"), {"firm_id": firm.pk})
    assert response.status_code == 303
    assert ACTING_AS_SESSION_KEY not in client.session
