"""``portal.exchange.access``: each branch of each access function, and the holes it closes.

Hole 3: any staff role of the owning department overwrote register records through the API;
only its data stewards (or its system) may. Hole 12: any staff role, the auditor included,
read and requested grants through the exchange; reading is the window clerk's, reviewer's
and approver's, requesting the data steward's.
"""

import datetime as dt
import json
from collections.abc import Mapping

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.constants import RepresentativeRole
from portal.accounts.models import FirmRepresentative, User
from portal.accounts.services import firm_register, firm_representative_set
from portal.departments.constants import StaffRole
from portal.departments.services import audit_assignment_create, department_upsert
from portal.exchange import access
from portal.exchange.constants import ObjectionStatus
from portal.exchange.models import DatasetRecord, Objection
from portal.exchange.objections import objection_answer, objection_escalate, objection_raise
from portal.exchange.services import Reader, exchange_read
from tests.factories import (
    FIRM_CODE,
    World,
    make_citizen,
    make_department,
    make_grant,
    make_staff,
    make_system,
    make_world,
)

pytestmark = pytest.mark.django_db

READING_ROLES = [StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER]
NOT_READING = [StaffRole.DATA_STEWARD, StaffRole.DEPARTMENT_ADMIN]


@pytest.fixture
def world() -> World:
    return make_world()


def api(client: Client, method: str, url: str, body: Mapping[str, object]) -> int:
    send = getattr(client, method)
    return int(send(url, data=json.dumps(body), content_type="application/json").status_code)


# --- Hole 3: records ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER, StaffRole.DEPARTMENT_ADMIN],
)
def test_staff_of_the_owner_without_the_steward_role_cannot_overwrite_records(
    client: Client, world: World, role: StaffRole
) -> None:
    """A window clerk (or any role but data steward) gets 403 and the record is unchanged."""
    client.force_login(make_staff(world.owner, role))
    url = reverse("exchange-record", kwargs={"code": world.open.code})
    body = {"subject": FIRM_CODE, "data": {"name": "改名公司", "capital": "1"}}
    assert api(client, "put", url, body) == 403
    bulk = reverse("exchange-records-bulk", kwargs={"code": world.open.code})
    assert api(client, "post", bulk, {"rows": [body]}) == 403
    record = DatasetRecord.objects.get(dataset=world.open, subject_identifier=FIRM_CODE)
    assert record.data["name"] == "测试科技有限公司"


def test_the_owners_data_steward_writes_records(client: Client, world: World) -> None:
    client.force_login(make_staff(world.owner, StaffRole.DATA_STEWARD))
    url = reverse("exchange-record", kwargs={"code": world.open.code})
    body = {"subject": FIRM_CODE, "data": {"name": "新名称公司", "capital": "2"}}
    assert api(client, "put", url, body) == 200
    record = DatasetRecord.objects.get(dataset=world.open, subject_identifier=FIRM_CODE)
    assert record.data["name"] == "新名称公司"


def test_maintenance_branches(world: World) -> None:
    own_system, _key = make_system(world.owner, "owner-sys")
    other_system, _key = make_system(world.reader, "reader-sys")
    steward = make_staff(world.owner, StaffRole.DATA_STEWARD)
    # The owner's active system: allowed; another department's system: refused.
    assert access.may_maintain_dataset(dataset=world.open, system=own_system)
    assert not access.may_maintain_dataset(dataset=world.open, system=other_system)
    # A revoked system: refused.
    own_system.is_active = False
    assert not access.may_maintain_dataset(dataset=world.open, system=own_system)
    # Nobody: refused.
    assert not access.may_maintain_dataset(dataset=world.open)
    # The owner's steward: allowed; another department's steward: refused; another role: no.
    assert access.may_maintain_dataset(dataset=world.open, user=steward)
    other_steward = make_staff(world.reader, StaffRole.DATA_STEWARD)
    assert not access.may_maintain_dataset(dataset=world.open, user=other_steward)
    clerk = make_staff(world.owner, StaffRole.WINDOW_CLERK)
    assert not access.may_maintain_dataset(dataset=world.open, user=clerk)
    # access_dataset_for_maintenance: unknown code 404, refused 403, allowed returns it.
    with pytest.raises(Http404):
        access.access_dataset_for_maintenance(code="no.such", user=steward)
    with pytest.raises(PermissionDenied):
        access.access_dataset_for_maintenance(code=world.open.code, user=clerk)
    assert access.access_dataset_for_maintenance(code=world.open.code, user=steward) == world.open


