"""Grant without applying (免申即享): decide on fresh reads, record awards, payment, decline."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from policies import access, selectors
from policies.constants import (
    PURPOSE_GRANT,
    PURPOSE_GRANT_EN,
    AwardStatus,
    NoticeKind,
)
from policies.engine import matching
from policies.engine.evaluation import Profile as RuleProfile
from policies.engine.evaluation import Truth, evaluate
from policies.models import (
    BenefitAward,
    FirmProfile,
    Policy,
    PolicyNotice,
    PolicyRun,
)
from policies.services.profiles import (
    _declared,
    _profile_batches,
    firm_profile_read,
    granting_reader,
)
from portal.accounts.models import Firm, FirmRepresentative
from portal.core.text import visible_text
from portal.core.validators import validate_bank_account
from portal.exchange.services import Reader


def _reasons(evaluation_conditions: Iterable[object]) -> list[dict[str, object]]:
    out = []
    for c in evaluation_conditions:
        out.append(
            {
                "path": getattr(c, "path", ""),
                "field": getattr(c, "field", ""),
                "op": getattr(c, "op", ""),
                "expected": getattr(c, "expected", None),
                "actual": getattr(c, "actual", None),
                "truth": getattr(c, "truth", Truth.UNKNOWN).value,
                "label": getattr(c, "label", ""),
                "reason": getattr(c, "reason", ""),
            }
        )
    return out


def _without_declared(
    values: Mapping[str, object], sources: Mapping[str, object]
) -> dict[str, object]:
    return {k: v for k, v in values.items() if sources.get(k) != "declared"}


@transaction.atomic
def policy_grant_decide(*, policy: Policy, firm: Firm, reader: Reader | None = None) -> str:
    """Decide one firm: read its data afresh (in the ledger), then grant, invite or do nothing.

    Returns ``granted``, ``invited``, ``ineligible`` or ``already`` (decided before: no read).
    Only data read from the departments counts; the firm's declaration never does.
    """
    if (
        BenefitAward.objects.filter(policy=policy, firm=firm).exists()
        or PolicyNotice.objects.filter(policy=policy, firm=firm, kind=NoticeKind.INVITED).exists()
    ):
        return "already"
    reader = reader or granting_reader(policy)
    assembled = firm_profile_read(
        firm=firm,
        reader=reader,
        purpose=f"{PURPOSE_GRANT}：{policy.document_number}",
        purpose_en=f"{PURPOSE_GRANT_EN}: {policy.document_number}",
        with_declared=False,
    )
    rule = matching.effective_rule(
        region=policy.region,
        industries=policy.industries,
        firm_sizes=policy.firm_sizes,
        eligibility=policy.eligibility,
    )
    result = evaluate(rule, RuleProfile(assembled.values, assembled.missing))
    now = timezone.now()
    if result.truth is Truth.TRUE:
        compiled = selectors.policy_compiled(policy)
        BenefitAward.objects.create(
            policy=policy,
            firm=firm,
            status=AwardStatus.GRANTED,
            amount=compiled.benefit.estimate(assembled.values) or Decimal(0),
            reasons=_reasons(result.conditions),
            access_ids=assembled.access_ids,
            policy_version=policy.version,
            decided_at=now,
            paid_to_account=str(_declared(firm).get("bank_account", ""))[:40],
        )
        PolicyNotice.objects.get_or_create(policy=policy, firm=firm, kind=NoticeKind.GRANTED)
        return "granted"
    if result.truth is Truth.UNKNOWN:
        PolicyNotice.objects.get_or_create(policy=policy, firm=firm, kind=NoticeKind.INVITED)
        return "invited"
    return "ineligible"


def _grant(run: PolicyRun, size: int) -> None:
    """Shortlist from the kept profiles (without declared figures), then decide each
    candidate on fresh reads by the issuing department."""
    policy = run.policy
    compiled = selectors.policy_compiled(policy)
    reader = granting_reader(policy)
    run.total = FirmProfile.objects.count()
    run.save(update_fields=["total"])
    for rows in _profile_batches(size):
        sources = dict(
            FirmProfile.objects.filter(firm_id__in=[r[0] for r in rows]).values_list(
                "firm_id", "sources"
            )
        )
        candidates = [
            firm_id
            for firm_id, values in rows
            if compiled.classify(_without_declared(values, sources.get(firm_id) or {}))
            in (matching.ELIGIBLE, matching.UNKNOWN)
        ]
        granted = invited = 0
        for firm in Firm.objects.filter(pk__in=candidates).order_by("pk"):
            outcome = policy_grant_decide(policy=policy, firm=firm, reader=reader)
            granted += outcome == "granted"
            invited += outcome == "invited"
        PolicyRun.objects.filter(pk=run.pk).update(
            processed=F("processed") + len(rows),
            granted=F("granted") + granted,
            unknown=F("unknown") + invited,
            notified=F("notified") + granted + invited,
        )
    run.refresh_from_db()


@transaction.atomic
def award_mark_paid(
    *, award: BenefitAward, account: str, paid_at: dt.datetime | None = None
) -> BenefitAward:
    """Record the payment of a granted benefit (the account paid into and when), as the
    issuing department's payment system reports it."""
    award = BenefitAward.objects.select_for_update().get(pk=award.pk)
    if award.status != AwardStatus.GRANTED:
        raise ValidationError(_("A declined benefit is not paid."))
    award.paid_to_account = validate_bank_account(account)
    award.paid_at = paid_at or timezone.now()
    award.save(update_fields=["paid_to_account", "paid_at"])
    return award


@transaction.atomic
def award_decline(
    *, award: BenefitAward, representative: FirmRepresentative, reason: str
) -> BenefitAward:
    """The firm turns down a benefit granted without applying."""
    if representative.firm_id != award.firm_id or not access.may_act_on_policies(
        rep=representative, user=representative.user
    ):
        raise PermissionDenied(_("Only a representative who may apply for the firm can decline."))
    award = BenefitAward.objects.select_for_update().get(pk=award.pk)
    if award.status != AwardStatus.GRANTED:
        raise ValidationError(_("This benefit was already declined."))
    if award.paid_at is not None:
        raise ValidationError(
            _("This benefit was already paid; to return it, contact the issuing department.")
        )
    award.status = AwardStatus.DECLINED
    award.declined_at = timezone.now()
    award.decline_reason = visible_text(reason)[:300]
    award.save()
    return award
