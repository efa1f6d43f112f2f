import datetime as dt

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.access import may_administer_staff
from portal.accounts.constants import RepresentativeRole, UserKind
from portal.accounts.identity import IdentityNumberError, validate_resident_id, validate_uscc
from portal.accounts.models import Firm, FirmRepresentative, User
from portal.accounts.selectors import representation_get
from portal.core.dispatch import dispatch_on_commit
from portal.departments.constants import StaffRole
from portal.departments.models import Department


@transaction.atomic
def citizen_sign_up(
    *,
    username: str,
    password: str,
    real_name: str,
    id_number: str,
    email: str = "",
    phone: str = "",
) -> User:
    """Register a citizen after validating the identity number (GB 11643)."""
    try:
        number = validate_resident_id(id_number)
    except IdentityNumberError as exc:
        raise ValidationError({"id_number": exc.message}) from None
    if User.objects.filter(id_number=number).exists():
        raise ValidationError(
            {
                "id_number": _(
                    "An account with this identity number already exists. "
                    "Sign in, or reset your password if you have forgotten it."
                )
            }
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken; please choose another.")})
    user = User(
        username=username,
        kind=UserKind.CITIZEN,
        real_name=real_name,
        id_number=number,
        email=email,
        phone=phone,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if email:
        from portal.accounts.tasks import send_welcome_email_task

        dispatch_on_commit(send_welcome_email_task, user.pk)
    return user


@transaction.atomic
def citizen_sign_up_submit(
    *,
    username: str,
    password: str,
    real_name: str,
    id_number: str,
    email: str = "",
    phone: str = "",
) -> User | None:
    """The public sign-up: the answer does not tell whether the identity number has an account.

    A new number gets its account (returned). A number that already has one gets no second
    account (None), and the owner is told by e-mail that someone tried, with what to do if
    it was them. The caller shows the same page either way; refusals (malformed number, user
    name taken) never depend on the number being registered.
    """
    try:
        number = validate_resident_id(id_number)
    except IdentityNumberError as exc:
        raise ValidationError({"id_number": exc.message}) from None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken; please choose another.")})
    owner = User.objects.filter(id_number=number).first()
    if owner is None:
        return citizen_sign_up(
            username=username,
            password=password,
            real_name=real_name,
            id_number=number,
            email=email,
            phone=phone,
        )
    make_password(password)  # the same work as a real sign-up, so the timing does not tell
    if owner.email:
        from portal.accounts.tasks import send_sign_up_attempt_email_task

        owner_id = owner.pk
        dispatch_on_commit(send_sign_up_attempt_email_task, owner_id)
    return None


@transaction.atomic
def firm_register(
    *,
    name: str,
    uscc: str,
    region: str,
    industry_code: str = "",
    registered_on: dt.date | None = None,
    legal_representative_name: str = "",
) -> Firm:
    """Create or update a firm by its unified social credit code (GB 32100)."""
    try:
        code = validate_uscc(uscc)
    except IdentityNumberError as exc:
        raise ValidationError({"uscc": exc.message}) from None
    firm, _created = Firm.objects.update_or_create(
        uscc=code,
        defaults={
            "name": name,
            "region": region,
            "industry_code": industry_code,
            "registered_on": registered_on,
            "legal_representative_name": legal_representative_name,
        },
    )
    return firm


@transaction.atomic
def firm_representative_set(
    *,
    firm: Firm,
    user: User,
    role: RepresentativeRole,
    can_apply: bool = True,
    can_view_data_use: bool = True,
    can_manage_agents: bool = False,
    can_view_firm_data: bool = True,
    valid_until: dt.date | None = None,
    actor: User | None = None,
) -> FirmRepresentative:
    """Appoint (or update) a person to act for a firm.

    With an ``actor`` (a person using the site), only someone who may appoint
    agents for this firm can do it; ``actor=None`` is for trusted callers
    (registration data loaded by the operator).
    """
    if actor is not None:
        own = representation_get(user=actor, firm_id=firm.pk)
        if own is None or not own.can_manage_agents:
            raise PermissionDenied(_("You may not appoint agents for this firm."))
    if not user.is_citizen:
        raise ValidationError(_("Only a person with a citizen account can act for a firm."))
    if role == RepresentativeRole.LEGAL_REPRESENTATIVE:
        can_apply = can_view_data_use = can_manage_agents = can_view_firm_data = True
    rep, _created = FirmRepresentative.objects.update_or_create(
        firm=firm,
        user=user,
        defaults={
            "role": role,
            "can_apply": can_apply,
            "can_view_data_use": can_view_data_use,
            "can_manage_agents": can_manage_agents,
            "can_view_firm_data": can_view_firm_data,
            "valid_until": valid_until,
        },
    )
    return rep


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    real_name: str,
    department: Department,
    roles: list[StaffRole],
    email: str = "",
) -> User:
    """Create (or update) a staff account in one department with the given roles."""
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "kind": UserKind.STAFF,
            "real_name": real_name,
            "department": department,
            "email": email,
            "is_staff": False,
        },
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    return user


@transaction.atomic
def staff_role_set(*, actor: User, staff: User, role: StaffRole, granted: bool) -> User:
    """A department administrator grants or removes a role of their own department's staff."""
    if staff.department is None or not may_administer_staff(
        user=actor, department=staff.department
    ):
        raise PermissionDenied(_("You may only manage the staff of your own department."))
    group = Group.objects.get(name=role.value)
    if granted:
        staff.groups.add(group)
    else:
        staff.groups.remove(group)
    return staff