def test_web_import_and_api_apply_the_same_rule(client: Client, world: World) -> None:
    """The CSV import page refuses the window clerk exactly as the API does."""
    client.force_login(make_staff(world.owner, StaffRole.WINDOW_CLERK))
    response = client.get(reverse("exchange:records_import", kwargs={"code": world.open.code}))
    assert response.status_code == 403


# --- Hole 12: reading and requesting are permissions of named roles ------------------------


@pytest.mark.parametrize("role", READING_ROLES)
def test_reading_roles_read(client: Client, world: World, role: StaffRole) -> None:
    client.force_login(make_staff(world.reader, role))
    body = {"dataset": world.open.code, "subject": FIRM_CODE, "purpose": "审核"}
    assert api(client, "post", reverse("exchange-read"), body) == 200
    assert client.get(reverse("exchange:lookup")).status_code == 200


@pytest.mark.parametrize("role", NOT_READING)
def test_other_roles_and_auditors_do_not_read(
    client: Client, world: World, role: StaffRole
) -> None:
    """403 before anything is read or logged; the page refuses too."""
    client.force_login(make_staff(world.reader, role))
    body = {"dataset": world.open.code, "subject": FIRM_CODE, "purpose": "审核"}
    assert api(client, "post", reverse("exchange-read"), body) == 403
    assert client.get(reverse("exchange:lookup")).status_code == 403


def test_an_auditor_does_not_read(client: Client, world: World) -> None:
    office = department_upsert(code="audit", name="审计办", region="330100", is_audit_office=True)
    auditor = make_staff(office)
    audit_assignment_create(
        actor=make_staff(office, StaffRole.DEPARTMENT_ADMIN), auditor=auditor, all_departments=True
    )
    client.force_login(auditor)
    body = {"dataset": world.open.code, "subject": FIRM_CODE, "purpose": "审计"}
    assert api(client, "post", reverse("exchange-read"), body) == 403
    with pytest.raises(PermissionDenied):
        exchange_read(
            reader=Reader(department=office, user=auditor),
            dataset_code=world.open.code,
            subject_identifier=FIRM_CODE,
            fields=None,
            purpose="审计",
        )


def test_read_branches(world: World) -> None:
    system, _key = make_system(world.reader, "reader-sys")
    other_system, _key = make_system(world.owner, "owner-sys")
    # The department's own active system reads; another's or a revoked one does not.
    assert access.may_read(department=world.reader, system=system)
    assert not access.may_read(department=world.reader, system=other_system)
    system.is_active = False
    assert not access.may_read(department=world.reader, system=system)
    # Nobody at all: no.
    assert not access.may_read(department=world.reader)
    # A reviewer of the department: yes; of another department: no.
    assert access.may_read(
        department=world.reader, user=make_staff(world.reader, StaffRole.REVIEWER)
    )
    assert not access.may_read(
        department=world.reader, user=make_staff(world.owner, StaffRole.REVIEWER)
    )
    # A citizen: no.
    assert not access.may_read(department=world.reader, user=make_citizen())


def test_only_the_data_steward_requests_grants(client: Client, world: World) -> None:
    today = timezone.localdate().isoformat()
    body = {
        "dataset": world.conditional.code,
        "fields": ["name"],
        "purpose": "政策审核",
        "legal_basis": "条例",
        "valid_from": today,
        "valid_until": today,
    }
    for role in [*READING_ROLES, StaffRole.DEPARTMENT_ADMIN]:
        client.force_login(make_staff(world.reader, role))
        assert api(client, "post", reverse("exchange-grant-request"), body) == 403, role
        assert client.get(reverse("exchange:grant_request")).status_code == 403, role
    client.force_login(make_staff(world.reader, StaffRole.DATA_STEWARD))
    assert api(client, "post", reverse("exchange-grant-request"), body) == 201
    assert client.get(reverse("exchange:grant_request")).status_code == 200


def test_request_grant_branches(world: World) -> None:
    system, _key = make_system(world.reader, "reader-sys")
    other, _key = make_system(world.owner, "owner-sys")
    assert access.may_request_grants(department=world.reader, system=system)
    assert not access.may_request_grants(department=world.reader, system=other)
    assert not access.may_request_grants(department=world.reader)
    steward = make_staff(world.reader, StaffRole.DATA_STEWARD)
    assert access.may_request_grants(department=world.reader, user=steward)
    assert not access.may_request_grants(department=world.owner, user=steward)
    assert not access.may_request_grants(
        department=world.reader, user=make_staff(world.reader, StaffRole.APPROVER)
    )
    with pytest.raises(PermissionDenied):
        access.request_grants_check(department=world.owner, user=steward)


