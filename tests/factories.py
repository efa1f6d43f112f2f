"""Test factories, one place: small builders that go through the services, as the product does.

Fixtures (``conftest.py`` files) use these; tests import them from here.
"""

import base64
import datetime as dt
import io
import itertools
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from portal.accounts.constants import RepresentativeRole
from portal.accounts.models import Firm, User
from portal.accounts.services import (
    citizen_sign_up,
    firm_register,
    firm_representative_set,
    staff_create,
)
from portal.composition.demo.accounts import demo_resident_id, demo_uscc
from portal.departments.constants import StaffRole
from portal.departments.models import Department, DepartmentSystem
from portal.departments.services import department_system_upsert, department_upsert
from portal.exchange.constants import GrantStatus, SharingClass, SubjectKind
from portal.exchange.models import Dataset, SharingGrant
from portal.exchange.services import dataset_upsert, record_put
from portal.services.constants import ApplicationStatus
from portal.services.models import Application, ServiceItem
from portal.services.services import application_create_draft, service_item_upsert

# --- People, firms, departments ------------------------------------------------------------

PASSWORD = "Correct-Horse-42"
_seq = itertools.count(1)


def make_department(code: str | None = None, name: str = "测试局") -> Department:
    n = next(_seq)
    return department_upsert(code=code or f"dept{n}", name=f"{name}{n}", region="330100")


def make_citizen(username: str | None = None, **extra: str) -> User:
    n = next(_seq)
    id_number = extra.get("id_number") or _resident_id(n)
    return citizen_sign_up(
        username=username or f"citizen{n}",
        password=PASSWORD,
        real_name=extra.get("real_name", f"公民{n}"),
        id_number=id_number,
        email=extra.get("email", ""),
    )


def _resident_id(n: int) -> str:
    """A valid, unique resident identity number for the n-th test citizen (336,000 of them)."""
    month, rest = divmod(n, 28_000)
    day, sequence = divmod(rest, 1000)
    return demo_resident_id(f"3301061990{month % 12 + 1:02d}{day + 1:02d}{sequence:03d}")


def make_staff(department: Department, *roles: StaffRole, username: str | None = None) -> User:
    n = next(_seq)
    return staff_create(
        username=username or f"staff{n}",
        password=PASSWORD,
        real_name=f"干部{n}",
        department=department,
        roles=list(roles),
    )


def make_firm(name: str = "测试科技有限公司") -> Firm:
    n = next(_seq)
    return firm_register(name=f"{name}{n}", uscc=demo_uscc(f"91330106MA2{n:06d}"), region="330100")


# --- Services: uploads, form schema, offices, services, applications ----------------------


