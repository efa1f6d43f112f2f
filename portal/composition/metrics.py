"""Prometheus metrics: requests (per process; multiprocess mode when
PROMETHEUS_MULTIPROC_DIR is set, as under gunicorn), and, computed at each scrape,
the ledger backlog, checkpoint age and Celery queue length."""

import os
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from portal.accounts.authentication_policy import client_address

REQUESTS = Counter("portal_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "portal_http_request_seconds",
    "HTTP request latency",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
)


def _route(request: HttpRequest) -> str:
    """The URL pattern name, never the path (paths may hold ids)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return "unmatched"
    return match.view_name or "unnamed"


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = _route(request)
        REQUESTS.labels(request.method or "", route, str(response.status_code)).inc()
        LATENCY.labels(route).observe(time.perf_counter() - started)
        return response


class LedgerCollector(Collector):
    """Gauges read from the database and Redis at scrape time."""

    def collect(self):  # type: ignore[no-untyped-def]  # prometheus_client's Collector is untyped
        from ledger.models import Checkpoint, PendingEvent
        from ledger.selectors import tree_size

        backlog = GaugeMetricFamily(
            "portal_ledger_backlog", "Ledger events waiting to be sequenced"
        )
        backlog.add_metric([], PendingEvent.objects.count())
        yield backlog
        oldest = (
            PendingEvent.objects.order_by("created_at").values_list("created_at", flat=True).first()
        )
        age = GaugeMetricFamily(
            "portal_ledger_backlog_oldest_seconds", "Age of the oldest pending event"
        )
        age.add_metric([], 0 if oldest is None else time.time() - oldest.timestamp())
        yield age
        size = GaugeMetricFamily("portal_ledger_tree_size", "Entries in the ledger")
        size.add_metric([], tree_size())
        yield size
        latest = Checkpoint.objects.order_by("-id").values_list("created_at", flat=True).first()
        cp_age = GaugeMetricFamily(
            "portal_ledger_checkpoint_age_seconds", "Age of the latest checkpoint"
        )
        cp_age.add_metric([], -1 if latest is None else time.time() - latest.timestamp())
        yield cp_age
        if settings.REDIS_URL:
            import redis

            queue = GaugeMetricFamily(
                "portal_celery_queue_length", "Messages waiting in Celery queues", labels=["queue"]
            )
            client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1)
            try:
                queue.add_metric(["celery"], client.llen("celery"))
            except redis.RedisError:
                queue.add_metric(["celery"], -1)
            yield queue


def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text format. Allowed from loopback, or with the METRICS_TOKEN bearer token."""
    token = settings.METRICS_TOKEN
    remote = client_address(request)  # behind a local proxy REMOTE_ADDR is loopback for all
    if token:
        if request.headers.get("Authorization", "") != f"Bearer {token}":
            return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    elif remote not in {"127.0.0.1", "::1"}:
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped in prometheus_client
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(LedgerCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
