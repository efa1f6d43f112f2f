"""Hostile input: malformed JSON, wrong content types, oversize bodies, HTML in free text."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from ledger.models import PendingEvent
from portal.core.parsers import (
    MAX_JSON_DEPTH,
    JSONHasNul,
    JSONTooDeep,
    json_depth,
    loads_bounded,
)
from portal.core.text import visible_text
from portal.departments.constants import StaffRole
from portal.exchange.objections import objection_answer, objection_raise
from portal.exchange.services import (
    Reader,
    exchange_read,
    grant_decide,
    grant_request,
)
from tests.factories import (
    FIRM_CODE,
    make_citizen,
    make_department,
    make_grant,
    make_staff,
    make_world,
)

pytestmark = pytest.mark.django_db

READ = "/api/v1/exchange/read"


@pytest.fixture
def staff_client(client: Client) -> Client:
    # Roles that may use each endpoint below, so that the body is what is refused.
    roles = (StaffRole.REVIEWER, StaffRole.DATA_STEWARD, StaffRole.DEPARTMENT_ADMIN)
    client.force_login(make_staff(make_department(), *roles))
    return client


def test_malformed_json_is_a_clear_400(staff_client: Client) -> None:
    response = staff_client.post(READ, data=b'{"dataset": "x", ', content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "JSON" in response.json()["detail"]


def test_wrong_content_type_is_415(staff_client: Client) -> None:
    response = staff_client.post(READ, data=b"<xml/>", content_type="application/xml")
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"


def test_oversize_body_is_refused_without_a_server_error(staff_client: Client, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"purpose": "x" * 50_000}).encode()
    response = staff_client.post(READ, data=body, content_type="application/json")
    assert response.status_code in (400, 413)


def test_wrong_types_name_each_field(staff_client: Client) -> None:
    response = staff_client.post(
        READ,
        data=json.dumps({"dataset": ["a"], "subject": 12, "fields": "name", "purpose": None}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"dataset", "fields", "purpose"}


def test_html_in_free_text_is_shown_as_text(client: Client) -> None:
    person = make_citizen(real_name="<script>alert(1)</script>")
    client.force_login(person)
    body = client.get(reverse("core:home")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_path_traversal_in_urls_finds_nothing(client: Client) -> None:
    for path in ("/static/../portal/settings.py", "/static/..%2f..%2fpyproject.toml"):
        response = client.get(path)
        assert response.status_code == 404


# --- Required free text made of invisible characters -------------------------------------

INVISIBLE = ["\u200b", "\u200b\u2060\ufeff", " \u3000\u200b ", "\u202e", "\u3164", "\x00\t"]
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u3000\u00a0\u202e\u2028\u2029"
invisible_chars = st.sampled_from(list(_INVISIBLE_CHARS + "\u3164\uffa0\u2800\x00\x1f\x7f \t\n"))


@given(st.lists(invisible_chars, max_size=12).map("".join))
def test_visible_text_of_only_invisible_characters_is_empty(text: str) -> None:
    assert visible_text(text) == ""


@given(st.lists(invisible_chars, max_size=4).map("".join), st.text(min_size=1, max_size=20))
def test_visible_text_keeps_what_is_visible(edge: str, middle: str) -> None:
    core = visible_text(middle)
    if core:
        assert visible_text(edge + core + edge) == core


def test_emoji_joiners_inside_text_are_kept() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert visible_text(f"\u200b{family}\u200b") == family


@pytest.mark.parametrize("purpose", [text for text in INVISIBLE if "\x00" not in text])
def test_invisible_purpose_is_refused_by_the_api(client: Client, purpose: str) -> None:
    world = make_world()
    make_grant(world, ["name"])
    client.force_login(make_staff(world.reader, StaffRole.REVIEWER))
    body = {"dataset": world.conditional.code, "subject": FIRM_CODE, "purpose": purpose}
    response = client.post(
        READ, data=json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "purpose" in response.json()["errors"]
    assert PendingEvent.objects.count() == 0


@pytest.mark.parametrize("text", INVISIBLE)
def test_every_required_text_refuses_invisible_characters(text: str) -> None:
    """Purpose, legal basis, refusal reason, objection and its answer: one rule for all."""
    world = make_world()
    reader = make_staff(world.reader, StaffRole.REVIEWER)
    steward = make_staff(world.owner, StaffRole.DATA_STEWARD)
    today = timezone.localdate()
    grant_args = {
        "dataset": world.conditional,
        "requester": world.reader,
        "fields": ["name"],
        "valid_from": today,
        "valid_until": today + dt.timedelta(days=30),
    }
    with pytest.raises(ValidationError) as refused:
        grant_request(**grant_args, purpose=text, legal_basis=text)  # type: ignore[arg-type]
    assert set(refused.value.message_dict) == {"purpose", "legal_basis"}
    grant = grant_request(**grant_args, purpose="审核", legal_basis="条例")  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as refused:
        grant_decide(actor=steward, grant=grant, approve=False, note=text)
    assert "note" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        exchange_read(
            reader=Reader(department=world.reader, user=reader),
            dataset_code=world.open.code,
            subject_identifier=FIRM_CODE,
            fields=["name"],
            purpose=text,
        )
    assert "purpose" in refused.value.message_dict
    access = exchange_read(
        reader=Reader(department=world.reader, user=reader),
        dataset_code=world.open.code,
        subject_identifier=FIRM_CODE,
        fields=["name"],
        purpose="\u200b核验\u200b",
    ).access
    assert access.purpose == "核验"
    with pytest.raises(ValidationError) as refused:
        objection_raise(access=access, user=make_citizen(), text=text, firm_id=None)
    assert "text" in refused.value.message_dict
    objection = objection_raise(access=access, user=make_citizen(), text="为何读取？", firm_id=None)
    admin = make_staff(world.reader, StaffRole.DEPARTMENT_ADMIN)
    with pytest.raises(ValidationError) as refused:
        objection_answer(actor=admin, objection=objection, response=text)
    assert "response" in refused.value.message_dict


# --- Anonymous requests that used to end in a server error ------------------------------


@pytest.mark.parametrize("code", ["a/b", "../x", "<script>", "é", "A" * 40, "a\x00b"])
def test_verify_page_answers_any_code_without_a_server_error(client: Client, code: str) -> None:
    response = client.get("/services/verify/", {"code": code})
    assert response.status_code == 400
    if "\x00" not in code:  # NUL is refused before the page (RejectNulMiddleware)
        assert "没有以该验证码出具的文书" in response.content.decode()


def test_a_spaced_code_is_read_as_the_code_it_spells(client: Client) -> None:
    """Spaces and hyphens between groups are how people copy codes: read, not refused."""
    response = client.get("/services/verify/", {"code": "a b"})
    assert response.status_code == 302 and response["Location"] == "/services/verify/AB"
    assert client.get(response["Location"]).status_code == 404


@pytest.mark.parametrize("path", ["/services/verify/a%00b", "/services/a%00b/"])
def test_nul_in_a_path_is_not_a_server_error(client: Client, path: str) -> None:
    assert client.get(path).status_code in (400, 404)


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


RULES = "/api/v1/policies/rules/validate"


@pytest.mark.parametrize("depth", [100, 5_000, 100_000])
def test_deeply_nested_json_is_a_400_problem_for_anyone(client: Client, depth: int) -> None:
    """The public rule check: anonymous, so the body is parsed before anything else."""
    body = b'{"rule": ' + _nested(depth) + b"}"
    response = client.post(
        RULES, data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400, response.status_code
    assert response["Content-Type"] == "application/problem+json"
    assert "levels deep" in response.json()["detail"]


@pytest.mark.parametrize(
    "url", [READ, "/api/v1/exchange/grants/request", "/api/v1/policies/drafts"]
)
def test_deeply_nested_json_is_refused_on_authenticated_endpoints(
    staff_client: Client, url: str
) -> None:
    response = staff_client.post(url, data=_nested(5_000), content_type="application/json")
    assert response.status_code == 400, (url, response.status_code)
    assert response["Content-Type"] == "application/problem+json"


def test_nul_in_an_api_query_is_a_400_problem(client: Client) -> None:
    response = client.get("/api/v1/exchange/datasets/", {"search": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_loads_bounded_refuses_deep_nesting_and_keeps_the_rest() -> None:
    assert loads_bounded('{"a": [1, {"b": 2}]}') == {"a": [1, {"b": 2}]}
    with pytest.raises(JSONTooDeep):
        loads_bounded(_nested(MAX_JSON_DEPTH + 1))
    with pytest.raises(JSONTooDeep):
        loads_bounded(_nested(100_000))
    assert json_depth(loads_bounded(_nested(MAX_JSON_DEPTH))) == MAX_JSON_DEPTH


def test_nul_in_json_is_a_400_problem(client: Client) -> None:
    """Valid JSON, but PostgreSQL text and jsonb cannot hold U+0000: refused when read."""
    body = b'{"rule": {"all": [{"field": "region", "op": "eq", "value": "a\\u0000b"}]}}'
    response = client.post(
        RULES, data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "NUL" in response.json()["detail"]
    with pytest.raises(JSONHasNul):
        loads_bounded('{"k\\u0000": 1}')


def test_deep_policy_import_is_a_validation_error() -> None:
    from policies.services import parse_json_rows

    with pytest.raises(ValidationError):
        parse_json_rows(_nested(100_000))
