"""Every branch of the one read function, and exactly one ledger event per branch."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ledger.core.commitment import Details
from ledger.models import PendingEvent, ReadDetails
from portal.departments.constants import StaffRole
from portal.exchange.constants import GrantStatus, ReadReason
from portal.exchange.models import Access
from portal.exchange.services import Reader, exchange_read
from tests.factories import FIRM_CODE, World, make_grant, make_staff, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def read(
    world: World, dataset_code: str, fields: list[str] | None = None, subject: str = FIRM_CODE
):
    staff = make_staff(world.reader, StaffRole.REVIEWER)
    before = PendingEvent.objects.count()
    result = exchange_read(
        reader=Reader(department=world.reader, user=staff),
        dataset_code=dataset_code,
        subject_identifier=subject,
        fields=fields,
        purpose="核验企业登记信息",
        application_number="SQ-2026-000001",
    )
    events = PendingEvent.objects.order_by("-created_at")
    assert PendingEvent.objects.count() == before + 1, "exactly one ledger event per read"
    event = events.first()
    assert event is not None
    assert event.payload["outcome"] == result.outcome
    details = Details.from_bytes(bytes(ReadDetails.objects.get(event_id=event.id).details))
    assert details.reason == result.reason
    assert details.application_number == "SQ-2026-000001"
    assert details.reader.user == staff.get_username()
    public = bytes(event.data) + str(event.payload).encode()
    assert FIRM_CODE.encode() not in public, "the subject is never in the public entry"
    assert b"SQ-2026-000001" not in public, "nor the application number"
    access = Access.objects.get(ledger_event_id=event.id)
    assert access.outcome == result.outcome
    return result


def test_unconditional_dataset_is_read_without_a_grant(world: World) -> None:
    result = read(world, world.open.code)
    assert result.granted and result.reason == ReadReason.UNCONDITIONAL
    assert result.data == {"name": "测试科技有限公司", "capital": "1000", "founded": "2020-01-02"}


def test_conditional_dataset_without_grant_is_refused(world: World) -> None:
    result = read(world, world.conditional.code)
    assert not result.granted and result.reason == ReadReason.NO_GRANT
    assert result.data is None


def test_conditional_dataset_with_valid_grant_returns_granted_fields(world: World) -> None:
    make_grant(world, ["capital", "name"])
    result = read(world, world.conditional.code, ["name", "capital"])
    assert result.granted and result.reason == ReadReason.GRANT
    assert result.data == {"capital": "1000", "name": "测试科技有限公司"}


def test_grant_narrows_the_fields_returned(world: World) -> None:
    make_grant(world, ["name"])
    result = read(world, world.conditional.code)  # asks for every field
    assert result.granted and result.reason == ReadReason.NARROWED
    assert result.data == {"name": "测试科技有限公司"}
    assert result.access.fields == ["name"]


def test_no_requested_field_granted_is_refused(world: World) -> None:
    make_grant(world, ["name"])
    result = read(world, world.conditional.code, ["capital"])
    assert not result.granted and result.reason == ReadReason.FIELDS_NOT_GRANTED


def test_expired_grant_is_refused(world: World) -> None:
    grant = make_grant(world, ["name"])
    grant.valid_until = timezone.localdate() - dt.timedelta(days=1)
    grant.save()
    result = read(world, world.conditional.code, ["name"])
    assert not result.granted and result.reason == ReadReason.GRANT_EXPIRED


def test_revoked_grant_is_refused(world: World) -> None:
    make_grant(world, ["name"], status=GrantStatus.REVOKED)
    result = read(world, world.conditional.code, ["name"])
    assert not result.granted and result.reason == ReadReason.GRANT_REVOKED


def test_not_shared_dataset_is_never_given_out(world: World) -> None:
    result = read(world, world.closed.code)
    assert not result.granted and result.reason == ReadReason.NOT_SHARED


def test_unknown_subject_is_logged_as_no_record(world: World) -> None:
    from portal.composition.demo.accounts import demo_uscc

    result = read(world, world.open.code, subject=demo_uscc("91330106MA2NBDY00"))
    assert not result.granted and result.reason == ReadReason.UNKNOWN_SUBJECT


def test_own_departments_data_needs_no_grant(world: World) -> None:
    staff = make_staff(world.owner, StaffRole.REVIEWER)
    result = exchange_read(
        reader=Reader(department=world.owner, user=staff),
        dataset_code=world.closed.code,
        subject_identifier=FIRM_CODE,
        fields=["name"],
        purpose="内部核对",
    )
    assert result.granted and result.reason == ReadReason.OWN_DEPARTMENT
    assert PendingEvent.objects.count() == 1


def test_a_read_must_name_its_purpose(world: World) -> None:
    staff = make_staff(world.reader, StaffRole.REVIEWER)
    with pytest.raises(ValidationError):
        exchange_read(
            reader=Reader(department=world.reader, user=staff),
            dataset_code=world.open.code,
            subject_identifier=FIRM_CODE,
            fields=None,
            purpose="  ",
        )
    assert PendingEvent.objects.count() == 0


def test_unknown_fields_are_refused_before_reading(world: World) -> None:
    staff = make_staff(world.reader, StaffRole.REVIEWER)
    with pytest.raises(ValidationError, match="salary"):
        exchange_read(
            reader=Reader(department=world.reader, user=staff),
            dataset_code=world.open.code,
            subject_identifier=FIRM_CODE,
            fields=["salary"],
            purpose="核验",
        )


def test_staff_cannot_read_on_behalf_of_another_department(world: World) -> None:
    staff = make_staff(world.owner, StaffRole.REVIEWER)
    with pytest.raises(PermissionDenied):
        Reader(department=world.reader, user=staff)


def test_refusal_survives_in_the_callers_transaction(world: World) -> None:
    """A refusal is returned, not raised: the caller's transaction commits the ledger event."""
    result = read(world, world.closed.code)
    assert Access.objects.filter(pk=result.access.pk, outcome="refused").exists()
