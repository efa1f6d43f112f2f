"""Sharing grants: asked by B, decided by A's data steward only, expiring and revocable."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.departments.constants import StaffRole
from portal.exchange.constants import GrantStatus, ReadReason
from portal.exchange.models import SharingGrant
from portal.exchange.services import (
    Reader,
    exchange_read,
    grant_decide,
    grant_request,
    grant_revoke,
)
from tests.factories import FIRM_CODE, World, make_department, make_staff, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def ask(world: World, fields: list[str]) -> SharingGrant:
    today = timezone.localdate()
    return grant_request(
        dataset=world.conditional,
        requester=world.reader,
        fields=fields,
        purpose="惠企政策资格审核",
        legal_basis="《优化营商环境条例》",
        valid_from=today,
        valid_until=today + dt.timedelta(days=365),
        requested_by=make_staff(world.reader, StaffRole.DATA_STEWARD),
    )


def test_request_narrow_approve_then_revoke(world: World) -> None:
    steward = make_staff(world.owner, StaffRole.DATA_STEWARD)
    grant = ask(world, ["name", "capital"])
    grant_decide(actor=steward, grant=grant, approve=True, fields=["name"])
    assert grant.status == GrantStatus.APPROVED and grant.granted_fields == ["name"]
    reader = Reader(department=world.reader, user=make_staff(world.reader, StaffRole.REVIEWER))
    result = exchange_read(
        reader=reader,
        dataset_code=world.conditional.code,
        subject_identifier=FIRM_CODE,
        fields=None,
        purpose="审核",
    )
    assert result.reason == ReadReason.NARROWED and set(result.fields) == {"name"}
    grant_revoke(actor=steward, grant=grant, note="用途已结束")
    result = exchange_read(
        reader=reader,
        dataset_code=world.conditional.code,
        subject_identifier=FIRM_CODE,
        fields=None,
        purpose="审核",
    )
    assert result.reason == ReadReason.GRANT_REVOKED


def test_only_the_owners_steward_decides(world: World) -> None:
    grant = ask(world, ["name"])
    for actor in (
        make_staff(world.owner, StaffRole.REVIEWER),  # owner, wrong role
        make_staff(world.reader, StaffRole.DATA_STEWARD),  # steward, wrong department
        make_staff(make_department(), StaffRole.DATA_STEWARD),
    ):
        with pytest.raises(PermissionDenied):
            grant_decide(actor=actor, grant=grant, approve=True)
    assert SharingGrant.objects.get().status == GrantStatus.REQUESTED


def test_refusal_needs_a_reason_and_unconditional_needs_no_grant(world: World) -> None:
    steward = make_staff(world.owner, StaffRole.DATA_STEWARD)
    grant = ask(world, ["name"])
    with pytest.raises(ValidationError):
        grant_decide(actor=steward, grant=grant, approve=False)
    grant_decide(actor=steward, grant=grant, approve=False, note="用途不明确")
    assert grant.status == GrantStatus.REFUSED
    with pytest.raises(ValidationError, match="无需申请授权"):
        grant_request(
            dataset=world.open,
            requester=world.reader,
            fields=["name"],
            purpose="x",
            legal_basis="y",
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate(),
        )


def test_approval_cannot_add_fields_or_extend_the_period(world: World) -> None:
    steward = make_staff(world.owner, StaffRole.DATA_STEWARD)
    grant = ask(world, ["name"])
    with pytest.raises(ValidationError):
        grant_decide(actor=steward, grant=grant, approve=True, fields=["name", "capital"])
    with pytest.raises(ValidationError):
        grant_decide(
            actor=steward,
            grant=grant,
            approve=True,
            valid_until=grant.valid_until + dt.timedelta(days=1),
        )


def test_back_office_pages_for_the_whole_grant_cycle(client: Client, world: World) -> None:
    requester = make_staff(world.reader, StaffRole.DATA_STEWARD)
    client.force_login(requester)
    response = client.post(
        reverse("exchange:grant_request"),
        {
            "dataset": world.conditional.code,
            "fields_wanted": "name, capital",
            "purpose": "研发补助测算",
            "legal_basis": "市政府令",
            "valid_from": timezone.localdate().isoformat(),
            "valid_until": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()
    grant = SharingGrant.objects.get()
    steward = make_staff(world.owner, StaffRole.DATA_STEWARD)
    client.force_login(steward)
    assert "研发补助测算" in client.get(reverse("exchange:grants")).content.decode()
    client.post(
        reverse("exchange:grant_decide", args=[grant.pk]),
        {"approve": "1", "fields_granted": "capital", "note": ""},
    )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED and grant.granted_fields == ["capital"]
    # The requester cannot decide its own request through the page either.
    client.force_login(requester)
    client.post(reverse("exchange:grant_decide", args=[grant.pk]), {"approve": "0", "revoke": "1"})
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED


def test_citizen_cannot_open_exchange_back_office(client: Client) -> None:
    from tests.factories import make_citizen

    client.force_login(make_citizen())
    for name in ("lookup", "grants", "reads", "objections", "datasets"):
        assert client.get(reverse(f"exchange:{name}")).status_code == 403, name


def test_record_import_reports_every_bad_row(client: Client, world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    steward = make_staff(world.owner, StaffRole.DATA_STEWARD)
    client.force_login(steward)
    csv_text = (
        "subject,name,capital,founded\nA1,甲公司,100,2020-01-01\nA2,乙公司,abc,2020-01-01\n,丙,1,\n"
    )
    upload = SimpleUploadedFile("r.csv", csv_text.encode(), content_type="text/csv")
    response = client.post(
        reverse("exchange:records_import", args=[world.open.code]), {"file": upload}
    )
    assert response.status_code == 200
    assert set(response.context["errors"]) == {2, 3}
    # Another department's steward may not import into this dataset.
    client.force_login(make_staff(world.reader, StaffRole.DATA_STEWARD))
    assert client.get(reverse("exchange:records_import", args=[world.open.code])).status_code == 403