def test_grant_for_steward_branches(world: World) -> None:
    grant = make_grant(world, ["name"])
    owner_steward = make_staff(world.owner, StaffRole.DATA_STEWARD)
    with pytest.raises(Http404):
        access.access_grant_for_steward(user=owner_steward, grant_id=999_999)
    with pytest.raises(PermissionDenied):
        access.access_grant_for_steward(
            user=make_staff(world.reader, StaffRole.DATA_STEWARD), grant_id=grant.pk
        )
    with pytest.raises(PermissionDenied):
        access.access_grant_for_steward(
            user=make_staff(world.owner, StaffRole.DEPARTMENT_ADMIN), grant_id=grant.pk
        )
    assert access.access_grant_for_steward(user=owner_steward, grant_id=grant.pk) == grant


# --- Objections (hole 4's other half): the reading department answers; the auditors see
# and answer those whose deadline passed unanswered -------------------------------------


def _objection(world: World) -> Objection:
    result = exchange_read(
        reader=Reader(department=world.reader, user=make_staff(world.reader, StaffRole.REVIEWER)),
        dataset_code=world.open.code,
        subject_identifier=FIRM_CODE,
        fields=None,
        purpose="审核",
    )
    return objection_raise(access=result.access, user=make_citizen(), text="不合理", firm_id=None)


def test_objection_branches(world: World) -> None:
    objection = _objection(world)
    office = department_upsert(code="audit", name="审计办", region="330100", is_audit_office=True)
    office_admin = make_staff(office, StaffRole.DEPARTMENT_ADMIN)
    reader_admin = make_staff(world.reader, StaffRole.DEPARTMENT_ADMIN)
    reader_clerk = make_staff(world.reader, StaffRole.WINDOW_CLERK)
    owner_admin = make_staff(world.owner, StaffRole.DEPARTMENT_ADMIN)
    scoped, elsewhere, everywhere = make_staff(office), make_staff(office), make_staff(office)
    audit_assignment_create(actor=office_admin, auditor=scoped, departments=[world.reader])
    audit_assignment_create(actor=office_admin, auditor=elsewhere, departments=[world.owner])
    audit_assignment_create(actor=office_admin, auditor=everywhere, all_departments=True)

    def seen(user: User) -> bool:
        return access.objections_visible_to(user=user).filter(pk=objection.pk).exists()

    # Before the deadline: the reading department's staff only; no auditor, nobody else.
    for user, expected in [
        (reader_clerk, True),
        (reader_admin, True),
        (scoped, False),
        (everywhere, False),
        (owner_admin, False),
        (elsewhere, False),
        (office_admin, False),
        (make_citizen(), False),
    ]:
        assert seen(user) == expected
    # Handled (reviewed, answered) by the reading department's administrator only.
    for user, may in [
        (reader_admin, True),
        (reader_clerk, False),
        (scoped, False),
        (everywhere, False),
        (owner_admin, False),
        (elsewhere, False),
    ]:
        assert access.may_handle_objection(user=user, objection=objection) == may
    with pytest.raises(PermissionDenied):
        access.handle_objection_check(user=reader_clerk, objection=objection)
    with pytest.raises(PermissionDenied):
        objection_answer(actor=scoped, objection=objection, response="未到期")
    # The deadline passes unanswered: escalated to the auditors covering the department.
    assert objection_escalate(
        objection_id=objection.pk, today=objection.due_on + dt.timedelta(days=1)
    )
    objection.refresh_from_db()
    for user, expected in [
        (scoped, True),
        (everywhere, True),
        (elsewhere, False),
        (office_admin, False),
        (owner_admin, False),
        (reader_clerk, True),
    ]:
        assert seen(user) == expected
    for user, may in [
        (scoped, True),
        (everywhere, True),
        (reader_admin, True),
        (elsewhere, False),
        (reader_clerk, False),
    ]:
        assert access.may_handle_objection(user=user, objection=objection) == may
    # The page's door: 404 for what one may not see or a malformed reference.
    with pytest.raises(Http404):
        access.access_objection_for_staff(user=elsewhere, reference=objection.reference)
    with pytest.raises(Http404):
        access.access_objection_for_staff(user=scoped, reference="x")
    assert (
        access.access_objection_for_staff(user=scoped, reference=objection.reference) == objection
    )
    with pytest.raises(PermissionDenied):
        objection_answer(actor=elsewhere, objection=objection, response="越权")
    answered = objection_answer(actor=scoped, objection=objection, response="已核实")
    assert answered.status == ObjectionStatus.ANSWERED
    assert answered.answered_by_auditor


