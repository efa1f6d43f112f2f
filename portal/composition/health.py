"""Liveness and readiness for load balancers and orchestrators."""

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers, Redis answers (when configured), and the ledger
    backlog is not older than LEDGER_BACKLOG_MAX_SECONDS (the sequencer keeps up)."""
    checks: dict[str, object] = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
        ok = False
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping()
            checks["redis"] = "ok"
        except redis.RedisError as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
            ok = False
    if checks["database"] == "ok":
        from ledger.models import PendingEvent

        oldest = (
            PendingEvent.objects.order_by("created_at").values_list("created_at", flat=True).first()
        )
        age = 0.0 if oldest is None else time.time() - oldest.timestamp()
        checks["ledger_backlog_oldest_seconds"] = round(age, 1)
        if age > settings.LEDGER_BACKLOG_MAX_SECONDS:
            checks["ledger"] = "backlog too old: is a Celery worker running?"
            ok = False
        else:
            checks["ledger"] = "ok"
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )
