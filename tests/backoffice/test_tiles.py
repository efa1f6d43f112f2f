"""The back office's home shows only tiles whose pages the person may open."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from portal.accounts.models import User
from portal.departments.constants import StaffRole
from portal.departments.services import audit_assignment_create, department_upsert
from tests.factories import make_department, make_staff

pytestmark = pytest.mark.django_db

TILE = re.compile(r'<ul class="tiles">(.*?)</ul>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def _tiles(client: Client) -> list[str]:
    html = client.get(reverse("backoffice:home")).content.decode()
    found = TILE.search(html)
    assert found is not None
    return HREF.findall(found.group(1))


@pytest.mark.parametrize("role", [*StaffRole, None])
def test_every_tile_of_every_role_opens(client: Client, role: StaffRole | None) -> None:
    department = make_department()
    client.force_login(make_staff(department, *([role] if role else [])))
    tiles = _tiles(client)
    assert tiles, "there is always something to open"
    for url in tiles:
        assert client.get(url).status_code == 200, url


def test_the_auditor_sees_no_tile_that_would_answer_403(client: Client) -> None:
    root = User.objects.create_superuser("root", "root@example.cn", "Root-Pass-2026")
    office = department_upsert(code="sjj", name="市数据资源管理局", region="330100")
    auditor = make_staff(office)
    audit_assignment_create(actor=root, auditor=auditor, all_departments=True)
    client.force_login(auditor)
    tiles = _tiles(client)
    for url in tiles:
        assert client.get(url).status_code == 200, url
    # Before, these answered 403 for an auditor: handling and reading roles only.
    for hidden in ("services:queue", "services:evaluations", "exchange:lookup"):
        assert reverse(hidden) not in tiles
        assert client.get(reverse(hidden)).status_code == 403
    assert reverse("policies:supervision") in tiles


def test_a_window_clerk_sees_the_queue_and_the_look_up(client: Client) -> None:
    client.force_login(make_staff(make_department(), StaffRole.WINDOW_CLERK))
    tiles = _tiles(client)
    assert reverse("services:queue") in tiles and reverse("exchange:lookup") in tiles
    assert reverse("backoffice:audit_assignments") not in tiles


def test_the_audit_offices_administrator_has_the_auditors_tile(client: Client) -> None:
    office = department_upsert(
        code="sjj", name="市数据资源管理局", region="330100", is_audit_office=True
    )
    client.force_login(make_staff(office, StaffRole.DEPARTMENT_ADMIN))
    assert reverse("backoffice:audit_assignments") in _tiles(client)


@pytest.mark.parametrize(
    "url",
    [
        "/backoffice/",
        "/backoffice/services/queue/",
        "/backoffice/exchange/datasets/",
        "/policies/backoffice/",
        "/policies/supervision/",
    ],
)
def test_signed_out_staff_pages_lead_to_the_staff_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/sign-in/?next=")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "backoffice/sign_in.html" in [t.name for t in page.templates]
