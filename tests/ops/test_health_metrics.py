import datetime as dt
import json
import logging

import pytest
from django.test import Client
from django.utils import timezone

from ledger.models import PendingEvent
from portal.core.logging import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_liveness_and_readiness(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_readiness_fails_when_the_ledger_backlog_is_stale(client: Client, settings) -> None:
    settings.LEDGER_BACKLOG_MAX_SECONDS = 60
    PendingEvent.objects.create(created_at=timezone.now() - dt.timedelta(minutes=5), payload={})
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "backlog" in response.json()["checks"]["ledger"]


def test_metrics_from_loopback_only_unless_token(client: Client, settings) -> None:
    client.get("/healthz")
    body = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert "portal_http_requests_total" in body
    assert "portal_ledger_backlog" in body
    assert 'route="healthz"' in body
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    ok = client.get(
        "/metrics", REMOTE_ADDR="10.1.2.3", headers={"Authorization": "Bearer s3cret-token"}
    )
    assert ok.status_code == 200


def test_every_response_carries_a_request_id(client: Client) -> None:
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "abc-12345678"})["X-Request-ID"] == (
        "abc-12345678"
    )
    assert (
        client.get("/healthz", headers={"X-Request-ID": "<script>"})["X-Request-ID"] != "<script>"
    )


def test_json_log_lines_hold_the_request_id_and_mask_identity_numbers() -> None:
    record = logging.LogRecord(
        "portal", logging.INFO, __file__, 1, "id %s", ("11010519491231002X",), None
    )
    from portal.core.logging import MaskIdentityNumbersFilter

    RequestIdFilter().filter(record)
    MaskIdentityNumbersFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "-"
    assert "11010519491231002X" not in line["message"]
