"""Exchange fixtures: two departments, datasets of each sharing class, a record, grants."""

import base64
import datetime as dt
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from ledger.models import PendingEvent
from portal.composition.demo.accounts import demo_uscc
from portal.departments.models import Department, DepartmentSystem
from portal.departments.services import department_system_upsert
from portal.exchange.constants import GrantStatus, SharingClass, SubjectKind
from portal.exchange.models import Dataset, SharingGrant
from portal.exchange.services import dataset_upsert, record_put
from tests.conftest import make_department

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


def pending_count() -> int:
    return PendingEvent.objects.count()
