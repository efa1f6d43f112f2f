"""Bulk import from JSON and CSV files and by API: good, duplicate and bad rows."""

import csv
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies import services
from policies.models import Policy, PolicyVersion
from portal.departments.constants import StaffRole
from tests.factories import PASSWORD, make_staff
from tests.policies.conftest import actor_of, record


def test_import_reports_every_rejected_row_and_updates_by_document_number(city):
    """Good rows are saved, a known 文号 is updated (not duplicated), each bad row is reported."""
    actor = actor_of(city, "kjj")
    services.policy_create(actor=actor, data=record(document_number="杭科测〔2026〕1号"))
    rows = [
        record(document_number="杭科测〔2026〕1号", title="企业研发费用补助（修订）"),  # update
        record(document_number="杭科测〔2026〕2号"),  # new
        record(document_number="杭科测〔2026〕2号"),  # twice in the file
        record(
            document_number="杭科测〔2026〕3号",
            region="3301",
            benefit_kind="share",
            benefit_rate="2",
        ),
        record(document_number="杭科测〔2026〕4号", eligibility='{"all": [{"field": "x"}]}'),
        record(document_number="", title=""),
        record(document_number="杭科测〔2026〕5号", department="jxj"),  # not the actor's
        "not an object",
        record(document_number="杭科测〔2026〕1号", title="企业研发费用补助（修订）"),
    ]
    report = services.policies_import(actor=actor, rows=rows)
    assert report.updated == ["杭科测〔2026〕1号"]
    assert report.created == ["杭科测〔2026〕2号"]
    rejected = {row: errors for row, _doc, errors in report.rejected}
    assert set(rejected) == {3, 4, 5, 6, 7, 8, 9}
    assert "重复出现" in rejected[3]["document_number"][0]  # appears twice in the file
    assert set(rejected[4]) == {"region", "benefit_rate"}
    assert "unknown field" in rejected[5]["eligibility"][0]
    assert {"document_number", "title"} <= set(rejected[6])
    assert "department" in rejected[7]
    assert Policy.objects.filter(document_number="杭科测〔2026〕1号").count() == 1
    assert Policy.objects.get(document_number="杭科测〔2026〕1号").version == 2
    assert PolicyVersion.objects.filter(action="amended").count() == 1
    again = services.policies_import(actor=actor, rows=rows[:2])
    assert again.unchanged == ["杭科测〔2026〕1号", "杭科测〔2026〕2号"]


def _csv(rows: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    columns = ["document_number", "title", "region", "summary", "topics", "benefit_kind",
               "benefit_amount", "eligibility", "materials", "industries"]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode()


def test_csv_and_json_files_in_the_back_office(city, client):
    """The import page takes CSV (lists separated by ;) and JSON and shows the report."""
    make_staff(city.departments["kjj"], StaffRole.DEPARTMENT_ADMIN, username="kjjimport")
    assert client.login(username="kjjimport", password=PASSWORD)
    rule = json.dumps({"all": [{"field": "headcount", "op": "gte", "value": 5}]})
    content = _csv(
        [
            {"document_number": "杭科CSV〔2026〕1号", "title": "CSV政策", "region": "330100",
             "summary": "摘要", "topics": "rd;talent", "benefit_kind": "fixed",
             "benefit_amount": "5", "eligibility": rule,
             "materials": "营业执照@scjg.business_registration;申请表", "industries": "C;65"},
            {"document_number": "杭科CSV〔2026〕2号", "title": "坏行", "region": "330100",
             "summary": "摘要", "topics": "astrology", "benefit_kind": "fixed",
             "benefit_amount": "five"},
        ]
    )  # fmt: skip
    upload = SimpleUploadedFile("policies.csv", content, content_type="text/csv")
    page = client.post(reverse("policies:bo_import"), {"file": upload, "publish": "on"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "astrology" in text and "benefit_amount" in text
    policy = Policy.objects.get(document_number="杭科CSV〔2026〕1号")
    assert policy.status == "published"
    assert policy.topics == ["rd", "talent"] and policy.industries == ["65", "C"]
    assert policy.materials[1] == {"name": "申请表", "dataset": ""}
    upload = SimpleUploadedFile(
        "policies.json",
        json.dumps({"policies": [record(document_number="杭科JSON〔2026〕1号")]}).encode(),
    )
    client.post(reverse("policies:bo_import"), {"file": upload})
    assert Policy.objects.filter(document_number="杭科JSON〔2026〕1号").exists()
    upload = SimpleUploadedFile("broken.json", b"{not json")
    page = client.post(reverse("policies:bo_import"), {"file": upload})
    assert "不是有效的 JSON" in page.content.decode()  # not valid JSON


def test_import_by_api(city, client):
    make_staff(city.departments["kjj"], StaffRole.DEPARTMENT_ADMIN, username="kjjapiimp")
    assert client.login(username="kjjapiimp", password=PASSWORD)
    body = {"rows": [record(), record(document_number="bad", region="x")], "publish": True}
    response = client.post("/api/v1/policies/import", body, "application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["created"] == ["杭科测〔2026〕1号"]
    assert data["rejected"][0]["row"] == 2
    assert "region" in data["rejected"][0]["errors"]
