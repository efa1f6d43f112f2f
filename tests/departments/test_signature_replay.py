"""A used request signature is refused as a replay whatever its label or member parameters.

The replay cache keys on the key id and the signature bytes that verified (RFC 9421 §3.2):
the dictionary label and parameters on the ``Signature`` member are not signed (§4.2), so
rewriting them must not make a used signature pass again, nor log a second read.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from portal.departments.models import UsedSignature
from portal.departments.services import used_signatures_purge
from portal.departments.signatures import _SystemKeys
from portal.departments.signing_client import signed_headers
from portal.departments.tasks import used_signatures_purge_task
from portal.exchange.models import Access
from tests.exchange.test_signed_api import URL, body_for, post
from tests.factories import World, make_grant, make_system, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _first_read(client: Client, world: World) -> tuple[bytes, dict[str, str]]:
    system, key = make_system(world.reader, "jxj-replay-system")
    make_grant(world, ["name"])
    body = body_for(world)
    headers = signed_headers(method="POST", url=URL, body=body, key_id=system.key_id, key=key)
    assert headers["Signature"].startswith("pyhms=")
    assert post(client, body, headers).status_code == 200
    assert Access.objects.count() == 1
    return body, headers


def _assert_replay(response: object) -> None:
    assert getattr(response, "status_code", None) == 401, getattr(response, "content", b"")
    assert "replay" in response.json()["detail"]  # type: ignore[attr-defined]
    assert Access.objects.count() == 1, "a replay must not be logged as a new read"


def _relabel(value: str, label: str) -> str:
    old, rest = value.split("=", 1)
    assert old == "pyhms"
    return f"{label}={rest}"


def test_renamed_label_is_a_replay(client: Client, world: World) -> None:
    body, headers = _first_read(client, world)
    renamed = {
        **headers,
        "Signature-Input": _relabel(headers["Signature-Input"], "x"),
        "Signature": _relabel(headers["Signature"], "x"),
    }
    _assert_replay(post(client, body, renamed))


def test_added_member_parameter_is_a_replay(client: Client, world: World) -> None:
    body, headers = _first_read(client, world)
    added = {**headers, "Signature": headers["Signature"] + ";extra=1"}
    _assert_replay(post(client, body, added))


def test_unknown_signed_parameter_is_refused(client: Client, world: World) -> None:
    """A parameter added to Signature-Input is signed: the old signature no longer verifies."""
    body, headers = _first_read(client, world)
    extended = {**headers, "Signature-Input": headers["Signature-Input"] + ";extra=1"}
    response = post(client, body, extended)
    assert response.status_code == 401
    assert Access.objects.count() == 1


def test_same_bytes_under_two_labels_is_refused(client: Client, world: World) -> None:
    """Two copies of one signature in one request (labels a and b) never count as two."""
    body, headers = _first_read(client, world)
    inner = headers["Signature-Input"].split("=", 1)[1]
    value = headers["Signature"].split("=", 1)[1]
    doubled = {
        **headers,
        "Signature-Input": f"a={inner}, b={inner}",
        "Signature": f"a={value}, b={value}",
    }
    response = post(client, body, doubled)
    assert response.status_code == 401
    assert Access.objects.count() == 1


def test_same_bytes_under_a_new_label_on_a_fresh_request_is_a_replay(
    client: Client, world: World
) -> None:
    """The first use under label x is remembered: the original label pyhms is then a replay."""
    system, key = make_system(world.reader, "jxj-replay-system")
    make_grant(world, ["name"])
    body = body_for(world)
    headers = signed_headers(method="POST", url=URL, body=body, key_id=system.key_id, key=key)
    renamed = {
        **headers,
        "Signature-Input": _relabel(headers["Signature-Input"], "x"),
        "Signature": _relabel(headers["Signature"], "x"),
    }
    assert post(client, body, renamed).status_code == 200
    _assert_replay(post(client, body, headers))


def test_purge_removes_only_expired_rows() -> None:
    now = timezone.now()
    expired = UsedSignature.objects.create(
        signature_hash="a" * 64, key_id="k", expires_at=now - dt.timedelta(seconds=1)
    )
    live = UsedSignature.objects.create(
        signature_hash="b" * 64, key_id="k", expires_at=now + dt.timedelta(minutes=5)
    )
    assert used_signatures_purge(now=now) == 1
    assert not UsedSignature.objects.filter(pk=expired.pk).exists()
    assert UsedSignature.objects.filter(pk=live.pk).exists()
    assert used_signatures_purge_task() == 0


def test_purge_is_scheduled_in_beat() -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "portal.departments.tasks.used_signatures_purge_task" in tasks


def test_a_database_fault_while_looking_up_the_key_is_no_refused_signature(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the database down, a signed request fails as a server fault (5xx), is not told
    "the signature does not verify", and does not count against the caller as a failure
    (else a PostgreSQL restart would lock every department system out for a minute)."""
    system, key = make_system(world.reader, "jxj-fault-system")
    make_grant(world, ["name"])

    def database_down(self: object, key_id: str) -> None:
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(_SystemKeys, "resolve_public_key", database_down)
    client = Client(raise_request_exception=False)
    limit = int(
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["authentication_failure"].split("/")[0]
    )
    for _ in range(limit + 2):
        body = body_for(world)
        headers = signed_headers(method="POST", url=URL, body=body, key_id=system.key_id, key=key)
        assert post(client, body, headers).status_code >= 500
    monkeypatch.undo()
    body = body_for(world)
    headers = signed_headers(method="POST", url=URL, body=body, key_id=system.key_id, key=key)
    assert post(client, body, headers).status_code == 200
