"""``manage.py catalogue_load``: the catalogue is data, loaded through the same services as the
admin and the API, idempotent, all-or-nothing, every bad file reported with what to fix."""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from policies.models import Policy
from portal.composition.demo import DEMO_CATALOGUE
from portal.departments.models import Department
from portal.exchange.models import Dataset
from portal.services.models import ServiceItem, Theme

pytestmark = pytest.mark.django_db


def _write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _copy_catalogue(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(DEMO_CATALOGUE, target)
    return target


def test_every_demo_catalogue_file_is_one_record_per_service_and_dataset() -> None:
    services = sorted(DEMO_CATALOGUE.glob("services/*.json"))
    assert len(services) >= 20
    for path in services:
        record = json.loads(path.read_text(encoding="utf-8"))
        assert path.stem == record["code"]
        assert record["name_en"], path  # the English text lives in the same file
    for path in DEMO_CATALOGUE.glob("datasets/*.json"):
        assert path.stem == json.loads(path.read_text(encoding="utf-8"))["code"]


def test_the_command_loads_a_catalogue_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    catalogue = _copy_catalogue(tmp_path)
    shutil.rmtree(catalogue / "policies")  # policies need department systems: the next test
    out = io.StringIO()
    call_command("catalogue_load", str(catalogue), stdout=out)
    assert "Catalogue loaded" in out.getvalue()
    counts = (
        Department.objects.count(),
        Theme.objects.count(),
        Dataset.objects.count(),
        ServiceItem.objects.count(),
    )
    assert counts[0] == 10 and counts[3] == len(list(catalogue.glob("services/*.json")))
    item = ServiceItem.objects.get(code="scjg-qysldj")
    assert item.department.code == "scjg"
    assert item.name_en == "Company establishment registration"
    assert set(item.themes.values_list("code", flat=True)) == {
        "market-entities",
        "starting-a-business",
    }
    call_command("catalogue_load", str(catalogue), stdout=io.StringIO())
    assert counts == (
        Department.objects.count(),
        Theme.objects.count(),
        Dataset.objects.count(),
        ServiceItem.objects.count(),
    )


def test_one_file_can_be_loaded_and_a_changed_file_updates_its_record(tmp_path: Path) -> None:
    catalogue = _copy_catalogue(tmp_path)
    call_command("catalogue_load", str(catalogue), "--only", "departments", stdout=io.StringIO())
    call_command("catalogue_load", str(catalogue), "--only", "datasets", stdout=io.StringIO())
    path = catalogue / "services" / "scjg-qysldj.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["name_en"] = "Registering a company"
    _write(path, record)
    call_command("catalogue_load", str(path), stdout=io.StringIO())
    assert ServiceItem.objects.get(code="scjg-qysldj").name_en == "Registering a company"
    assert ServiceItem.objects.count() == 1


def test_policies_load_as_their_departments_systems(tmp_path: Path) -> None:
    from portal.composition.demo.accounts import seed_accounts
    from portal.composition.demo.exchange import seed_exchange
    from portal.composition.demo.services import seed as seed_services

    seed_accounts()
    seed_exchange()
    seed_services()
    call_command("catalogue_load", str(DEMO_CATALOGUE / "policies"), stdout=io.StringIO())
    drafts = json.loads((DEMO_CATALOGUE / "policies" / "2026-drafts.json").read_text())
    published = json.loads((DEMO_CATALOGUE / "policies" / "2025-published.json").read_text())
    assert Policy.objects.count() == len(drafts["policies"]) + len(published["policies"])
    assert Policy.objects.filter(status="draft").count() == len(drafts["policies"])


def test_every_bad_file_is_reported_with_what_to_fix_and_nothing_is_kept(tmp_path: Path) -> None:
    catalogue = tmp_path / "bad"
    _write(
        catalogue / "departments.json",
        [
            {"code": "scjg", "name": "市市场监督管理局", "region": "330100"},
            {"code": "rsj", "name": "市人力资源和社会保障局", "region": "330100", "parent": "nope"},
        ],
    )
    base = json.loads((DEMO_CATALOGUE / "services" / "scjg-qysldj.json").read_text())
    _write(catalogue / "services" / "a.json", {**base, "code": "a-one", "promised_days": 99})
    _write(catalogue / "services" / "b.json", {**base, "code": "b-two", "colour": "red"})
    _write(catalogue / "services" / "c.json", {**base, "code": "c-three", "department": "xx"})
    (catalogue / "services" / "d.json").write_text("{not json", encoding="utf-8")
    _write(
        catalogue / "datasets" / "x.json",
        {
            "code": "scjg.x",
            "name": "X",
            "owner": "scjg",
            "subject_kind": "firm",
            "sharing_class": "unconditional",
            "fields": [{"name": "a", "type": "colour"}],
        },
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"nothing was loaded"):
        call_command("catalogue_load", str(catalogue), stdout=io.StringIO(), stderr=err)
    report = err.getvalue()
    assert "departments.json: record 2 (rsj)" in report and "no department 'nope'" in report
    assert "a.json: service.promised_days: The promised limit cannot exceed" in report, report
    assert "b.json: service.colour: Unknown field" in report
    assert "c.json: service" in report and "no department 'xx'" in report
    assert "d.json: Not a readable JSON file" in report
    assert "x.json: dataset.fields: Unknown field type colour." in report
    # All or nothing: the good department and the good parts are not kept either.
    assert not Department.objects.exists()
    assert not ServiceItem.objects.exists()


def test_a_missing_path_and_a_bad_policy_set_are_reported(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command(
            "catalogue_load", str(tmp_path / "none"), stdout=io.StringIO(), stderr=io.StringIO()
        )
    path = _write(tmp_path / "policies" / "p.json", [{"document_number": "x"}])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("catalogue_load", str(path), stdout=io.StringIO(), stderr=err)
    assert '"publish": true|false' in err.getvalue()
