"""Celery tasks of the policies part: each takes ids and calls a service (imported in the
task body, as the services import the tasks in theirs)."""

from celery import shared_task


@shared_task(acks_late=True, max_retries=3, autoretry_for=(Exception,), retry_backoff=True)
def policy_run_task(run_id: int) -> str:
    """Push a policy to every firm (match and notify), or grant it without applying.

    Idempotent: a notice, a match and a grant are unique per firm and policy.
    """
    from policies import services

    run = services.policy_run_execute(run_id=run_id)
    return str(run.status)


@shared_task(acks_late=True, max_retries=3, autoretry_for=(Exception,), retry_backoff=True)
def firm_profiles_refresh_task(after_firm_id: int = 0, batch: int = 200) -> int:
    """Refresh firms' matching profiles through the exchange, a batch per task, chained."""
    from policies import services

    done, last = services.firm_profiles_refresh_batch(after_firm_id=after_firm_id, size=batch)
    if done == batch:
        firm_profiles_refresh_task.delay(last, batch)
    return done
