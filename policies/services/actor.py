"""Who writes a policy: a staff member or a department system, of one department."""

from dataclasses import dataclass

from policies import access
from portal.accounts.models import User
from portal.departments.models import Department, DepartmentSystem


@dataclass(frozen=True)
class Actor:
    """Who changes a policy: a staff member or a department system, of one department."""

    department: Department
    user: User | None = None
    system: DepartmentSystem | None = None

    def __post_init__(self) -> None:
        if (self.user is None) == (self.system is None):
            raise ValueError("an actor is a staff user or a department system, not both")

    @property
    def label(self) -> str:
        return self.system.key_id if self.system is not None else str(self.user)


def _authorise(actor: Actor, department: Department) -> None:
    """The rule lives in ``policies.access``: the issuing department's administrator or system."""
    access.manage_policies_check(department=department, user=actor.user, system=actor.system)
