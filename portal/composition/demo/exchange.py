"""Demo data of the exchange: the catalogue's datasets (``catalogue/datasets/``), records for
the demo people and firms, sharing grants, and Ed25519 keys for every department system
(private halves in VAR_DIR/keys). Idempotent."""

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone

from portal.accounts.models import Firm, User
from portal.composition.catalogue import catalogue_load
from portal.composition.demo import DEMO_CATALOGUE
from portal.departments.models import Department, DepartmentSystem
from portal.exchange.constants import GrantStatus
from portal.exchange.models import Access, Dataset, SharingGrant
from portal.exchange.services import Reader, exchange_read, record_put, subject_hash_for

# Firm index (order of demo.accounts.FIRMS) → records per dataset.
FIRM_RECORDS: dict[str, list[dict[str, object] | None]] = {
    "scjg.business_registration": [
        {
            "registered_capital": "1000",
            "established_on": "2019-04-18",
            "industry_code": "6511",
            "status": "存续",
            "business_scope": "人工智能软件开发；信息技术咨询",
        },
        {
            "registered_capital": "8000",
            "established_on": "2015-09-02",
            "industry_code": "2720",
            "status": "存续",
            "business_scope": "生物药品制造",
        },
        {
            "registered_capital": "3000",
            "established_on": "2021-11-23",
            "industry_code": "3099",
            "status": "存续",
            "business_scope": "新材料研发、制造",
        },
        {
            "registered_capital": "10",
            "established_on": "2023-03-08",
            "industry_code": "7259",
            "status": "存续",
            "business_scope": "文化创意设计",
        },
    ],
    "rsj.social_insurance": [
        {"insured_headcount": 86, "contribution_months": 60, "in_arrears": False},
        {"insured_headcount": 420, "contribution_months": 120, "in_arrears": False},
        {"insured_headcount": 35, "contribution_months": 30, "in_arrears": True},
        {"insured_headcount": 3, "contribution_months": 18, "in_arrears": False},
    ],
    "swj.tax_credit": [
        {"rating": "A", "year": 2025},
        {"rating": "A", "year": 2025},
        {"rating": "B", "year": 2025},
        {"rating": "M", "year": 2025},
    ],
    "swj.tax_paid": [
        {"year": 2025, "tax_paid": "320", "revenue": "5200", "rd_expense": "860"},
        {"year": 2025, "tax_paid": "2100", "revenue": "38000", "rd_expense": "4200"},
        {"year": 2025, "tax_paid": "150", "revenue": "2600", "rd_expense": "90"},
        {"year": 2025, "tax_paid": "2", "revenue": "45"},
    ],
    "kjj.high_tech_certificate": [
        {
            "certificate_number": "GR202433000123",
            "issued_on": "2024-12-01",
            "valid_until": "2027-11-30",
        },
        {
            "certificate_number": "GR202333000456",
            "issued_on": "2023-11-20",
            "valid_until": "2026-11-19",
        },
        None,
        None,
    ],
}

GRANTS = [
    # dataset, requesting department, fields (None: all), purpose, legal basis
    ("swj.tax_credit", "kjj", None, "惠企政策资格审核", "《优化营商环境条例》第三十七条"),
    ("swj.tax_credit", "jxj", None, "惠企政策资格审核", "《优化营商环境条例》第三十七条"),
    (
        "swj.tax_paid",
        "jxj",
        ["revenue", "rd_expense", "year"],
        "研发补助测算",
        "市政府办公厅〔2025〕12号",
    ),
    ("rsj.social_insurance", "jxj", None, "惠企政策资格审核", "《社会保险法》第八十一条"),
    (
        "rsj.social_insurance",
        "kjj",
        ["insured_headcount"],
        "高新技术企业认定",
        "国科发火〔2016〕32号",
    ),
    # The issuing departments of policies fetch the materials their applications list.
    (
        "swj.tax_paid",
        "kjj",
        ["revenue", "rd_expense", "year"],
        "研发费用补助申报审核",
        "市政府办公厅〔2025〕12号",
    ),
    ("swj.tax_credit", "wjw", None, "惠企政策资格审核", "《优化营商环境条例》第三十七条"),
    ("gaj.household_registration", "mzj", ["address"], "社会救助审核", "《社会救助暂行办法》"),
    ("rsj.personal_social_insurance", "wjw", None, "生育登记服务", "《人口与计划生育法》"),
]


