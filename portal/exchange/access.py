"""Who may do what in the exchange: the one place that decides, for pages, API and admin.

Each function either returns the object (or True) or raises ``Http404`` (no such object, or
one the caller may not know of) / ``PermissionDenied`` (known, but not theirs to act on).
Both become the right answer in pages and, as RFC 9457 problems, in the API. Each condition
is on its own line; each branch has a test in ``tests/exchange/test_access.py``.

Staff act only in their own department (``staff_has_permission``); department systems act
for their own department; auditing is an audit assignment (``portal.departments.access``).
"""

import re

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from ledger.services import subject_hash
from portal.accounts.models import Firm, FirmRepresentative, User
from portal.accounts.selectors import (
    current_representations,
    representation_is_current,
    staff_has_permission,
)
from portal.departments.access import audit_scope_for
from portal.departments.models import Department, DepartmentSystem
from portal.exchange.models import Access, Dataset, Objection, SharingGrant

READ = "read_exchange"
REQUEST_GRANTS = "request_grants"
MAINTAIN_DATASETS = "manage_datasets"
DECIDE_GRANTS = "manage_sharing"
ANSWER_OBJECTIONS = "administer_department"
READ_SEALED = "read_sealed"
UNSEAL_READS = "unseal_reads"


def _system_acts_for(system: DepartmentSystem, department: Department) -> bool:
    # A revoked system does nothing.
    if not system.is_active:
        return False
    # A system acts only for the department it belongs to.
    return system.department_id == department.pk


def _department_may(
    *,
    department: Department,
    codename: str,
    user: User | AnonymousUser | None,
    system: DepartmentSystem | None,
) -> bool:
    """The department acting through its own system, or staff of it with ``codename``."""
    # A department's own system acts for it (its grants still decide what it gets).
    if system is not None:
        return _system_acts_for(system, department)
    # Nobody else but a person acts.
    if user is None:
        return False
    # Staff of the department whose role carries the permission.
    return staff_has_permission(user=user, department=department, codename=codename)


