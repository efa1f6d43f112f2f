"""The back office's home tiles: only the pages the person may open.

Each tile asks the access rule of the page it links to (the app's ``access.py``), so that a
tile is shown exactly when its page answers 200 rather than 403 (tests/backoffice/test_tiles.py
opens every tile of every demo role).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.departments.access import audit_assigner
from portal.exchange import access as exchange_access
from portal.services import access as services_access


@dataclass(frozen=True)
class Tile:
    label: str | Promise
    url: str


def tiles_for(*, user: User) -> list[Tile]:
    """The tiles of a staff member's home page, in a fixed order."""
    department = user.department
    assert department is not None
    tiles = [
        Tile(_("Staff and roles"), reverse("backoffice:department_staff", args=[department.code]))
    ]
    # Applications: staff with a handling role (window clerk, reviewer, approver).
    if services_access.staff_may_handle(user=user, department=department):
        tiles.append(Tile(_("Work queue"), reverse("services:queue")))
        tiles.append(Tile(_("Evaluations awaiting a reply"), reverse("services:evaluations")))
    # Policies: every staff member sees the department's list and its supervision figures.
    tiles.append(Tile(_("Subsidy policies"), reverse("policies:bo_list")))
    tiles.append(Tile(_("Policy supervision"), reverse("policies:supervision")))
    # Reading another department's data: only the roles that read through the exchange.
    if exchange_access.may_read(department=department, user=user):
        tiles.append(Tile(_("Look up shared data"), reverse("exchange:lookup")))
    tiles.append(Tile(_("Data resource catalogue"), reverse("exchange:datasets")))
    tiles.append(Tile(_("Sharing grants"), reverse("exchange:grants")))
    tiles.append(Tile(_("Our reads"), reverse("exchange:reads")))
    tiles.append(Tile(_("Objections"), reverse("exchange:objections")))
    # Sealed reads: the investigators who make them and those who may end a seal early.
    if exchange_access.may_see_sealed_reads(department=department, user=user):
        tiles.append(Tile(_("Sealed reads"), reverse("exchange:sealed_reads")))
    # Assigning auditors: the audit office's administrator (or the operator).
    if department.is_audit_office and audit_assigner(user=user):
        tiles.append(Tile(_("Auditors"), reverse("backoffice:audit_assignments")))
    return tiles
