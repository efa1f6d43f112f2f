"""One way to start a Celery task from a service: after the transaction commits.

A service imports its task inside the function that dispatches it, and a task module imports
the services it calls inside the task body, so neither module imports the other at load time.
"""

from typing import Any, Protocol

from django.db import transaction


class _Task(Protocol):
    def delay(self, *args: Any) -> object: ...


def dispatch_on_commit(task: _Task, *ids: int | str) -> None:
    """Queue ``task(*ids)`` once the current transaction commits (at once outside one).

    Robust: a broker outage is logged and does not fail the request that already committed;
    each task has a beat sweeper or is idempotent, so nothing is lost.
    """

    # A named function, not a ``functools.partial``: Django logs a robust callback's failure by
    # its ``__qualname__``, which a partial lacks (the log call itself then raised, and the
    # request that had committed answered 500 while the broker was down).
    def dispatch() -> None:
        task.delay(*ids)

    transaction.on_commit(dispatch, robust=True)