# The English text of the purposes and legal bases above.
GRANT_TEXT_EN = {
    "惠企政策资格审核": "Checking eligibility for business support policies",
    "研发补助测算": "Calculating R&D subsidies",
    "研发费用补助申报审核": "Checking applications for R&D expense subsidies",
    "高新技术企业认定": "High-tech enterprise recognition",
    "社会救助审核": "Checking social assistance claims",
    "生育登记服务": "Birth registration service",
    "《优化营商环境条例》第三十七条": "Regulation on Optimising the Business Environment, art. 37",
    "市政府办公厅〔2025〕12号": "Municipal Government General Office notice No. 12 (2025)",
    "《社会保险法》第八十一条": "Social Insurance Law, art. 81",
    "国科发火〔2016〕32号": "Ministry of Science and Technology notice No. 32 (2016)",
    "《社会救助暂行办法》": "Interim Measures for Social Assistance",
    "《人口与计划生育法》": "Population and Family Planning Law",
}


def _system_keys() -> None:
    """Give each demo department system an Ed25519 key; the private key stays in a file."""
    keys_dir = Path(settings.VAR_DIR) / "keys"
    keys_dir.mkdir(parents=True, exist_ok=True)
    for system in DepartmentSystem.objects.all():
        path = keys_dir / f"system-{system.key_id}.pem"
        if not path.exists():
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(private, Ed25519PrivateKey)
        public = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        system.public_key = base64.b64encode(public).decode()
        system.save(update_fields=["public_key"])


def seed_exchange() -> int:
    catalogue_load(path=DEMO_CATALOGUE, kinds=["datasets"])
    departments = {d.code: d for d in Department.objects.all()}
    datasets = {d.code: d for d in Dataset.objects.select_related("owner")}
    firms = list(Firm.objects.order_by("created_at", "pk"))[:4]
    for code, rows in FIRM_RECORDS.items():
        for firm, row in zip(firms, rows, strict=False):
            if row is None:
                continue
            data = dict(row)
            if code == "scjg.business_registration":
                data.update(
                    {"name": firm.name, "legal_representative": firm.legal_representative_name}
                )
            record_put(
                dataset=datasets[code],
                department=datasets[code].owner,
                subject_identifier=firm.uscc,
                data=data,
            )
    for n, user in enumerate(User.objects.filter(id_number__isnull=False).order_by("pk")):
        assert user.id_number is not None
        record_put(
            dataset=datasets["gaj.household_registration"],
            department=departments["gaj"],
            subject_identifier=user.id_number,
            data={
                "address": f"杭州市西湖区文三路{100 + n}号",
                "household_head": user.real_name,
                "relationship": "本人",
            },
        )
        record_put(
            dataset=datasets["rsj.personal_social_insurance"],
            department=departments["rsj"],
            subject_identifier=user.id_number,
            data={
                "insured": True,
                "contribution_months": 48 + 12 * n,
                "employer": firms[n % 4].name,
            },
        )
        record_put(
            dataset=datasets["gaj.criminal_record"],
            department=departments["gaj"],
            subject_identifier=user.id_number,
            data={"has_record": False},
        )
    today = timezone.localdate()
    for code, requester, granted, purpose, basis in GRANTS:
        dataset = datasets[code]
        chosen = granted or dataset.field_names
        SharingGrant.objects.update_or_create(
            dataset=dataset,
            requester=departments[requester],
            purpose=purpose,
            defaults={
                "requested_fields": dataset.field_names,
                "granted_fields": sorted(chosen),
                "legal_basis": basis,
                "purpose_en": GRANT_TEXT_EN.get(purpose, ""),
                "legal_basis_en": GRANT_TEXT_EN.get(basis, ""),
                "valid_from": today.replace(month=1, day=1),
                "valid_until": today.replace(year=today.year + 2, month=12, day=31),
                "status": GrantStatus.APPROVED,
            },
        )
    _system_keys()
    _citizen_reads(departments)
    return len(datasets)


# Reads of the first two demo citizens, so that "who used my data" has rows to show and check
# from the start: (reader department, dataset, fields, purpose, English purpose). The last one
# has no sharing grant and is refused (and logged like the others).
CITIZEN_READS = [
    (
        "mzj",
        "gaj.household_registration",
        ["address"],
        "社会救助审核",
        "Checking social assistance claims",
    ),
    ("wjw", "rsj.personal_social_insurance", None, "生育登记服务", "Birth registration service"),
    (
        "kjj",
        "gaj.household_registration",
        ["address"],
        "人才引进资格核验",
        "Checking eligibility for talent schemes",
    ),
]


def _citizen_reads(departments: dict[str, Department]) -> None:
    """Each department system reads through the one chokepoint, once per demo (idempotent)."""
    people = list(User.objects.filter(id_number__isnull=False).order_by("pk")[:2])
    for person in people:
        assert person.id_number is not None
        if Access.objects.filter(subject_hash=subject_hash_for(person.id_number)).exists():
            continue
        for code, dataset, fields, purpose, purpose_en in CITIZEN_READS:
            department = departments[code]
            exchange_read(
                reader=Reader(department=department, system=department.systems.get()),
                dataset_code=dataset,
                subject_identifier=person.id_number,
                fields=fields,
                purpose=purpose,
                purpose_en=purpose_en,
            )
