"""'Who used my data': rows come from the log (labels → entries → committed details), in words,
for the signed-in person (or their firm) only, with the data their browser checks them with."""

import base64
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ledger.constants import KeyKind, Outcome
from ledger.core.checkpoint import cosign, open_checkpoint
from ledger.core.entry_v2 import EntryV2
from ledger.core.merkle import leaf_hash
from ledger.core.notes import parse_note
from ledger.core.proofs import verify_consistency, verify_inclusion
from ledger.core.signing import ALG_COSIGNATURE_V1, generate, parse_vkey
from ledger.keys import log_signing_key, vrf_secret_key
from ledger.models import Checkpoint, Cosignature, LedgerKey, ReadDetails
from ledger.services import (
    SealInput,
    checkpoint_create,
    ledger_event_record,
    ledger_read_unseal,
    ledger_sequence_all,
)
from portal.accounts.constants import RepresentativeRole
from portal.accounts.services import firm_register, firm_representative_set
from portal.departments.constants import StaffRole
from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.models import Access, Objection
from portal.exchange.services import Reader, dataset_upsert, exchange_read, record_put
from tests.factories import FIRM_CODE, make_citizen, make_department, make_staff

pytestmark = pytest.mark.django_db

WITNESS = generate("witness.test", ALG_COSIGNATURE_V1)


def cosign_latest() -> str:
    """Stand in for a witness: cosign a checkpoint of the whole log; returns the witness vkey."""
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    LedgerKey.objects.get_or_create(
        vkey=WITNESS.vkey, defaults={"name": WITNESS.name, "kind": KeyKind.WITNESS}
    )
    text, _sigs = parse_note(checkpoint.note)
    Cosignature.objects.get_or_create(
        checkpoint=checkpoint, witness_name=WITNESS.name, defaults={"line": cosign(text, WITNESS)}
    )
    return WITNESS.vkey


