"""Content text in the page's language: the English sibling on English pages, else the Chinese."""

import pytest
from django.test import Client
from django.utils import translation

from portal.composition.demo.accounts import STAFF_NAMES
from portal.core.bilingual import localized, value_text
from portal.departments.constants import StaffRole
from portal.departments.services import department_upsert
from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.services import dataset_upsert
from portal.services.services import service_item_upsert


def test_localized_picks_english_on_english_pages_and_falls_back_to_chinese() -> None:
    entry = {"name": "营业执照", "name_en": "Business licence", "note": "原件", "note_en": ""}
    with translation.override("en"):
        assert localized(entry, "name") == "Business licence"
        assert localized(entry, "note") == "原件"  # no English: the Chinese, never empty
    with translation.override("zh-hans"):
        assert localized(entry, "name") == "营业执照"


def test_a_flag_reads_as_yes_or_no_never_as_python() -> None:
    with translation.override("zh-hans"):
        assert (value_text(True), value_text(False), value_text(None)) == ("是", "否", "—")
    with translation.override("en"):
        assert (value_text(True), value_text(False), value_text(12)) == ("Yes", "No", "12")


@pytest.mark.django_db
def test_content_models_carry_english_text() -> None:
    department = department_upsert(
        code="scjg", name="市市场监督管理局", name_en="Market Regulation", region="330100"
    )
    dataset = dataset_upsert(
        code="scjg.registration",
        name="企业登记信息",
        name_en="Business registration",
        owner=department,
        subject_kind=SubjectKind.FIRM,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[{"name": "status", "type": "string", "label": "登记状态", "label_en": "Status"}],
    )
    service = service_item_upsert(
        department=department,
        code="scjg-x",
        name="企业设立登记",
        name_en="Company registration",
        legal_days=15,
        promised_days=1,
        fee="不收费",
        fee_en="Free of charge",
        offline_address="市民中心",
        offline_address_en="Citizen Service Centre",
        legal_basis="《条例》",
        legal_basis_en="The Regulation",
    )
    with translation.override("en"):
        assert department.display_name == "Market Regulation"
        assert str(department) == "Market Regulation (scjg)"
        assert dataset.display_name == "Business registration"
        assert dataset.field_labels(["status", "unknown"]) == ["Status", "unknown"]
        assert (service.display_fee, service.display_offline_address) == (
            "Free of charge",
            "Citizen Service Centre",
        )
        assert service.display_legal_basis == "The Regulation"
    with translation.override("zh-hans"):
        assert department.display_name == "市市场监督管理局"
        assert dataset.field_label("status") == "登记状态"
        assert service.display_fee == "不收费"


@pytest.mark.django_db
def test_english_guide_and_catalogue_show_no_chinese_content_and_count_in_the_singular(
    client: Client,
) -> None:
    department = department_upsert(
        code="scjg", name="市市场监督管理局", name_en="Market Regulation", region="330100"
    )
    service_item_upsert(
        department=department,
        code="scjg-x",
        name="企业设立登记",
        name_en="Company registration",
        summary="企业设立。",
        summary_en="Registering a company.",
        legal_days=15,
        promised_days=1,
        fee_en="Free of charge",
        offline_address="市民中心",
        offline_address_en="Citizen Service Centre",
        legal_basis="《条例》",
        legal_basis_en="The Regulation",
        conditions="符合条件。",
        conditions_en="Meets the conditions.",
    )
    client.cookies["django_language"] = "en"
    catalogue = client.get("/services/").content.decode()
    assert "done within 1 working day<" in catalogue or "done within 1 working day " in catalogue
    assert "1 working days" not in catalogue
    assert "Market Regulation" in catalogue and "市市场监督管理局" not in catalogue
    guide = client.get("/services/scjg-x/").content.decode()
    for english in ("Free of charge", "Citizen Service Centre", "The Regulation", "Meets the"):
        assert english in guide
    for chinese in ("不收费", "市民中心", "《条例》", "符合条件", "市市场监督管理局"):
        assert chinese not in guide
    client.cookies["django_language"] = "zh-hans"
    assert "1 个工作日内办结" in client.get("/services/").content.decode()


def test_demo_staff_have_full_personal_names_not_department_fragments() -> None:
    names = [name for people in STAFF_NAMES.values() for name in people]
    assert len(names) == len(set(names)), "every demo staff member is a different person"
    for code, people in STAFF_NAMES.items():
        assert len(people) == len(StaffRole), code
        for name in people:
            assert 2 <= len(name) <= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in name), name
            assert not any(word in name for word in ("局", "委", "员", "市")), name


def test_a_list_is_joined_as_the_language_writes_it() -> None:
    from portal.core.templatetags.bilingual import listing

    with translation.override("zh-hans"):
        assert listing(["企业名称", "注册资本"]) == "企业名称、注册资本"
    with translation.override("en"):
        assert listing(["Firm name", "Registered capital"]) == "Firm name, Registered capital"
    assert listing([]) == ""
