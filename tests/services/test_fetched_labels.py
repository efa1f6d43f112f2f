"""Data fetched through the exchange (免提交) reads in words on every page that shows it: the
catalogue's field labels in the page's language, never keys; yes or no, dates as the language
writes them, amounts with the one money formatter; one helper (portal.exchange.records)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.departments.models import Department
from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.models import Dataset
from portal.exchange.records import field_value_text, record_facts
from portal.exchange.services import dataset_upsert, record_put
from portal.services.constants import ApplicationStatus
from portal.services.services import application_reference_read, application_submit
from tests.factories import Office, make_department
from tests.services.test_materials import _firm_application
from tests.services.test_materials_step import _act_for

pytestmark = pytest.mark.django_db

FIELDS: list[dict[str, object]] = [
    {"name": "name", "type": "string", "label": "企业名称", "label_en": "Firm name"},
    {
        "name": "registered_capital",
        "type": "decimal",
        "label": "注册资本",
        "label_en": "Registered capital",
        "unit": "wan",
    },
    {"name": "established_on", "type": "date", "label": "成立日期", "label_en": "Established on"},
    {"name": "in_arrears", "type": "boolean", "label": "是否欠缴", "label_en": "In arrears"},
    {"name": "insured_headcount", "type": "integer", "label": "参保人数", "label_en": "Insured"},
]
RAW = ("registered_capital", "established_on", "in_arrears", "insured_headcount", "True", "False")


def _registry() -> tuple[Department, Dataset]:
    owner = make_department(name="市场监管局")
    dataset = dataset_upsert(
        code=f"{owner.code}.business_registration",
        name="企业登记信息",
        name_en="Business registration",
        owner=owner,
        subject_kind=SubjectKind.FIRM,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=FIELDS,
    )
    return owner, dataset


def _fetched(office: Office) -> tuple[object, Dataset, object, object, object]:
    owner, dataset = _registry()
    application, agent, firm = _firm_application(office, dataset.code)
    record_put(
        dataset=dataset,
        department=owner,
        subject_identifier=firm.uscc,
        data={
            "name": firm.name,
            "registered_capital": "309.05",
            "established_on": "2019-04-18",
            "in_arrears": False,
            "insured_headcount": 1200,
        },
    )
    return owner, dataset, application, agent, firm


def _facts_in(body: str, *pairs: tuple[str, str]) -> None:
    for label, value in pairs:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in body, (label, value)
    for raw in RAW:
        assert f">{raw}<" not in body, raw


ZH = (
    ("企业名称", ""),
    ("注册资本", "309.05 万元"),
    ("成立日期", "2019年4月18日"),
    ("是否欠缴", "否"),
    ("参保人数", "1200"),
)
EN = (
    ("Registered capital", "¥3,090,500"),
    ("Established on", "April 18, 2019"),
    ("In arrears", "No"),
    ("Insured", "1200"),
)


def test_each_page_shows_fetched_data_in_words_in_its_language(
    client: Client, office: Office
) -> None:
    _owner, _dataset, application, agent, firm = _fetched(office)
    zh = [(label, value or firm.name) for label, value in ZH]  # type: ignore[attr-defined]
    _act_for(client, agent, firm)  # type: ignore[arg-type]
    number = application.number  # type: ignore[attr-defined]
    # The materials step fetches as it opens; check-your-answers shows the same.
    for name in ("services:application_materials", "services:application_review"):
        body = client.get(reverse(name, args=[number])).content.decode()
        _facts_in(body, *zh)
        client.cookies["django_language"] = "en"
        _facts_in(client.get(reverse(name, args=[number])).content.decode(), *EN)
        client.cookies["django_language"] = "zh-hans"
    # The material keeps its data by field key, not by a label in one language.
    material = application.materials.get()  # type: ignore[attr-defined]
    assert ["registered_capital", "309.05"] in material.exchange_data
    assert application_submit(application=application, user=agent).submitted  # type: ignore[arg-type]
    # The application page, once submitted.
    body = client.get(reverse("services:application_detail", args=[number])).content.decode()
    _facts_in(body, *zh)
    client.cookies["django_language"] = "en"
    en_body = client.get(reverse("services:application_detail", args=[number])).content.decode()
    _facts_in(en_body, *EN)
    # The staff case page.
    client.force_login(office.clerk)
    staff_url = reverse("services:staff_application", args=[number])
    _facts_in(client.get(staff_url).content.decode(), *EN)
    client.cookies["django_language"] = "zh-hans"
    _facts_in(client.get(staff_url).content.decode(), *zh)


def test_a_staff_read_on_the_case_page_and_the_lookup_use_the_same_words(
    client: Client, office: Office
) -> None:
    _owner, dataset, application, _agent, firm = _fetched(office)
    application.service.reference_datasets = [dataset.code]  # type: ignore[attr-defined]
    application.service.save(update_fields=["reference_datasets"])  # type: ignore[attr-defined]
    application.status = ApplicationStatus.SUBMITTED  # type: ignore[attr-defined]
    application.save(update_fields=["status"])  # type: ignore[attr-defined]
    result = application_reference_read(
        application=application,  # type: ignore[arg-type]
        user=office.reviewer,
        dataset_code=dataset.code,
    )
    with translation.override("zh-hans"):
        assert ("注册资本", "309.05 万元") in result.display_data
        assert ("是否欠缴", "否") in result.display_data
    with translation.override("en"):
        assert ("Established on", "April 18, 2019") in result.display_data
    client.force_login(office.reviewer)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("exchange:lookup"),
        {"dataset": dataset.code, "subject": firm.uscc, "purpose": "Check"},  # type: ignore[attr-defined]
    )
    body = response.content.decode()
    assert '<th scope="row">Registered capital</th><td>¥3,090,500</td>' in body
    assert '<th scope="row">In arrears</th><td>No</td>' in body


def test_the_helper_by_type_and_for_data_kept_by_label() -> None:
    _owner, dataset = _registry()
    with translation.override("zh-hans"):
        assert field_value_text(FIELDS[3], True) == "是"
        assert field_value_text(FIELDS[2], "2026-01-05") == "2026年1月5日"
        assert field_value_text(FIELDS[1], "5E+1") == "50 万元"  # never scientific notation
        assert field_value_text({"type": "decimal", "unit": "yuan"}, "1500") == "1,500 元"
        assert field_value_text({"type": "decimal"}, "12.5") == "12.5"
        assert field_value_text(FIELDS[0], None) == "—"
        # Data kept by label (before fields were kept by key) still reads in the page's
        # language; a key the catalogue no longer lists is not shown raw.
        facts = record_facts(dataset=dataset, items=[("注册资本", "86"), ("gone_field", "x")])
        assert facts == [("注册资本", "86 万元"), ("已不在目录中的字段", "x")]
    with translation.override("en"):
        assert field_value_text(FIELDS[3], False) == "No"
        facts = record_facts(dataset=dataset, items=[("注册资本", "86")])
        assert facts == [("Registered capital", "¥860,000")]


def test_a_unit_belongs_to_amounts_only() -> None:
    from django.core.exceptions import ValidationError

    owner = make_department()
    with pytest.raises(ValidationError):
        dataset_upsert(
            code=f"{owner.code}.x",
            name="x",
            owner=owner,
            subject_kind=SubjectKind.FIRM,
            sharing_class=SharingClass.UNCONDITIONAL,
            fields=[{"name": "n", "type": "integer", "label": "人数", "unit": "wan"}],
        )
    with pytest.raises(ValidationError):
        dataset_upsert(
            code=f"{owner.code}.y",
            name="y",
            owner=owner,
            subject_kind=SubjectKind.FIRM,
            sharing_class=SharingClass.UNCONDITIONAL,
            fields=[{"name": "n", "type": "decimal", "label": "金额", "unit": "dollars"}],
        )


def test_the_migration_keeps_fetched_data_by_key() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("portal.services.migrations.0004_fetched_data_by_field_key")
    _owner, dataset = _registry()
    from portal.services.models import Material
    from tests.factories import make_office

    office = make_office()
    application, _agent, _firm = _firm_application(office, dataset.code)
    office_material = Material.objects.create(
        application=application,
        requirement_code="licence",
        source="exchange",
        exchange_dataset=dataset.code,
        exchange_data=[["注册资本", "86"], ["已删除的字段", "x"]],
    )
    migration.forwards(apps, None)
    office_material.refresh_from_db()
    assert office_material.exchange_data == [["registered_capital", "86"], ["已删除的字段", "x"]]
