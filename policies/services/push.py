"""Push: match every firm against a published policy and notify the eligible ones."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from policies import selectors
from policies.constants import (
    MatchOutcome,
    NoticeKind,
    PolicyStatus,
    RunKind,
    RunStatus,
)
from policies.engine import matching
from policies.models import (
    FirmProfile,
    Policy,
    PolicyMatch,
    PolicyNotice,
    PolicyRun,
)
from policies.services.actor import Actor, _authorise
from policies.services.grants import _grant
from policies.services.profiles import _profile_batches
from portal.core.dispatch import dispatch_on_commit

logger = logging.getLogger(__name__)


def _dispatch(run_id: int) -> None:
    from policies.tasks import policy_run_task

    dispatch_on_commit(policy_run_task, run_id)


def _start_runs(policy: Policy) -> list[PolicyRun]:
    """Queue the push run (and the grant run of a 免申即享 policy); dispatch after commit."""
    runs = [
        PolicyRun.objects.create(policy=policy, kind=RunKind.PUSH, policy_version=policy.version)
    ]
    if policy.grant_without_applying:
        runs.append(
            PolicyRun.objects.create(
                policy=policy, kind=RunKind.GRANT, policy_version=policy.version
            )
        )
    for run in runs:
        _dispatch(run.pk)
    return runs


@transaction.atomic
def policy_run_start(*, actor: Actor, policy: Policy, kind: RunKind) -> PolicyRun:
    """Run the push or the grant job again by hand (both are idempotent)."""
    _authorise(actor, policy.department)
    if policy.status != PolicyStatus.PUBLISHED:
        raise ValidationError(_("Only a published policy is pushed."))
    if kind == RunKind.GRANT and not policy.grant_without_applying:
        raise ValidationError(_("This policy is not granted without applying."))
    run = PolicyRun.objects.create(policy=policy, kind=kind, policy_version=policy.version)
    _dispatch(run.pk)
    return run


def _finish(run: PolicyRun, status: RunStatus, error: str = "") -> PolicyRun:
    run.status = status
    run.error = error[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at", "processed"])
    return run


def policy_run_execute(*, run_id: int, batch_size: int | None = None) -> PolicyRun:
    """Execute a run (push or grant). Idempotent: running it twice notifies and grants once."""
    run = PolicyRun.objects.select_related("policy", "policy__department").get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    run.status = RunStatus.RUNNING
    run.started_at = timezone.now()
    run.processed = run.eligible = run.unknown = run.notified = run.granted = 0
    run.save()
    try:
        if run.policy.status != PolicyStatus.PUBLISHED:
            return _finish(run, RunStatus.DONE, _("The policy is no longer published."))
        size = batch_size or settings.POLICIES_PUSH_BATCH
        if run.kind == RunKind.PUSH:
            _push(run, size)
        else:
            _grant(run, size)
    except Exception as exc:
        logger.exception("policy run %s failed", run_id)
        _finish(run, RunStatus.FAILED, repr(exc))
        raise
    return _finish(run, RunStatus.DONE)


_OUTCOME = {
    matching.ELIGIBLE: MatchOutcome.ELIGIBLE,
    matching.UNKNOWN: MatchOutcome.UNKNOWN,
    matching.NEAR_MISS: MatchOutcome.NEAR_MISS,
}


def _push(run: PolicyRun, size: int) -> None:
    policy = run.policy
    compiled = selectors.policy_compiled(policy)
    run.total = FirmProfile.objects.count()
    run.save(update_fields=["total"])
    notify = not policy.grant_without_applying
    before = PolicyNotice.objects.filter(policy=policy, kind=NoticeKind.ELIGIBLE).count()
    for rows in _profile_batches(size):
        now = timezone.now()
        matches: list[PolicyMatch] = []
        notices: list[PolicyNotice] = []
        eligible = unknown = 0
        for firm_id, values in rows:
            outcome = compiled.classify(values)
            if outcome == matching.INELIGIBLE:
                continue
            matches.append(
                PolicyMatch(
                    policy_id=policy.pk,
                    firm_id=firm_id,
                    outcome=_OUTCOME[outcome],
                    estimated_amount=compiled.benefit.estimate(values),
                    policy_version=policy.version,
                    evaluated_at=now,
                )
            )
            if outcome == matching.ELIGIBLE:
                eligible += 1
                if notify:
                    notices.append(
                        PolicyNotice(
                            policy_id=policy.pk,
                            firm_id=firm_id,
                            kind=NoticeKind.ELIGIBLE,
                            created_at=now,
                        )
                    )
            elif outcome == matching.UNKNOWN:
                unknown += 1
        ids = [firm_id for firm_id, _values in rows]
        with transaction.atomic():
            PolicyMatch.objects.filter(policy=policy, firm_id__in=ids).exclude(
                firm_id__in=[m.firm_id for m in matches]
            ).delete()
            PolicyMatch.objects.bulk_create(
                matches,
                batch_size=2000,
                update_conflicts=True,
                unique_fields=["policy", "firm"],
                update_fields=["outcome", "estimated_amount", "policy_version", "evaluated_at"],
            )
            # The unique constraint makes a second run (or a concurrent one) a no-op.
            PolicyNotice.objects.bulk_create(notices, batch_size=2000, ignore_conflicts=True)
            PolicyRun.objects.filter(pk=run.pk).update(
                processed=F("processed") + len(rows),
                eligible=F("eligible") + eligible,
                unknown=F("unknown") + unknown,
            )
    after = PolicyNotice.objects.filter(policy=policy, kind=NoticeKind.ELIGIBLE).count()
    run.refresh_from_db()
    run.notified = after - before
    run.save(update_fields=["notified"])
