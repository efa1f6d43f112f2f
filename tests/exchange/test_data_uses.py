"""'Who used my data': people see accesses to their own data only, each with its ledger proof."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from ledger.constants import KeyKind
from ledger.core.checkpoint import cosign
from ledger.core.notes import parse_note
from ledger.core.signing import ALG_COSIGNATURE_V1, generate
from ledger.core.verify import verify_bundle
from ledger.models import Cosignature, LedgerKey
from ledger.services import checkpoint_create, ledger_sequence_all
from portal.accounts.constants import RepresentativeRole
from portal.accounts.services import firm_register, firm_representative_set
from portal.departments.constants import StaffRole
from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.models import Dataset, Objection
from portal.exchange.services import Reader, dataset_upsert, exchange_read, record_put
from tests.conftest import make_citizen, make_department, make_staff
from tests.exchange.factories import FIRM_CODE

pytestmark = pytest.mark.django_db


def cosign_latest() -> None:
    """Stand in for a witness: cosign the latest checkpoint with a registered witness key."""
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    key = generate("witness.test", ALG_COSIGNATURE_V1)
    LedgerKey.objects.get_or_create(
        vkey=key.vkey, defaults={"name": key.name, "kind": KeyKind.WITNESS}
    )
    text, _sigs = parse_note(checkpoint.note)
    Cosignature.objects.create(checkpoint=checkpoint, witness_name=key.name, line=cosign(text, key))


@pytest.fixture
def setting():
    owner, reader = make_department(name="公安局"), make_department(name="民政局")
    people = dataset_upsert(
        code=f"{owner.code}.household",
        name="户籍信息",
        owner=owner,
        subject_kind=SubjectKind.CITIZEN,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[{"name": "address", "type": "string", "label": "地址", "required": True}],
    )
    firms = dataset_upsert(
        code=f"{owner.code}.firms",
        name="企业登记",
        owner=owner,
        subject_kind=SubjectKind.FIRM,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[{"name": "name", "type": "string", "label": "名称", "required": True}],
    )
    alice, bob = make_citizen(), make_citizen()
    for person in (alice, bob):
        record_put(
            dataset=people,
            department=owner,
            subject_identifier=str(person.id_number),
            data={"address": "文三路1号"},
        )
    firm = firm_register(name="测试科技有限公司", uscc=FIRM_CODE, region="330100")
    record_put(
        dataset=firms, department=owner, subject_identifier=firm.uscc, data={"name": firm.name}
    )
    staff = make_staff(reader, StaffRole.REVIEWER)
    reader_ = Reader(department=reader, user=staff)
    exchange_read(
        reader=reader_,
        dataset_code=people.code,
        subject_identifier=str(alice.id_number),
        fields=None,
        purpose="低保审核",
        application_number="SQ-2026-000100",
    )
    exchange_read(
        reader=reader_,
        dataset_code=people.code,
        subject_identifier=str(bob.id_number),
        fields=None,
        purpose="BOB-ONLY-PURPOSE",
    )
    exchange_read(
        reader=reader_,
        dataset_code=firms.code,
        subject_identifier=firm.uscc,
        fields=None,
        purpose="FIRM-PURPOSE",
    )
    return {"alice": alice, "bob": bob, "firm": firm, "reader": reader}


def test_citizen_sees_their_accesses_and_no_one_elses(client: Client, setting) -> None:
    client.force_login(setting["alice"])
    body = client.get(reverse("exchange:data_uses")).content.decode()
    assert "低保审核" in body and "SQ-2026-000100" in body
    assert setting["reader"].name in body
    assert "BOB-ONLY-PURPOSE" not in body and "FIRM-PURPOSE" not in body


def test_accesses_are_marked_verified_once_in_a_cosigned_checkpoint(
    client: Client, setting
) -> None:
    client.force_login(setting["alice"])

    def marks() -> list[bool]:
        rows = client.get(reverse("exchange:data_uses")).context["rows"]
        return [row.mark.verified for row in rows]

    assert marks() == [False]  # still pending
    ledger_sequence_all()
    checkpoint_create()
    assert marks() == [False]  # a checkpoint without a witness cosignature is not enough
    cosign_latest()
    assert marks() == [True]
    assert 'class="tag ok verified"' in client.get(reverse("exchange:data_uses")).content.decode()


def test_proof_download_verifies_offline(client: Client, setting) -> None:
    ledger_sequence_all()
    cosign_latest()
    client.force_login(setting["alice"])
    access = client.get(reverse("exchange:data_uses")).context["rows"][0].access
    response = client.get(reverse("exchange:data_use_proof", args=[access.pk]))
    assert response.status_code == 200
    bundle = json.loads(response.content)
    report = verify_bundle(bundle)
    assert report.ok, report.message
    assert bundle["end"] - bundle["start"] == 1


def test_a_person_cannot_open_anothers_access_by_url(client: Client, setting) -> None:
    client.force_login(setting["bob"])
    bob_access = client.get(reverse("exchange:data_uses")).context["rows"][0].access
    client.force_login(setting["alice"])
    assert client.get(reverse("exchange:data_use_proof", args=[bob_access.pk])).status_code == 404
    response = client.post(reverse("exchange:data_use_object", args=[bob_access.pk]), {"text": "x"})
    assert response.status_code == 404
    assert not Objection.objects.exists()


def test_firm_agent_sees_the_firms_accesses(client: Client, setting) -> None:
    agent = make_citizen()
    firm_representative_set(firm=setting["firm"], user=agent, role=RepresentativeRole.AGENT)
    client.force_login(agent)
    client.post(reverse("accounts:act_as_switch"), {"firm_id": setting["firm"].pk})
    body = client.get(reverse("exchange:data_uses")).content.decode()
    assert "FIRM-PURPOSE" in body and "低保审核" not in body


def test_agent_without_the_right_is_refused(client: Client, setting) -> None:
    agent = make_citizen()
    firm_representative_set(
        firm=setting["firm"], user=agent, role=RepresentativeRole.AGENT, can_view_data_use=False
    )
    client.force_login(agent)
    client.post(reverse("accounts:act_as_switch"), {"firm_id": setting["firm"].pk})
    assert client.get(reverse("exchange:data_uses")).status_code == 403


def test_objection_reaches_the_reading_department(client: Client, setting) -> None:
    client.force_login(setting["alice"])
    access = client.get(reverse("exchange:data_uses")).context["rows"][0].access
    response = client.post(
        reverse("exchange:data_use_object", args=[access.pk]), {"text": "我没有申请低保"}
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.access == access
    admin = make_staff(setting["reader"], StaffRole.DEPARTMENT_ADMIN)
    client.force_login(admin)
    assert objection.reference in client.get(reverse("exchange:objections")).content.decode()
    # Staff of an unrelated department do not see it.
    other = make_staff(make_department(), StaffRole.DEPARTMENT_ADMIN)
    client.force_login(other)
    assert objection.reference not in client.get(reverse("exchange:objections")).content.decode()


def test_data_use_list_has_a_fixed_number_of_queries(client: Client, setting) -> None:
    """The page costs the same number of queries for 1 access as for 16 (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries() -> tuple[int, int]:
        ledger_sequence_all()
        cosign_latest()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("exchange:data_uses"))
        return len(ctx.captured_queries), len(response.context["rows"])

    client.force_login(setting["alice"])
    few, rows_few = count_queries()
    staff = make_staff(setting["reader"], StaffRole.REVIEWER)
    people = Dataset.objects.get(subject_kind=SubjectKind.CITIZEN)
    for n in range(15):
        exchange_read(
            reader=Reader(department=setting["reader"], user=staff),
            dataset_code=people.code,
            subject_identifier=str(setting["alice"].id_number),
            fields=None,
            purpose=f"核对{n}",
        )
    many, rows_many = count_queries()
    assert (rows_few, rows_many) == (1, 16)
    assert many == few, (few, many)
