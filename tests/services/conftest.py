"""Factories of the services tests: a department with staff of each role, a service, files."""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from portal.accounts.constants import RepresentativeRole
from portal.accounts.models import Firm, User
from portal.accounts.services import firm_representative_set
from portal.departments.constants import StaffRole
from portal.departments.models import Department, DepartmentSystem
from portal.departments.services import department_system_upsert
from portal.services.constants import ApplicationStatus
from portal.services.models import Application, ServiceItem
from portal.services.services import application_create_draft, service_item_upsert
from tests.conftest import make_citizen, make_department, make_firm, make_staff


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


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings: object) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root  # type: ignore[attr-defined]
    return root


@pytest.fixture
def office(db: None) -> Office:
    return make_office()


@pytest.fixture
def service(office: Office) -> ServiceItem:
    return make_service(office.department)


__all__ = ["make_citizen", "make_firm"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    """Accounts are made by the dozen here; the real hasher is tested by the accounts part."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
