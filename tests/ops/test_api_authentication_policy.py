"""The API under the one authentication policy: second step, anonymous rate, failed signatures.

Every route under /api/v1/ is walked from the URL resolver, so a new endpoint is covered
without anyone remembering to add it here.
"""

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from portal.departments.api.authentication import PortalSessionAuthentication
from portal.departments.api.throttling import AnonymousClientThrottle, AuthenticationFailureThrottle
from portal.departments.constants import StaffRole
from tests.accounts.two_step import enrol_and_verify
from tests.factories import make_department, make_staff

pytestmark = pytest.mark.django_db

SAMPLE = {"int": "1", "slug": "x1", "str": "x1", "path": "x1", "uuid": "0" * 32}


def api_routes() -> list[tuple[str, type[APIView]]]:
    """(URL with sample values, view class) of every route under /api/v1/."""
    found: list[tuple[str, type[APIView]]] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
                continue
            url = "/" + prefix + str(p.pattern)
            if not url.startswith("/api/v1/"):
                continue
            url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], url)
            view_class = getattr(p.callback, "cls", None)
            assert view_class is not None and issubclass(view_class, APIView), url
            found.append((url, view_class))

    walk(get_resolver().url_patterns, "")
    assert len(found) > 15
    return found


@pytest.fixture(autouse=True)
def _fresh_counters() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_every_api_view_uses_the_policys_session_authentication() -> None:
    for url, view in api_routes():
        for auth in view().get_authenticators():
            if isinstance(auth, SessionAuthentication):
                assert isinstance(auth, PortalSessionAuthentication), url


def test_a_staff_session_without_the_second_step_is_refused_everywhere(settings) -> None:
    settings.STAFF_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    staff = make_staff(
        make_department(), StaffRole.WINDOW_CLERK, StaffRole.DATA_STEWARD, StaffRole.APPROVER
    )
    client = Client()
    client.force_login(staff)  # the password step only
    checked = 0
    for url, view in api_routes():
        if not any(isinstance(a, SessionAuthentication) for a in view().get_authenticators()):
            continue  # sessions are not read there (the public ledger API)
        response = client.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 403, url
        assert response["Content-Type"] == "application/problem+json", url
        body = response.content.decode()  # JSON, or YAML from the schema view
        if url == "/api/v1/docs/":
            continue  # an HTML page: it refuses with the site's 403 page
        assert "The second sign-in step is missing." in body, url
        assert "/backoffice/two-factor/" in body, url
        if url != "/api/v1/schema/":  # YAML
            assert response.json()["code"] == "second_factor_required", url
        checked += 1
    assert checked > 15
    enrol_and_verify(client, staff)
    for url in ("/api/v1/exchange/grants/", "/api/v1/exchange/accesses/", "/api/v1/policies/"):
        assert client.get(url).status_code == 200, url


def test_a_citizen_session_needs_no_second_step(settings, citizen) -> None:
    settings.STAFF_TWO_FACTOR = True
    client = Client()
    client.force_login(citizen)
    assert client.get("/api/v1/policies/").status_code == 200


def test_every_api_view_limits_anonymous_callers_by_their_trusted_address() -> None:
    for url, view in api_routes():
        throttles = view().get_throttles()
        assert any(isinstance(t, AnonymousClientThrottle) for t in throttles), url


def test_anonymous_rate_is_kept_per_client_not_per_forged_header(settings, monkeypatch) -> None:
    monkeypatch.setattr(AnonymousClientThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    settings.PORTAL_TRUSTED_PROXIES = 0
    client = Client()
    codes = [
        client.get("/api/v1/policies/", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    cache.clear()
    settings.PORTAL_TRUSTED_PROXIES = 1  # behind the proxy: each client has its own budget
    codes = [
        client.get("/api/v1/policies/", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 200]


def test_failed_signatures_are_throttled(monkeypatch) -> None:
    monkeypatch.setattr(
        AuthenticationFailureThrottle, "THROTTLE_RATES", {"authentication_failure": "3/min"}
    )
    client = Client()
    headers = {
        "Signature-Input": 'sig1=("@method");created=1;keyid="nobody";alg="ed25519"',
        "Signature": "sig1=:AAAA:",
    }
    codes = [client.get("/api/v1/exchange/grants/", headers=headers).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    assert client.get("/api/v1/policies/").status_code == 200  # other calls still work


def test_metrics_behind_a_local_proxy_use_the_client_address(client: Client, settings) -> None:
    """nginx on the same host connects from loopback; the client it forwards is not local."""
    settings.METRICS_TOKEN = ""
    settings.PORTAL_TRUSTED_PROXIES = 1
    outside = {"X-Forwarded-For": "203.0.113.5"}
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", headers=outside).status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200  # Prometheus


def test_every_page_and_route_for_staff_asks_for_the_second_step(settings) -> None:
    """Whatever the access matrix lets staff use, a password-only staff session cannot."""
    from tests.ops.test_access_matrix import ALL_STAFF, MATRIX, OWNER, build_world, call

    settings.STAFF_TWO_FACTOR = True
    world = build_world()
    # Each route the matrix opens to some staff kind (not a page for everyone), with every
    # staff kind it is open to: each tried with a password-only session.
    staff_routes = [
        (name, kind)
        for name, rule in MATRIX.items()
        if OWNER not in rule.allowed  # not a page for everyone
        and name != "backoffice:two_factor"  # the second step itself
        for kind in sorted(rule.allowed & ALL_STAFF)
    ]
    assert len({name for name, _kind in staff_routes}) > 30
    let_through = [(name, kind) for name, kind in staff_routes if call(world, kind, name)]
    assert let_through == [], let_through