def _pdf() -> bytes:
    """A real one-page PDF (uploads are checked by structure, not only by magic bytes)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(out, kind)
    return out.getvalue()


PDF = _pdf()
PNG = _image("PNG")
JPEG = _image("JPEG")

SCHEMA: dict[str, object] = {
    "steps": [
        {
            "title": "申请人信息",
            "title_en": "Applicant",
            "fields": [
                {
                    "name": "applicant_name",
                    "type": "text",
                    "label": "姓名",
                    "required": True,
                    "prefill": "applicant.real_name",
                },
                {"name": "phone", "type": "phone", "label": "手机号码", "required": True},
                {"name": "spouse_id", "type": "id_number", "label": "配偶身份证号码"},
            ],
        },
        {
            "title": "申请内容",
            "title_en": "Application",
            "fields": [
                {"name": "started_on", "type": "date", "label": "开始日期", "required": True},
                {
                    "name": "headcount",
                    "type": "integer",
                    "label": "人数",
                    "required": True,
                    "min": 1,
                    "max": 500,
                },
                {
                    "name": "kind",
                    "type": "choice",
                    "label": "类别",
                    "required": True,
                    "choices": [{"value": "a", "label": "甲"}, {"value": "b", "label": "乙"}],
                },
                {"name": "agree", "type": "boolean", "label": "承诺", "required": True},
            ],
        },
    ]
}
GOOD_STEPS = [
    {"applicant_name": "张三", "phone": "13912345678", "spouse_id": ""},
    {"started_on": "2026-03-02", "headcount": "3", "kind": "a", "agree": "on"},
]


def pdf_upload(name: str = "scan.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class Office:
    """A department with a system and one staff member per handling role."""

    department: Department
    system: DepartmentSystem
    clerk: User
    reviewer: User
    approver: User
    admin: User


def make_office(code: str | None = None) -> Office:
    department = make_department(code)
    system = department_system_upsert(
        department=department, name="业务系统", key_id=f"{department.code}-system"
    )
    return Office(
        department=department,
        system=system,
        clerk=make_staff(department, StaffRole.WINDOW_CLERK),
        reviewer=make_staff(department, StaffRole.REVIEWER),
        approver=make_staff(department, StaffRole.APPROVER),
        admin=make_staff(department, StaffRole.DEPARTMENT_ADMIN),
    )


def make_service(
    department: Department,
    *,
    code: str | None = None,
    materials: list[dict[str, object]] | None = None,
    for_citizens: bool = True,
    for_firms: bool = False,
    promised_days: int = 5,
    name: str = "测试事项",
    name_en: str = "Test service",
    keywords: str = "",
    references: list[str] | None = None,
) -> ServiceItem:
    return service_item_upsert(
        department=department,
        code=code or f"{department.code}-svc",
        name=name,
        name_en=name_en,
        keywords=keywords,
        for_citizens=for_citizens,
        for_firms=for_firms,
        legal_days=20,
        promised_days=promised_days,
        form_schema=SCHEMA,
        materials=(
            materials
            if materials is not None
            else [{"code": "proof", "name": "证明材料", "required": True, "exchange_dataset": ""}]
        ),
        reference_datasets=references or [],
    )


def make_application(
    service: ServiceItem,
    applicant: User,
    *,
    status: ApplicationStatus = ApplicationStatus.DRAFT,
    firm: Firm | None = None,
) -> Application:
    application = application_create_draft(
        service=service, applicant=applicant, firm=firm, prefill={}
    )
    if status != ApplicationStatus.DRAFT:
        # Test set-up only: put the application straight into the wanted state.
        Application.objects.filter(pk=application.pk).update(status=status)
        application.refresh_from_db()
    return application


def make_agent(firm: Firm, user: User | None = None, *, can_apply: bool = True) -> User:
    user = user or make_citizen()
    firm_representative_set(
        firm=firm, user=user, role=RepresentativeRole.AGENT, can_apply=can_apply
    )
    return user


# --- Exchange: datasets of each sharing class, grants, systems ------------------------------


FIRM_CODE = demo_uscc("91330106MA2TEXT01")
FIELDS = [
    {"name": "name", "type": "string", "label": "企业名称", "required": True},
    {"name": "capital", "type": "decimal", "label": "注册资本", "required": True},
    {"name": "founded", "type": "date", "label": "成立日期", "required": False},
]


@dataclass
class World:
    owner: Department
    reader: Department
    open: Dataset
    conditional: Dataset
    closed: Dataset


def make_world() -> World:
    owner, reader = make_department(name="市场监管局"), make_department(name="经信局")
    datasets = {}
    for sharing in SharingClass:
        datasets[sharing] = dataset_upsert(
            code=f"{owner.code}.{sharing.value}",
            name=f"登记 {sharing.label}",
            owner=owner,
            subject_kind=SubjectKind.FIRM,
            sharing_class=sharing,
            fields=FIELDS,
        )
        record_put(
            dataset=datasets[sharing],
            department=owner,
            subject_identifier=FIRM_CODE,
            data={"name": "测试科技有限公司", "capital": "1000", "founded": "2020-01-02"},
        )
    return World(
        owner,
        reader,
        datasets[SharingClass.UNCONDITIONAL],
        datasets[SharingClass.CONDITIONAL],
        datasets[SharingClass.NOT_SHARED],
    )


def make_grant(
    world: World,
    fields: list[str],
    *,
    status: GrantStatus = GrantStatus.APPROVED,
    until: dt.date | None = None,
) -> SharingGrant:
    today = timezone.localdate()
    return SharingGrant.objects.create(
        dataset=world.conditional,
        requester=world.reader,
        requested_fields=[f["name"] for f in FIELDS],
        granted_fields=fields,
        purpose="政策审核",
        legal_basis="条例",
        valid_from=today - dt.timedelta(days=30),
        valid_until=until or today + dt.timedelta(days=30),
        status=status,
    )


def make_system(department: Department, key_id: str) -> tuple[DepartmentSystem, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    system = department_system_upsert(
        department=department,
        name=f"{department.name}系统",
        key_id=key_id,
        public_key=base64.b64encode(public).decode(),
    )
    return system, key
