"""Demo people: staff of each role in the catalogue's departments, citizens, firms.

The departments themselves are catalogue data (``catalogue/departments.json``). Every call is
idempotent (upserts by natural key), so ``seed_demo`` can run twice.
"""

import datetime as dt
from dataclasses import dataclass

from portal.accounts.constants import RepresentativeRole
from portal.accounts.identity import resident_id_check_char, uscc_check_char
from portal.accounts.models import User
from portal.accounts.services import firm_register, firm_representative_set, staff_create
from portal.composition.catalogue import catalogue_load
from portal.composition.demo import DEMO_CATALOGUE
from portal.departments.constants import StaffRole
from portal.departments.models import Department
from portal.departments.services import (
    audit_assignment_create,
    department_system_upsert,
    role_groups_sync,
)

DEMO_PASSWORD = "Demo#2026portal"  # noqa: S105 - published demo password
CITY_REGION = "330100"

# Staff of each department of the catalogue, one per role in the order of StaffRole (window
# clerk, reviewer, approver, data steward, department administrator): full names, as on a card.
STAFF_NAMES = {
    "scjg": ["陈晓燕", "王建国", "李明华", "周婷", "赵志刚", "钱立群"],
    "rsj": ["刘丽娟", "孙伟", "杨帆", "黄敏", "吴国平", "潘秋实"],
    "swj": ["郑雅琴", "何俊", "徐海涛", "林静", "马跃进", "戴宏亮"],
    "gaj": ["朱晓东", "胡玉兰", "郭强", "高凤英", "罗振华", "任建峰"],
    "kjj": ["梁思远", "宋佳怡", "谢文斌", "韩雪", "唐立新", "范晓光"],
    "jxj": ["冯嘉欣", "于洪波", "董丽萍", "萧子健", "程建军", "方志远"],
    "mzj": ["曹秀梅", "袁浩然", "邓春燕", "许志明", "傅红霞", "石慧敏"],
    "wjw": ["沈佳琪", "曾凡宇", "彭淑芬", "吕卫东", "苏晓明", "姚振东"],
    "sjj": ["蒋雨桐", "蔡明轩", "贾文静", "丁昊天", "魏国庆", "邹卫华"],
}
# The audit office (``is_audit_office`` in the catalogue) assigns the auditors: one city-wide.
AUDITOR_NAME = "叶澜清"


@dataclass(frozen=True)
class DemoSignIn:
    username: str
    who: str


def demo_resident_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def demo_uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


CITIZENS = [
    # username, real name, first 17 digits (region 330106, birth date, sequence), e-mail
    ("zhangsan", "张三", "33010619850312041", "zhangsan@example.cn"),
    ("lisi", "李四", "33010219900728062", "lisi@example.cn"),
    ("wangwu", "王五", "33010519781105113", "wangwu@example.cn"),
    ("zhaoliu", "赵六", "33010820011230024", "zhaoliu@example.cn"),
]

FIRMS = [
    # name, first 17 characters of the USCC, industry (GB/T 4754), registered on, legal rep.
    ("杭城智能科技有限公司", "91330106MA2H3K5Q1", "6511", dt.date(2019, 4, 18), "zhangsan"),
    ("西湖生物医药股份有限公司", "91330100MA27XL8P0", "2720", dt.date(2015, 9, 2), "lisi"),
    ("钱塘新材料制造有限公司", "91330114MA2B1C2D3", "3099", dt.date(2021, 11, 23), "wangwu"),
    ("运河文化创意工作室", "92330105MA28R7T6X", "7259", dt.date(2023, 3, 8), "zhaoliu"),
]


def seed_accounts() -> list[DemoSignIn]:
    role_groups_sync()
    catalogue_load(path=DEMO_CATALOGUE, kinds=["departments"])
    sign_ins: list[DemoSignIn] = []
    for code, staff_names in STAFF_NAMES.items():
        department = Department.objects.get(code=code)
        name, name_en = department.name, department.name_en
        department_system_upsert(
            department=department,
            name=f"{name}业务系统",
            name_en=f"{name_en} case system",
            key_id=f"{code}-system",
        )
        for role, real_name in zip(StaffRole, staff_names, strict=True):
            username = f"{code}.{role.value}"
            staff_create(
                username=username,
                password=DEMO_PASSWORD,
                real_name=real_name,
                department=department,
                roles=[role],
                email=f"{code}.{role.value}@gov.example.cn",
            )
            sign_ins.append(DemoSignIn(username, f"{name} · {role.label}"))
        if department.is_audit_office:
            auditor = staff_create(
                username=f"{code}.auditor",
                password=DEMO_PASSWORD,
                real_name=AUDITOR_NAME,
                department=department,
                roles=[],
                email=f"{code}.auditor@gov.example.cn",
            )
            audit_assignment_create(
                actor=User.objects.get(username=f"{code}.{StaffRole.DEPARTMENT_ADMIN.value}"),
                auditor=auditor,
                all_departments=True,
                note="全市数据访问审计（演示）",
            )
            sign_ins.append(DemoSignIn(auditor.username, f"{name} · auditor (all departments)"))

    citizens: dict[str, User] = {}
    for username, real_name, first17, email in CITIZENS:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "real_name": real_name,
                "id_number": demo_resident_id(first17),
                "email": email,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        citizens[username] = user
        sign_ins.append(DemoSignIn(username, f"{real_name} · citizen"))

    for name, first17, industry, registered_on, legal_rep in FIRMS:
        firm = firm_register(
            name=name,
            uscc=demo_uscc(first17),
            region=CITY_REGION,
            industry_code=industry,
            registered_on=registered_on,
            legal_representative_name=citizens[legal_rep].real_name,
        )
        firm_representative_set(
            firm=firm, user=citizens[legal_rep], role=RepresentativeRole.LEGAL_REPRESENTATIVE
        )
    # 李四 is also an authorised agent of the first firm (files applications, cannot appoint).
    first_firm = firm_register(
        name=FIRMS[0][0],
        uscc=demo_uscc(FIRMS[0][1]),
        region=CITY_REGION,
        industry_code=FIRMS[0][2],
        registered_on=FIRMS[0][3],
        legal_representative_name=citizens[FIRMS[0][4]].real_name,
    )
    firm_representative_set(firm=first_firm, user=citizens["lisi"], role=RepresentativeRole.AGENT)
    admin, _created = User.objects.update_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "real_name": "系统管理员"},
    )
    admin.set_password(DEMO_PASSWORD)
    admin.save(update_fields=["password"])
    sign_ins.append(DemoSignIn("admin", "Django admin (/admin/)"))
    return sign_ins
