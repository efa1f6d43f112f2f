"""Policies fixtures: the demo city (departments, firms, datasets, grants) and policies."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction

from policies import selectors, services
from portal.accounts.models import Firm, User
from portal.composition.demo.accounts import seed_accounts
from portal.composition.demo.exchange import seed_exchange
from portal.departments.models import Department, DepartmentSystem


@pytest.fixture(autouse=True)
def _fast_passwords(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_compiled_cache() -> Iterator[None]:
    selectors.compiled_cache_clear()
    yield
    selectors.compiled_cache_clear()


@dataclass
class City:
    firms: list[Firm]
    departments: dict[str, Department]
    systems: dict[str, DepartmentSystem]

    def staff(self, username: str) -> User:
        return User.objects.get(username=username)


@pytest.fixture
def city(db: None) -> City:
    """The demo city of the accounts and exchange parts (4 firms with their records)."""
    with transaction.atomic():
        seed_accounts()
        seed_exchange()
    firms = list(Firm.objects.order_by("created_at", "pk"))[:4]
    departments = {d.code: d for d in Department.objects.all()}
    systems = {s.department.code: s for s in DepartmentSystem.objects.select_related("department")}
    return City(firms, departments, systems)


def actor_of(city: City, code: str) -> "services.Actor":
    """The department's own system as the actor (as a department system calling the API)."""
    system = city.systems[code]
    return services.Actor(department=system.department, system=system)


def record(**extra: object) -> dict[str, object]:
    """A valid policy record of the science bureau."""
    base: dict[str, object] = {
        "document_number": "杭科测〔2026〕1号",
        "department": "kjj",
        "title": "企业研发费用补助",
        "region": "330100",
        "summary": "对研发费用达到100万元的企业，按研发费用的10%给予补助。",
        "full_text": "第一条 为鼓励企业加大研发投入……",
        "topics": ["rd"],
        "benefit_kind": "share",
        "benefit_rate": "0.1",
        "benefit_base": "rd_expense",
        "benefit_cap": "200",
        "eligibility": {"all": [{"field": "rd_expense", "op": "gte", "value": 100}]},
        "materials": ["营业执照@scjg.business_registration", "审计报告"],
    }
    base.update(extra)
    return base


@pytest.fixture
def demo_city(city: City) -> City:
    """The demo city with the demo policies published, profiles read, runs executed."""
    from portal.composition.demo import policies as demo
    from portal.composition.demo.services import seed as seed_services

    seed_services()
    demo.seed()
    return city


def act_for(client: object, user: User, firm: Firm) -> None:
    """Sign in as ``user`` and act for ``firm`` (as the "switch identity" page does)."""
    from portal.accounts.constants import ACTING_AS_SESSION_KEY

    client.force_login(user)  # type: ignore[attr-defined]
    session = client.session  # type: ignore[attr-defined]
    session[ACTING_AS_SESSION_KEY] = firm.pk
    session.save()
