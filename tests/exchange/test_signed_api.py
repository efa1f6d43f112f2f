"""Department systems call the exchange with RFC 9421 signed requests."""

import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from ledger.core.commitment import Details
from ledger.models import PendingEvent, ReadDetails
from portal.departments.signing_client import signed_headers
from portal.exchange.models import Access
from tests.factories import FIRM_CODE, World, make_grant, make_system, make_world

pytestmark = pytest.mark.django_db

URL = "http://testserver/api/v1/exchange/read"


@pytest.fixture
def world() -> World:
    return make_world()


def body_for(world: World, **extra: object) -> bytes:
    payload: dict[str, object] = {
        "dataset": world.conditional.code,
        "subject": FIRM_CODE,
        "fields": ["name"],
        "purpose": "惠企政策资格审核",
        "application": "SQ-2026-000042",
    }
    payload.update(extra)
    return json.dumps(payload, ensure_ascii=False).encode()


def post(
    client: Client, body: bytes, headers: dict[str, str], url: str = URL, method: str = "post"
):
    """Send as a department system would; English messages (Accept-Language) for the asserts."""
    send = getattr(client, method)
    headers = {**headers, "Accept-Language": "en"}
    return send(url, data=body, content_type="application/json", headers=headers)


def test_good_signature_reads_and_keeps_the_signature_in_the_ledger(
    client: Client, world: World
) -> None:
    system, key = make_system(world.reader, "jxj-test-system")
    make_grant(world, ["name"])
    body = body_for(world)
    headers = signed_headers(method="POST", url=URL, body=body, key_id=system.key_id, key=key)
    response = post(client, body, headers)
    assert response.status_code == 200, response.content
    assert response.json()["data"] == {"name": "测试科技有限公司"}
    event = PendingEvent.objects.get()
    details = Details.from_bytes(bytes(ReadDetails.objects.get(event_id=event.id).details))
    signature = details.request_signature
    assert signature is not None
    assert signature.keyid == system.key_id
    assert signature.signature == headers["Signature"]
    assert signature.content_digest == headers["Content-Digest"]
    # Private evidence only: the digest (brute-forceable) is never in the public entry.
    assert headers["Content-Digest"].encode() not in bytes(event.data)
    assert details.reader.system == system.key_id
    assert Access.objects.get().reader_system == system


def test_refused_read_is_403_with_reason_and_still_logged(client: Client, world: World) -> None:
    system, key = make_system(world.reader, "jxj-test-system")
    body = body_for(world)
    headers = signed_headers(method="POST", url=URL, body=body, key_id=system.key_id, key=key)
    response = post(client, body, headers)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "no_grant"
    assert PendingEvent.objects.get().payload["outcome"] == "refused"


def assert_refused_401(response, fragment: str) -> None:
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert fragment in response.json()["detail"]
    assert "Signature" in response["WWW-Authenticate"]
    assert PendingEvent.objects.count() == 0


def test_missing_signature_is_401(client: Client, world: World) -> None:
    response = client.post(URL, data=body_for(world), content_type="application/json")
    # Without a signature there is no system identity: refused before any read.
    assert response.status_code in (401, 403)
    assert PendingEvent.objects.count() == 0


def test_wrong_key_is_401(client: Client, world: World) -> None:
    system, _key = make_system(world.reader, "jxj-test-system")
    body = body_for(world)
    other = Ed25519PrivateKey.generate()
    headers = signed_headers(method="POST", url=URL, body=body, key_id=system.key_id, key=other)
    assert_refused_401(post(client, body, headers), "does not verify")


def test_altered_body_is_401(client: Client, world: World) -> None:
    system, key = make_system(world.reader, "jxj-test-system")
    body = body_for(world)
    headers = signed_headers(method="POST", url=URL, body=body, key_id=system.key_id, key=key)
    tampered = body_for(world, fields=["name", "capital"])
    assert_refused_401(post(client, tampered, headers), "Content-Digest")


def test_replayed_request_is_401(client: Client, world: World) -> None:
    system, key = make_system(world.reader, "jxj-test-system")
    make_grant(world, ["name"])
    body = body_for(world)
    headers = signed_headers(method="POST", url=URL, body=body, key_id=system.key_id, key=key)
    assert post(client, body, headers).status_code == 200
    PendingEvent.objects.all().delete()
    assert_refused_401(post(client, body, headers), "replay")


def test_expired_signature_is_401(client: Client, world: World) -> None:
    system, key = make_system(world.reader, "jxj-test-system")
    body = body_for(world)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    headers = signed_headers(
        method="POST", url=URL, body=body, key_id=system.key_id, key=key, created=old
    )
    assert_refused_401(post(client, body, headers), "expired")


def test_unknown_key_is_401(client: Client, world: World) -> None:
    body = body_for(world)
    key = Ed25519PrivateKey.generate()
    headers = signed_headers(method="POST", url=URL, body=body, key_id="nobody-system", key=key)
    assert_refused_401(post(client, body, headers), "Unknown or inactive key")


def test_inactive_system_is_401(client: Client, world: World) -> None:
    system, key = make_system(world.reader, "jxj-test-system")
    system.is_active = False
    system.save()
    body = body_for(world)
    headers = signed_headers(method="POST", url=URL, body=body, key_id=system.key_id, key=key)
    assert_refused_401(post(client, body, headers), "Unknown or inactive key")


def test_signature_for_another_url_is_401(client: Client, world: World) -> None:
    system, key = make_system(world.reader, "jxj-test-system")
    body = body_for(world)
    headers = signed_headers(
        method="POST",
        url="http://testserver/api/v1/exchange/grants/request",
        body=body,
        key_id=system.key_id,
        key=key,
    )
    assert_refused_401(post(client, body, headers), "does not verify")


def test_owner_system_puts_records_in_bulk_with_validation(client: Client, world: World) -> None:
    system, key = make_system(world.owner, "owner-system")
    url = f"http://testserver/api/v1/exchange/datasets/{world.open.code}/records/bulk"
    rows = [
        {"subject": FIRM_CODE, "data": {"name": "新名称", "capital": "2000"}},
        {"subject": "X", "data": {"name": "缺注册资本"}},
        {"subject": "Y", "data": {"name": "坏日期", "capital": "1", "founded": "2020-13-01"}},
    ]
    body = json.dumps({"rows": rows}, ensure_ascii=False).encode()
    headers = signed_headers(method="POST", url=url, body=body, key_id=system.key_id, key=key)
    response = post(client, body, headers, url=url)
    assert response.status_code == 400
    errors = response.json()["errors"]["rows"]
    assert set(errors) == {"2", "3"}
    assert "capital" in errors["2"] and "founded" in errors["3"]
    from portal.exchange.models import DatasetRecord

    assert DatasetRecord.objects.get(dataset=world.open).data["name"] == "测试科技有限公司"


def test_a_reader_system_cannot_write_another_departments_records(
    client: Client, world: World
) -> None:
    system, key = make_system(world.reader, "reader-system")
    url = f"http://testserver/api/v1/exchange/datasets/{world.open.code}/records"
    body = json.dumps({"subject": FIRM_CODE, "data": {"name": "x", "capital": "1"}}).encode()
    headers = signed_headers(method="PUT", url=url, body=body, key_id=system.key_id, key=key)
    response = post(client, body, headers, url=url, method="put")
    assert response.status_code == 403


def test_catalogue_is_public_and_the_schema_is_served(client: Client, world: World) -> None:
    response = client.get("/api/v1/exchange/datasets/")
    assert response.status_code == 200
    codes = {d["code"] for d in response.json()["results"]}
    assert world.open.code in codes
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/exchange/read" in schema.content
