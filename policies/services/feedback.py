"""Notices and ratings: the firm's messages read, its ratings of a policy."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies import access, selectors
from policies.constants import (
    PolicyStatus,
)
from policies.models import (
    Policy,
    PolicyNotice,
    PolicyRating,
)
from policies.services.validation import _Errors
from portal.accounts.models import Firm, FirmRepresentative, User
from portal.core.text import visible_text


@transaction.atomic
def notices_mark_read(*, firm: Firm) -> int:
    return PolicyNotice.objects.filter(firm=firm, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notices_mark_read_for_user(*, user: User) -> int:
    """Mark read the policy messages a person sees in their inbox (those of the firms they
    may file for now)."""
    return (
        selectors.policy_notices_for_user(user=user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


@transaction.atomic
def policy_rate(
    *,
    policy: Policy,
    representative: FirmRepresentative,
    clarity: int,
    handling: int,
    comment: str = "",
) -> PolicyRating:
    """A firm rates a published policy's clarity and handling (1–5); a new rating replaces."""
    if not access.may_act_on_policies(rep=representative, user=representative.user):
        raise PermissionDenied(_("Only a representative who may apply for the firm rates."))
    if policy.status != PolicyStatus.PUBLISHED:
        raise ValidationError(_("Only a published policy can be rated."))
    errors = _Errors()
    if clarity not in range(1, 6):
        errors["clarity"] = _("Choose from 1 to 5.")
    if handling not in range(1, 6):
        errors["handling"] = _("Choose from 1 to 5.")
    errors.check()
    rating, _created = PolicyRating.objects.update_or_create(
        policy=policy,
        firm=representative.firm,
        defaults={
            "user": representative.user,
            "clarity": clarity,
            "handling": handling,
            "comment": visible_text(comment)[:500],
            "created_at": timezone.now(),
        },
    )
    return rating
