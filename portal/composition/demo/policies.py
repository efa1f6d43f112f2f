"""Demo data of the policies part: the catalogue's thirty-odd Hangzhou-style policies
(``catalogue/policies/``) whose rules match the four demo firms in different ways, the firms'
matching profiles (read through the exchange), and the push and grant runs executed in-line.
Idempotent (upserts by document number)."""

import datetime as dt
from typing import Any

from django.utils import timezone

from policies import services
from policies.constants import AwardStatus, RunStatus
from policies.models import BenefitAward, FirmDeclaration, Policy, PolicyRun
from portal.accounts.models import Firm
from portal.composition.catalogue import catalogue_load
from portal.composition.demo import DEMO_CATALOGUE

# The day the demo catalogue's policy dates were written. The demo moves each policy's
# application window and validity forward by the days since, so it always shows open windows
# (opened 60 days ago, closing in 120) and closed ones (closed 30 days ago).
CATALOGUE_WRITTEN_ON = dt.date(2026, 12, 4)
MOVED_DATES = ("window_opens", "window_closes", "valid_until")


def _dated_today(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    if kind != "policies":
        return record
    shift = timezone.localdate() - CATALOGUE_WRITTEN_ON
    moved = dict(record)
    for name in MOVED_DATES:
        if moved.get(name):
            moved[name] = (dt.date.fromisoformat(str(moved[name])) + shift).isoformat()
    return moved


# The firms' payment accounts on record (given when they last applied), by firm name.
DEMO_BANK_ACCOUNTS = {
    "杭城智能科技有限公司": "6222020200112233",
    "西湖生物医药股份有限公司": "33050161000000001234",
    "钱塘新材料制造有限公司": "6217001540012345678",
    "运河文化创意工作室": "6228480329876543210",
}
# A benefit granted without applying that the department has already paid, by firm name.
DEMO_PAID_AWARDS = ("西湖生物医药股份有限公司",)


def seed() -> int:
    """Demo policies, profiles for the demo firms, and the push and grant runs done in-line."""
    for firm in Firm.objects.order_by("pk"):
        account = DEMO_BANK_ACCOUNTS.get(firm.name)
        if account:
            declaration, _created = FirmDeclaration.objects.get_or_create(firm=firm)
            declaration.data = {**declaration.data, "bank_account": account}
            declaration.save()
        services.firm_profile_refresh(firm=firm)
    catalogue_load(path=DEMO_CATALOGUE, kinds=["policies"], adjust=_dated_today)
    # Execute the queued runs now, so the demo starts with matches, notices and grants
    # (the tasks dispatched after commit find them done).
    for run in PolicyRun.objects.exclude(status=RunStatus.DONE).order_by("pk"):
        services.policy_run_execute(run_id=run.pk)
    for award in BenefitAward.objects.filter(
        firm__name__in=DEMO_PAID_AWARDS, status=AwardStatus.GRANTED, paid_at__isnull=True
    ).select_related("firm"):
        services.award_mark_paid(award=award, account=DEMO_BANK_ACCOUNTS[award.firm.name])
    return Policy.objects.count()