def test_an_auditor_of_another_department_cannot_answer_through_the_page(
    client: Client, world: World
) -> None:
    objection = _objection(world)
    objection_escalate(objection_id=objection.pk, today=objection.due_on + dt.timedelta(days=1))
    office = department_upsert(code="audit", name="审计办", region="330100", is_audit_office=True)
    elsewhere = make_staff(office)
    audit_assignment_create(
        actor=make_staff(office, StaffRole.DEPARTMENT_ADMIN),
        auditor=elsewhere,
        departments=[make_department()],
    )
    client.force_login(elsewhere)
    url = reverse("exchange:staff_objection", kwargs={"reference": objection.reference})
    response = client.post(url, {"action": "answer", "response": "越权"})
    assert response.status_code == 404
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.RECEIVED


def test_a_clerk_of_the_reading_department_sees_but_cannot_answer(
    client: Client, world: World
) -> None:
    """The clerk is shown no answer box (it would answer 403 and lose the text)."""
    objection = _objection(world)
    client.force_login(make_staff(world.reader, StaffRole.WINDOW_CLERK))
    url = reverse("exchange:staff_objection", kwargs={"reference": objection.reference})
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="response"' not in page.content.decode()
    assert client.post(url, {"action": "answer", "response": "越权"}).status_code == 403
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.RECEIVED


def test_person_objection_branches(world: World) -> None:
    """A person sees their own objections; acting for a firm, the firm's (with the right)."""
    mine = _objection(world)
    person = mine.raised_by
    other = make_citizen()
    assert list(access.objections_of_person(user=person, rep=None)) == [mine]
    assert not access.objections_of_person(user=other, rep=None).exists()
    assert access.access_own_objection(user=person, rep=None, reference=mine.reference) == mine
    with pytest.raises(Http404):
        access.access_own_objection(user=other, rep=None, reference=mine.reference)
    with pytest.raises(Http404):
        access.access_own_objection(user=person, rep=None, reference="../x")
    assert access.may_follow_objection(user=person, objection=mine)
    assert not access.may_follow_objection(user=other, objection=mine)
    assert access.objection_recipients(objection=mine) == [person]


# --- Who used my data ---------------------------------------------------------------------


def test_data_use_branches(world: World) -> None:

    firm = firm_register(name="测试科技有限公司", uscc=FIRM_CODE, region="330100")
    citizen, agent, stranger = make_citizen(), make_citizen(), make_citizen()
    rep = firm_representative_set(
        firm=firm, user=agent, role=RepresentativeRole.AGENT, can_view_data_use=True
    )
    read = exchange_read(
        reader=Reader(department=world.reader, user=make_staff(world.reader, StaffRole.REVIEWER)),
        dataset_code=world.open.code,
        subject_identifier=FIRM_CODE,
        fields=None,
        purpose="审核",
    )
    # Own name: own identity number; acting for the firm with the right: the firm's code.
    assert access.data_use_subject_for(user=citizen, rep=None) == (citizen.id_number, None)
    assert access.data_use_subject_for(user=agent, rep=rep) == (firm.uscc, firm)
    assert access.access_data_use(user=agent, rep=rep, access_id=str(read.access.pk))
    # The firm's access is not the citizen's own.
    with pytest.raises(Http404):
        access.access_data_use(user=citizen, rep=None, access_id=str(read.access.pk))
    # Someone else's representation, no right, an ended mandate: refused.
    with pytest.raises(PermissionDenied):
        access.data_use_subject_for(user=stranger, rep=rep)
    rep.can_view_data_use = False
    with pytest.raises(PermissionDenied):
        access.data_use_subject_for(user=agent, rep=rep)
    rep.can_view_data_use, rep.valid_until = True, dt.date(2000, 1, 1)
    with pytest.raises(PermissionDenied):
        access.data_use_subject_for(user=agent, rep=rep)
    assert isinstance(rep, FirmRepresentative)
    # Staff (no identity number) and anonymous visitors: refused.
    with pytest.raises(PermissionDenied):
        access.data_use_subject_for(user=make_staff(world.reader), rep=None)
    with pytest.raises(PermissionDenied):
        access.data_use_subject_for(user=AnonymousUser(), rep=None)


def test_refusals_are_problem_details_in_the_users_language(client: Client, world: World) -> None:
    """403 as RFC 9457 problem details saying which role is needed, in zh-hans by default."""
    client.force_login(make_staff(world.reader, StaffRole.DATA_STEWARD))
    body = {"dataset": world.open.code, "subject": FIRM_CODE, "purpose": "审核"}
    response = client.post(
        reverse("exchange-read"),
        data=json.dumps(body),
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert "数据共享交换读取" in response.json()["detail"]
    response = client.post(
        reverse("exchange-read"),
        data=json.dumps(body),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert "reading other departments' data" in response.json()["detail"]