def may_read(
    *,
    department: Department,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> bool:
    """Reading through the exchange: the department's system, or staff with a reading role
    (window clerk, reviewer, approver)."""
    return _department_may(department=department, codename=READ, user=user, system=system)


def read_check(
    *,
    department: Department,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> None:
    if not may_read(department=department, user=user, system=system):
        raise PermissionDenied(
            _("Your roles do not include reading other departments' data through the exchange.")
        )


def may_read_sealed(
    *,
    department: Department,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> bool:
    """Sealed reads (covert investigations): a department system allowed for them, or staff
    whose role carries ``read_sealed`` (the investigator)."""
    if system is not None:
        # A system acts for its own department only, while active ...
        if not _system_acts_for(system, department):
            return False
        # ... and reads sealed only if it was allowed to.
        return system.may_read_sealed
    # Nobody else but a person acts.
    if user is None:
        return False
    # Staff of the department whose role carries the permission.
    return staff_has_permission(user=user, department=department, codename=READ_SEALED)


def read_sealed_check(
    *,
    department: Department,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> None:
    if not may_read_sealed(department=department, user=user, system=system):
        raise PermissionDenied(
            _("Only investigators and department systems allowed for it make sealed reads.")
        )


def may_unseal(*, user: User | AnonymousUser, department: Department) -> bool:
    """Ending a seal early: staff of the reading department whose role carries
    ``unseal_reads`` (investigator, department administrator)."""
    return staff_has_permission(user=user, department=department, codename=UNSEAL_READS)


def may_see_sealed_reads(
    *,
    department: Department,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> bool:
    """The department's sealed reads before they are unsealed: whoever may make them (its
    investigators, its systems allowed for them) and those who may end a seal early. Other
    staff of the department do not see a covert investigation's reads."""
    # Those who make sealed reads see them ...
    if may_read_sealed(department=department, user=user, system=system):
        return True
    # ... and so do the people who may end a seal early.
    return user is not None and may_unseal(user=user, department=department)


def sealed_reads_view_check(*, user: User | AnonymousUser, department: Department) -> None:
    if not may_see_sealed_reads(department=department, user=user):
        raise PermissionDenied(_("Only investigators and administrators see the sealed reads."))


def access_sealed_read_for_unseal(*, user: User | AnonymousUser, access_id: str) -> Access:
    """A sealed read of the user's department that they may unseal (404 if it is not one of
    the department's sealed reads, else 403 without the right)."""
    department = user.department if isinstance(user, User) else None
    found = (
        Access.objects.select_related("dataset", "reader_department", "reader_user")
        .filter(pk=access_id, reader_department=department, sealed_until__isnull=False)
        .first()
        if department is not None
        else None
    )
    # Not a sealed read of the person's own department (or no such read).
    if found is None:
        raise Http404
    # The department's, but unsealing early is for the roles that carry the right.
    if not may_unseal(user=user, department=found.reader_department):
        raise PermissionDenied(_("Your roles do not include unsealing reads early."))
    return found


def may_request_grants(
    *,
    department: Department,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> bool:
    """Asking another department for a grant: the department's system or its data steward."""
    return _department_may(department=department, codename=REQUEST_GRANTS, user=user, system=system)


def request_grants_check(
    *,
    department: Department,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> None:
    if not may_request_grants(department=department, user=user, system=system):
        raise PermissionDenied(_("Only a data steward asks other departments for data grants."))


def may_maintain_dataset(
    *,
    dataset: Dataset,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> bool:
    """Writing records: the owning department's system (its register feeding the exchange),
    or its data steward (not any of its staff)."""
    return _department_may(
        department=dataset.owner, codename=MAINTAIN_DATASETS, user=user, system=system
    )


def maintain_dataset_check(
    *,
    dataset: Dataset,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> None:
    if not may_maintain_dataset(dataset=dataset, user=user, system=system):
        raise PermissionDenied(_("Only the owning department's data stewards maintain records."))


def access_dataset_for_maintenance(
    *,
    code: str,
    user: User | AnonymousUser | None = None,
    system: DepartmentSystem | None = None,
) -> Dataset:
    """The dataset, if the caller may write its records (404 if there is none, else 403)."""
    dataset = Dataset.objects.select_related("owner").filter(code=code).first()
    # The catalogue is public: an unknown code is simply not found.
    if dataset is None:
        raise Http404
    maintain_dataset_check(dataset=dataset, user=user, system=system)
    return dataset


def may_decide_grants(*, user: User | AnonymousUser, department: Department) -> bool:
    """Deciding or revoking grants on a department's datasets: its data steward, signed in."""
    return staff_has_permission(user=user, department=department, codename=DECIDE_GRANTS)


def may_decide_grant(*, user: User | AnonymousUser, grant: SharingGrant) -> bool:
    return may_decide_grants(user=user, department=grant.dataset.owner)


def decide_grant_check(*, user: User | AnonymousUser, grant: SharingGrant) -> None:
    if not may_decide_grant(user=user, grant=grant):
        raise PermissionDenied(_("Only a data steward of the owning department decides grants."))


def access_grant_for_steward(*, user: User | AnonymousUser, grant_id: int) -> SharingGrant:
    """The grant, if ``user`` may decide it (404 if there is none, else 403)."""
    grant = SharingGrant.objects.select_related("dataset__owner").filter(pk=grant_id).first()
    # No such grant.
    if grant is None:
        raise Http404
    decide_grant_check(user=user, grant=grant)
    return grant


# --- Objections ----------------------------------------------------------------------------

OBJECTION_REFERENCE = re.compile(r"YY-[0-9]{4}-[0-9]{6}")


def objections_visible_to(*, user: User) -> QuerySet[Objection]:
    """Objections a staff member sees: their department's reads; as an auditor, also the
    escalated ones (deadline passed unanswered) of the departments they audit."""
    # Not department staff: none.
    if not user.is_active or not user.is_department_staff or user.department is None:
        return Objection.objects.none()
    own = Q(access__reader_department=user.department)
    scope = audit_scope_for(user=user)
    # No audit assignment: the own department's only.
    if not scope.any:
        return Objection.objects.filter(own)
    escalated = Q(escalated_at__isnull=False)
    # A city-wide auditor: every department's escalated objections.
    if scope.all_departments:
        return Objection.objects.filter(own | escalated)
    # Otherwise the escalated ones of the departments audited.
    return Objection.objects.filter(
        own | (escalated & Q(access__reader_department__in=scope.department_ids))
    )


def may_answer_for_department(*, user: User | AnonymousUser, objection: Objection) -> bool:
    """Staff of the reading department whose role answers objections (its administrator)."""
    return staff_has_permission(
        user=user, department=objection.access.reader_department, codename=ANSWER_OBJECTIONS
    )


def may_handle_objection(*, user: User | AnonymousUser, objection: Objection) -> bool:
    """Taking an objection under review and answering it."""
    # The reading department's staff whose role answers objections, at any time.
    if may_answer_for_department(user=user, objection=objection):
        return True
    # Nobody else before the deadline has passed unanswered.
    if objection.escalated_at is None:
        return False
    # Escalated: an auditor whose assignment covers the reading department.
    return audit_scope_for(user=user).covers(objection.access.reader_department)


def handle_objection_check(*, user: User | AnonymousUser, objection: Objection) -> None:
    if not may_handle_objection(user=user, objection=objection):
        raise PermissionDenied(
            _(
                "Only the reading department's administrator answers; auditors answer once "
                "the deadline has passed."
            )
        )


def access_objection_for_staff(*, user: User, reference: str) -> Objection:
    """The objection, if ``user`` may see it in the back office (else 404)."""
    # Not a reference the portal hands out.
    if not OBJECTION_REFERENCE.fullmatch(reference):
        raise Http404
    objection = (
        objections_visible_to(user=user)
        .select_related(
            "access__reader_department", "access__dataset__owner", "access__reader_user"
        )
        .filter(reference=reference)
        .first()
    )
    # Unknown, or not one the person may see.
    if objection is None:
        raise Http404
    return objection


def objections_of_person(
    *, user: User | AnonymousUser, rep: FirmRepresentative | None
) -> QuerySet[Objection]:
    """The person's objections: the firm's (acting for it, with the right to see who used its
    data), or those they raised in their own name."""
    _identifier, firm = data_use_subject_for(user=user, rep=rep)
    # Acting for a firm: every objection raised for it, by whichever representative.
    if firm is not None:
        return Objection.objects.filter(firm=firm)
    # In their own name: only those they raised for themselves.
    return Objection.objects.filter(raised_by_id=user.pk, firm__isnull=True)


def access_own_objection(
    *, user: User | AnonymousUser, rep: FirmRepresentative | None, reference: str
) -> Objection:
    """One of the person's (or their firm's) objections; 404 for anyone else's."""
    found = (
        objections_of_person(user=user, rep=rep)
        .select_related(
            "access__reader_department", "access__dataset", "firm", "responded_by__department"
        )
        .filter(reference=reference)
        .first()
        if OBJECTION_REFERENCE.fullmatch(reference)
        else None
    )
    # Not theirs (or no such objection).
    if found is None:
        raise Http404
    return found


def may_follow_objection(*, user: User, objection: Objection) -> bool:
    """Whether ``user`` may still read about the objection (its notices and page)."""
    # Only an active person.
    if not user.is_active:
        return False
    # A personal objection: the person who raised it.
    if objection.firm_id is None:
        return objection.raised_by_id == user.pk
    # A firm's: a current representative who may see who used the firm's data.
    return current_representations(
        FirmRepresentative.objects.filter(
            firm_id=objection.firm_id, user=user, can_view_data_use=True
        )
    ).exists()


def objection_notices_visible_filter(*, user: User) -> Q:
    """The person's objection notices they may still read: personal ones, and those of firms
    whose data use they may see now (a former agent no longer reads the firm's answers)."""
    firms = current_representations(
        FirmRepresentative.objects.filter(user=user, can_view_data_use=True)
    )
    return Q(objection__firm__isnull=True) | Q(objection__firm_id__in=firms.values("firm_id"))


def objection_recipients(*, objection: Objection) -> list[User]:
    """Who is told about each change: the person, or the firm's current representatives who
    may see who used its data (never a former agent)."""
    # A personal objection: the person who raised it.
    if objection.firm_id is None:
        return [objection.raised_by]
    reps = current_representations(
        FirmRepresentative.objects.filter(
            firm_id=objection.firm_id, can_view_data_use=True, user__is_active=True
        )
    )
    return list(User.objects.filter(pk__in=reps.values("user_id")).order_by("pk"))


# --- Who used my data: the subject's own view ---------------------------------------------


def data_use_subject_for(
    *, user: User | AnonymousUser, rep: FirmRepresentative | None
) -> tuple[str, Firm | None]:
    """Whose accesses the person may see: the firm they act for (with the right), or their own."""
    # Only a signed-in, active person.
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied(_("Only citizens and firm representatives have data to show."))
    if rep is not None:
        # Acting for a firm: under their own, current representation ...
        if rep.user_id != user.pk or not representation_is_current(rep):
            raise PermissionDenied(_("Your authorisation does not include the firm's data use."))
        # ... that includes seeing who used the firm's data.
        if not rep.can_view_data_use:
            raise PermissionDenied(_("Your authorisation does not include the firm's data use."))
        return rep.firm.uscc, rep.firm
    # In their own name: citizens with an identity number (staff have none).
    if not user.id_number:
        raise PermissionDenied(_("Only citizens and firm representatives have data to show."))
    return user.id_number, None


def access_data_use(
    *, user: User | AnonymousUser, rep: FirmRepresentative | None, access_id: str
) -> Access:
    """One access to the person's (or their firm's) data; 404 for anyone else's."""
    identifier, _firm = data_use_subject_for(user=user, rep=rep)
    found = (
        Access.objects.filter(pk=access_id, subject_hash=subject_hash(identifier.strip().upper()))
        .filter(visible_to_subject_filter())
        .first()
    )
    # Not about them, no such access, or a sealed read not unsealed yet (as if there were none).
    if found is None:
        raise Http404
    return found


def visible_to_subject_filter() -> Q:
    """The accesses a person may be shown: all but sealed reads that are not unsealed yet
    (TRANSPARENCY.md §3). Every person-facing list of reads applies it."""
    return Q(sealed_until__isnull=True) | Q(unsealed_at__isnull=False)