@pytest.fixture
def setting() -> dict[str, Any]:
    owner, reader = make_department(name="公安局"), make_department(name="民政局")
    people = dataset_upsert(
        code=f"{owner.code}.household",
        name="户籍信息",
        owner=owner,
        subject_kind=SubjectKind.CITIZEN,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[
            {"name": "address", "type": "string", "label": "地址", "required": True},
            {"name": "in_arrears", "type": "boolean", "label": "是否欠费", "required": False},
        ],
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
    return {
        "alice": alice,
        "bob": bob,
        "firm": firm,
        "reader": reader,
        "owner": owner,
        "staff": staff,
        "people": people,
    }


def page(client: Client) -> str:
    response = client.get(reverse("exchange:data_uses"))
    assert response.status_code == 200
    return str(response.content.decode())


def verification(client: Client, **params: Any) -> dict[str, Any]:
    response = client.get(reverse("exchange:data_use_verification"), params)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    data: dict[str, Any] = response.json()
    return data


# --- The page -------------------------------------------------------------------------------


def test_citizen_sees_their_reads_in_words_and_no_one_elses(client: Client, setting) -> None:
    client.force_login(setting["alice"])
    body = page(client)
    assert "低保审核" in body and "SQ-2026-000100" in body
    assert setting["reader"].name in body and setting["owner"].name in body
    assert "户籍信息" in body
    assert "地址" in body and "是否欠费" in body
    assert ">address<" not in body and "in_arrears" not in body
    assert setting["staff"].real_name in body  # the reader's name, not their username
    assert setting["staff"].username not in body
    assert "BOB-ONLY-PURPOSE" not in body and "FIRM-PURPOSE" not in body
    assert "正在写入账本" in body  # not sequenced yet
    assert "需要启用 JavaScript" in body and "证明文件" in body  # what checks without script
    assert 'type="module"' in body and "verifier-strings" in body


def test_the_page_shows_what_the_log_holds_not_the_access_table(client: Client, setting) -> None:
    Access.objects.update(purpose="EDITED-IN-ACCESS", application_number="SQ-EDITED")
    client.force_login(setting["alice"])
    body = page(client)
    assert "低保审核" in body and "SQ-2026-000100" in body
    assert "EDITED-IN-ACCESS" not in body and "SQ-EDITED" not in body


def test_a_read_that_found_no_record_is_not_called_refused(client: Client, setting) -> None:
    carol = make_citizen()
    exchange_read(
        reader=Reader(department=setting["reader"], user=setting["staff"]),
        dataset_code=setting["people"].code,
        subject_identifier=str(carol.id_number),
        fields=None,
        purpose="核对",
    )
    client.force_login(carol)
    body = page(client)
    assert "未找到记录" in body
    assert "已拒绝" not in body


def test_a_refusal_gives_its_reason_in_words(client: Client, setting) -> None:
    closed = dataset_upsert(
        code=f"{setting['owner'].code}.closed",
        name="不共享数据",
        owner=setting["owner"],
        subject_kind=SubjectKind.CITIZEN,
        sharing_class=SharingClass.NOT_SHARED,
        fields=[{"name": "secret", "type": "string", "label": "内部备注", "required": True}],
    )
    exchange_read(
        reader=Reader(department=setting["reader"], user=setting["staff"]),
        dataset_code=closed.code,
        subject_identifier=str(setting["alice"].id_number),
        fields=None,
        purpose="尝试",
    )
    client.force_login(setting["alice"])
    body = page(client)
    assert "已拒绝" in body and "该数据资源不予共享" in body
    assert "not_shared" not in body.replace('data-dataset="', "")


def test_the_page_no_longer_computes_a_verified_mark(client: Client, setting) -> None:
    ledger_sequence_all()
    cosign_latest()
    client.force_login(setting["alice"])
    body = page(client)
    assert "已验证" not in body and "verified" not in body
    assert "账本条目 0" in body and "下载证明" in body


def test_firm_agent_sees_the_firms_reads(client: Client, setting) -> None:
    agent = make_citizen()
    firm_representative_set(firm=setting["firm"], user=agent, role=RepresentativeRole.AGENT)
    client.force_login(agent)
    client.post(reverse("accounts:act_as_switch"), {"firm_id": setting["firm"].pk})
    body = page(client)
    assert "FIRM-PURPOSE" in body and "低保审核" not in body
    data = verification(client)
    assert data["identifier"] == setting["firm"].uscc
    assert [json.loads(r["details"])["purpose"] for r in data["rows"]] == ["FIRM-PURPOSE"]


def test_agent_without_the_right_is_refused_page_json_and_proof(client: Client, setting) -> None:
    agent = make_citizen()
    firm_representative_set(
        firm=setting["firm"], user=agent, role=RepresentativeRole.AGENT, can_view_data_use=False
    )
    client.force_login(agent)
    client.post(reverse("accounts:act_as_switch"), {"firm_id": setting["firm"].pk})
    assert client.get(reverse("exchange:data_uses")).status_code == 403
    assert client.get(reverse("exchange:data_use_verification")).status_code == 403
    event = ReadDetails.objects.order_by("pk").last()
    assert event is not None
    url = reverse("exchange:data_use_proof", args=[event.event_id])
    assert client.get(url).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client: Client, setting) -> None:
    response = client.get(reverse("exchange:data_use_verification"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_objection_reaches_the_reading_department(client: Client, setting) -> None:
    client.force_login(setting["alice"])
    access = Access.objects.get(purpose="低保审核")
    assert f"/my/data-uses/{access.pk}/object" in page(client)
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


def test_a_person_cannot_object_to_anothers_read(client: Client, setting) -> None:
    bob_access = Access.objects.get(purpose="BOB-ONLY-PURPOSE")
    client.force_login(setting["alice"])
    response = client.post(reverse("exchange:data_use_object", args=[bob_access.pk]), {"text": "x"})
    assert response.status_code == 404
    assert not Objection.objects.exists()


def _more_reads(setting: dict[str, Any], n: int) -> None:
    for i in range(n):
        exchange_read(
            reader=Reader(department=setting["reader"], user=setting["staff"]),
            dataset_code=setting["people"].code,
            subject_identifier=str(setting["alice"].id_number),
            fields=["address"],
            purpose=f"核对{i}",
        )


def _queries(fn: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("sequenced", [False, True])
def test_page_and_json_cost_the_same_queries_for_1_and_30_rows(
    client: Client, setting, sequenced: bool
) -> None:
    client.force_login(setting["alice"])

    def measure() -> tuple[int, int, int]:
        if sequenced:
            ledger_sequence_all()
            cosign_latest()
        rows = len(verification(client)["rows"])
        return _queries(lambda: page(client)), _queries(lambda: verification(client)), rows

    page_one, json_one, rows_one = measure()
    _more_reads(setting, 29)
    page_many, json_many, rows_many = measure()
    assert (rows_one, rows_many) == (1, 30)
    assert (page_many, json_many) == (page_one, json_one)


# --- The verification data -------------------------------------------------------------------


def test_json_holds_what_the_browser_checks_and_it_verifies(client: Client, setting) -> None:
    _more_reads(setting, 2)
    ledger_sequence_all()
    witness = cosign_latest()
    client.force_login(setting["alice"])
    data = verification(client)
    assert data["identifier"] == setting["alice"].id_number
    assert "keys" not in data and "quorum" not in data  # the policy is pinned in the script
    opened = open_checkpoint(
        data["checkpoint"], [log_signing_key().verifier], [parse_vkey(witness)]
    )
    assert len(opened.cosignatures) == 1
    size, root = opened.checkpoint.size, opened.checkpoint.root_hash
    assert len(data["rows"]) == 3
    for row in data["rows"]:
        assert row["status"] == "included" and row["namespace"] == "person"
        entry_bytes = base64.b64decode(row["entry"])
        entry = EntryV2.from_bytes(entry_bytes)
        hashes = [base64.b64decode(h) for h in row["inclusion"]]
        verify_inclusion(leaf_hash(entry_bytes), row["index"], size, root, hashes)
        assert row["vrf_key"] == vrf_secret_key().key_id and len(row["vrf_proof"]) == 160
        assert len(row["opening"]) == 32 and row["sealed"] is None
        assert json.loads(row["details"])["purpose"] in {"低保审核", "核对0", "核对1"}
        assert entry.department == setting["reader"].code
    assert sorted(r["counter"] for r in data["rows"]) == [0, 1, 2]
    assert "BOB-ONLY-PURPOSE" not in json.dumps(data, ensure_ascii=False)


def test_json_gives_a_consistency_proof_from_the_size_seen_last(client: Client, setting) -> None:
    ledger_sequence_all()
    cosign_latest()
    client.force_login(setting["alice"])
    first = Checkpoint.objects.order_by("id").last()
    assert first is not None
    _more_reads(setting, 3)
    ledger_sequence_all()
    cosign_latest()
    data = verification(client, since=first.tree_size)
    second = Checkpoint.objects.order_by("id").last()
    assert second is not None and second.tree_size > first.tree_size
    proof = data["consistency"]
    assert (proof["from"], proof["to"]) == (first.tree_size, second.tree_size)
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    verify_consistency(
        first.tree_size, second.tree_size, bytes(first.root_hash), bytes(second.root_hash), hashes
    )
    assert verification(client, since=second.tree_size)["consistency"] is None


@pytest.mark.parametrize("since", ["0", "-1", "abc", "１"])
def test_a_bad_since_is_refused_in_the_persons_language(
    client: Client, setting, since: str
) -> None:
    client.force_login(setting["alice"])
    response = client.get(reverse("exchange:data_use_verification"), {"since": since})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "从 1 开始的整数" in response.json()["detail"]
    client.cookies["django_language"] = "en"
    english = client.get(reverse("exchange:data_use_verification"), {"since": since})
    assert "a whole number from 1" in english.json()["detail"]


def test_pending_and_awaiting_rows_are_listed_but_not_proved(client: Client, setting) -> None:
    ledger_sequence_all()
    cosign_latest()
    _more_reads(setting, 1)
    ledger_sequence_all()  # in the log, but no checkpoint covers it yet
    _more_reads(setting, 1)  # still pending
    client.force_login(setting["alice"])
    statuses = sorted(r["status"] for r in verification(client)["rows"])
    assert statuses == ["awaiting_checkpoint", "included", "pending"]


# --- Sealed reads, once shown to the person ----------------------------------------------------


def _sealed_read(identifier: str, department: str, dataset: str) -> ReadDetails:
    event = ledger_event_record(
        department=department,
        user=None,
        system_id="gaj-system",
        dataset=dataset,
        fields=["address"],
        purpose="刑事侦查",
        application=None,
        outcome=Outcome.GRANTED,
        subject_identifier=identifier,
        seal=SealInput(legal_order="（2026）杭公刑字第 7 号", unseal_by=dt.date(2026, 9, 1)),
        at=timezone.now() - dt.timedelta(days=30),
    )
    ledger_sequence_all()
    return ReadDetails.objects.get(event_id=event.id)


def test_a_sealed_read_is_hidden_until_unsealed_then_shown_at_its_time(
    client: Client, setting
) -> None:
    alice = setting["alice"]
    sealed = _sealed_read(str(alice.id_number), setting["reader"].code, setting["people"].code)
    client.force_login(alice)
    assert "刑事侦查" not in page(client)
    assert all(r["namespace"] == "person" for r in verification(client)["rows"])
    ledger_read_unseal(sealed_id=sealed.pk)
    ledger_sequence_all()
    cosign_latest()
    body = page(client)
    assert "刑事侦查" in body and "封存至 2026-09-01" in body
    rows = verification(client)["rows"]
    unsealed = next(r for r in rows if r["sealed"] is not None)
    # Listed at the sealed read's time: the oldest row, after the ordinary read.
    assert rows[-1] is unsealed
    part = unsealed["sealed"]
    assert part["namespace"] == "sealed" and part["status"] == "included"
    assert EntryV2.from_bytes(base64.b64decode(unsealed["entry"])).unseals == part["index"]
    assert EntryV2.from_bytes(base64.b64decode(part["entry"])).sealed_until == "2026-09-01"
