"""Every URL and API route, as every kind of user: allowed or refused as the matrix says.

A route without a row in ``MATRIX`` fails the test, so a new page or endpoint cannot ship
without someone deciding who may use it.
"""

import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from policies.models import BenefitAward, Policy, PolicyRun
from portal.accounts.constants import ACTING_AS_SESSION_KEY
from portal.accounts.models import Firm, User
from portal.departments.constants import StaffRole
from portal.departments.models import Department
from portal.departments.signing_client import signed_headers
from portal.exchange.models import SharingGrant
from portal.exchange.services import Reader, exchange_read
from portal.services.constants import Action, ApplicationStatus
from portal.services.models import DecisionDocument, ServiceItem
from portal.services.services import application_transition, evaluation_create
from tests.conftest import make_staff
from tests.services.conftest import make_application

pytestmark = pytest.mark.django_db

ANON, OWNER, CITIZEN, STAFF, OTHER_STAFF, AUDITOR, SYSTEM = (
    "anonymous",
    "owner",
    "citizen",
    "staff",
    "other_staff",
    "auditor",
    "system",
)
PEOPLE = frozenset({OWNER, CITIZEN})
EVERYONE = frozenset({ANON, OWNER, CITIZEN, STAFF, OTHER_STAFF, AUDITOR, SYSTEM})
SIGNED_IN = EVERYONE - {ANON, SYSTEM}
ALL_STAFF = frozenset({STAFF, OTHER_STAFF, AUDITOR})
NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    method: str = "GET"
    kwargs: str = ""  # which sample objects fill the URL
    data: tuple[tuple[str, str], ...] = ()  # form fields for a page's POST


def rule(
    allowed: frozenset[str] | set[str], method: str = "GET", kwargs: str = "", **data: str
) -> Rule:
    return Rule(frozenset(allowed), method, kwargs, tuple(data.items()))


# Pages are tried by people and staff in a browser session; API routes also by a signed
# department system (the handling department's). "allowed" means not refused (no 401/403/404
# and no redirect to sign-in); a POST without data may still answer 400.
MATRIX: dict[str, Rule] = {
    # Operations and public pages
    "healthz": rule(EVERYONE),
    "readyz": rule(EVERYONE),
    "metrics": rule(EVERYONE),  # loopback only; tested with other addresses in test_health
    "core:home": rule(EVERYONE),
    "set_language": rule(EVERYONE, "POST"),
    "api-schema": rule(EVERYONE),
    "api-docs": rule(EVERYONE),
    "ledger:checkpoint": rule(EVERYONE),
    "ledger:keys": rule(EVERYONE),
    "ledger-entries": rule(EVERYONE, kwargs="?start=0&end=2"),
    "ledger-inclusion": rule(EVERYONE, kwargs="?index=0&tree_size=1"),
    "ledger-consistency": rule(EVERYONE, kwargs="?first=1&second=2"),
    # Accounts
    "accounts:sign_up": rule(EVERYONE),
    "accounts:sign_up_done": rule(EVERYONE),
    "accounts:login": rule(EVERYONE),
    "accounts:logout": rule(EVERYONE, "POST"),
    "accounts:act_as": rule(SIGNED_IN),
    "accounts:act_as_switch": rule(SIGNED_IN, "POST"),
    "accounts:password_reset": rule(EVERYONE),
    "accounts:password_reset_done": rule(EVERYONE),
    "accounts:password_reset_confirm": rule(EVERYONE, kwargs="reset"),
    "accounts:password_reset_complete": rule(EVERYONE),
    # Who used my data: people only, and only their own accesses
    "exchange:data_uses": rule(PEOPLE),
    "exchange:data_use_proof": rule({OWNER}, kwargs="access"),
    "exchange:data_use_object": rule({OWNER}, kwargs="access"),
    # Exchange back office: staff of any department (each sees its own department's data)
    "exchange:lookup": rule(ALL_STAFF),
    "exchange:datasets": rule(ALL_STAFF),
    "exchange:records_import": rule({OTHER_STAFF}, kwargs="dataset"),  # scjg owns it
    "exchange:grants": rule(ALL_STAFF),
    "exchange:grant_request": rule(ALL_STAFF),
    "exchange:grant_decide": rule(NONE, "POST", kwargs="grant"),  # rsj's steward only
    "exchange:reads": rule(ALL_STAFF),
    "exchange:objections": rule(ALL_STAFF),
    # Services: public catalogue, the applicant's pages, the handling department's pages
    "services:catalogue": rule(EVERYONE),
    "services:verify_lookup": rule(EVERYONE),
    "services:verify": rule(EVERYONE, kwargs="decision"),
    "services:service_detail": rule(EVERYONE, kwargs="service"),
    # Staff may open their own (empty) personal pages; they apply as citizens, not as staff.
    "services:application_start": rule({OWNER, CITIZEN}, "POST", kwargs="service"),
    "services:my_applications": rule(SIGNED_IN),
    "services:notifications": rule(SIGNED_IN),
    "services:application_detail": rule({OWNER}, kwargs="application"),
    "services:application_step": rule({OWNER}, kwargs="application_step"),
    "services:application_materials": rule({OWNER}, kwargs="application"),
    "services:material_remove": rule(NONE, "POST", kwargs="material"),  # no such material
    "services:material_file": rule(NONE, kwargs="material"),
    "services:application_review": rule({OWNER}, kwargs="application"),
    "services:application_action": rule({OWNER}, "POST", kwargs="application", action="withdraw"),
    "services:decision_file": rule({OWNER}, kwargs="application"),
    "services:application_evaluate": rule({OWNER}, "POST", kwargs="application"),
    "services:queue": rule({STAFF, OTHER_STAFF}),  # a handling role is needed
    "services:staff_application": rule({STAFF}, kwargs="application"),
    "services:staff_act": rule({STAFF}, "POST", kwargs="application"),
    "services:staff_lookup": rule({STAFF}, "POST", kwargs="application"),
    "services:staff_material_file": rule(NONE, kwargs="material"),
    "services:staff_decision_file": rule({STAFF}, kwargs="application"),
    "services:evaluations": rule({STAFF, OTHER_STAFF}),
    "services:evaluation_reply": rule({STAFF}, "POST", kwargs="evaluation"),
    # Policies: public search, firm pages, the issuing department's back office
    "policies:search": rule(EVERYONE),
    "policies:detail": rule(EVERYONE, kwargs="policy"),
    "policies:rate": rule({OWNER}, "POST", kwargs="policy"),
    "policies:apply": rule({OWNER}, "POST", kwargs="policy"),
    "policies:for_me": rule(SIGNED_IN),  # others get a page that says to switch identity
    "policies:for_me_refresh": rule({OWNER}, "POST"),
    "policies:declare": rule({OWNER}),
    "policies:notices_read": rule({OWNER}, "POST"),
    "policies:award_decline": rule({OWNER}, "POST", kwargs="award"),
    "policies:bo_list": rule(ALL_STAFF),
    "policies:bo_new": rule(ALL_STAFF),
    "policies:bo_import": rule(ALL_STAFF),
    "policies:bo_detail": rule({STAFF}, kwargs="policy"),
    "policies:bo_edit": rule({STAFF}, kwargs="policy"),
    "policies:bo_publish": rule({STAFF}, "POST", kwargs="policy"),
    "policies:bo_withdraw": rule({STAFF}, "POST", kwargs="policy"),
    "policies:bo_run": rule({STAFF}, "POST", kwargs="policy", kind="push"),
    "policies:bo_run_detail": rule({STAFF}, kwargs="run"),
    "policies:supervision": rule(ALL_STAFF),
    "policies:supervision_policy": rule({STAFF, AUDITOR}, kwargs="policy"),
    # Back office home and staff administration
    "backoffice:home": rule(ALL_STAFF),
    "backoffice:sign_in": rule(EVERYONE),
    "backoffice:two_factor": rule(ALL_STAFF),
    "backoffice:department_staff": rule({STAFF}, kwargs="department"),
    "backoffice:staff_role_change": rule({STAFF}, "POST", kwargs="staff_member"),
    # Not for oneself (the sample is the administrator's own account): another admin issues it.
    "backoffice:staff_activation_issue": rule(NONE, "POST", kwargs="staff_member"),
    # API: exchange
    "exchange-datasets": rule(EVERYONE),
    "exchange-record": rule({OTHER_STAFF}, "PUT", kwargs="dataset"),
    "exchange-records-bulk": rule({OTHER_STAFF}, "POST", kwargs="dataset"),
    "exchange-read": rule({STAFF, OTHER_STAFF, AUDITOR, SYSTEM}, "POST"),
    "exchange-grants": rule({STAFF, OTHER_STAFF, AUDITOR, SYSTEM}),
    "exchange-grant-request": rule({STAFF, OTHER_STAFF, AUDITOR, SYSTEM}, "POST"),
    "exchange-grant-decide": rule(NONE, "POST", kwargs="grant"),  # rsj's steward only
    "exchange-grant-revoke": rule(NONE, "POST", kwargs="grant"),
    "exchange-accesses": rule({STAFF, OTHER_STAFF, AUDITOR, SYSTEM}),
    # API: services (the handling department's staff and system)
    "services_api:application_list": rule({STAFF, OTHER_STAFF, SYSTEM}),
    "services_api:application_detail": rule({STAFF, SYSTEM}, kwargs="application"),
    "services_api:application_transition": rule({STAFF, SYSTEM}, "POST", kwargs="application"),
    # API: policies
    "policies-search": rule(EVERYONE),
    "policies-detail": rule(EVERYONE, kwargs="policy"),
    "policies-create": rule({STAFF, OTHER_STAFF, AUDITOR, SYSTEM}, "POST"),
    "policies-import": rule({STAFF, OTHER_STAFF, AUDITOR, SYSTEM}, "POST"),
    "policies-rule-validate": rule(EVERYONE, "POST"),
    "policies-amend": rule({STAFF, SYSTEM}, "POST", kwargs="policy"),
    "policies-publish": rule({STAFF, SYSTEM}, "POST", kwargs="policy"),
    "policies-withdraw": rule({STAFF, SYSTEM}, "POST", kwargs="policy"),
    "policies-runs": rule({STAFF, SYSTEM}, kwargs="policy"),
}


def routes() -> list[tuple[str, str]]:
    """(name, pattern) of every named route outside the Django admin."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif p.name:
                found.append(
                    (f"{namespace}:{p.name}" if namespace else p.name, prefix + str(p.pattern))
                )

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_route_has_a_rule() -> None:
    names = {name for name, _pattern in routes()}
    assert names - set(MATRIX) == set(), "add these routes to the access matrix"
    assert set(MATRIX) - names == set(), "remove rules of routes that no longer exist"


@dataclass
class World:
    client_for: Callable[[str], Client]
    url_for: Callable[[str], str]
    system_key: Ed25519PrivateKey


def build_world() -> World:
    call_command("seed_demo", stdout=io.StringIO())
    kjj = Department.objects.get(code="kjj")
    firm = Firm.objects.get(name="杭城智能科技有限公司")
    owner = User.objects.get(username="zhangsan")
    service = ServiceItem.objects.get(code="kjj-gxjsqyrd")
    application = make_application(service, owner, firm=firm, status=ApplicationStatus.SUBMITTED)
    handler = make_staff(
        kjj,
        StaffRole.WINDOW_CLERK,
        StaffRole.REVIEWER,
        StaffRole.APPROVER,
        StaffRole.DATA_STEWARD,
        StaffRole.DEPARTMENT_ADMIN,
        username="kjj.everything",
    )
    for action in (Action.ACCEPT, Action.START_REVIEW, Action.APPROVE):
        application = application_transition(
            application=application, action=action, user=handler, reason="审核通过"
        )
    evaluation = evaluation_create(application=application, user=owner, rating=1, comment="慢")
    result = exchange_read(
        reader=Reader(department=kjj, user=handler),
        dataset_code="scjg.business_registration",
        subject_identifier=firm.uscc,
        fields=None,
        purpose="高新技术企业认定",
        application_number=application.number,
    )
    other = make_staff(
        Department.objects.get(code="scjg"),
        StaffRole.WINDOW_CLERK,
        StaffRole.REVIEWER,
        StaffRole.APPROVER,
        StaffRole.DATA_STEWARD,
        StaffRole.DEPARTMENT_ADMIN,
        username="scjg.everything",
    )
    policy = Policy.objects.filter(department=kjj, status="published").first()
    assert policy is not None
    samples: dict[str, dict[str, object]] = {
        "": {},
        "access": {"access_id": result.access.pk},
        "dataset": {"code": "scjg.business_registration"},
        "grant": {
            "grant_id": SharingGrant.objects.get(
                dataset__code="rsj.social_insurance", requester__code="jxj"
            ).pk
        },
        "decision": {"code": DecisionDocument.objects.get(application=application).code},
        "service": {"code": service.code},
        "application": {"number": application.number},
        "application_step": {"number": application.number, "step": 0},
        "material": {"number": application.number, "material_id": 999999},
        "evaluation": {"evaluation_id": evaluation.pk},
        "policy": {"policy_id": policy.pk},
        "award": {"award_id": BenefitAward.objects.get(firm=firm).pk},
        "run": {"run_id": PolicyRun.objects.filter(policy=policy).first().pk},  # type: ignore[union-attr]
        "department": {"code": "kjj"},
        "staff_member": {"code": "kjj", "user_id": handler.pk},
        "reset": {"uidb64": "MQ", "token": "set-password"},
    }

    def url_for(name: str) -> str:
        r = MATRIX[name]
        if r.kwargs.startswith("?"):
            return reverse(name) + r.kwargs
        return reverse(name, kwargs=samples[r.kwargs])

    people = {
        OWNER: (User.objects.get(username="zhangsan"), firm.pk),
        CITIZEN: (User.objects.get(username="wangwu"), None),
        STAFF: (handler, None),
        OTHER_STAFF: (other, None),
        AUDITOR: (User.objects.get(username="sjj.auditor"), None),
    }

    def client_for(kind: str) -> Client:
        """A fresh client per call: some routes (sign out, switch identity) change the session."""
        client = Client()
        if kind in people:
            user, firm_id = people[kind]
            client.force_login(user)
            if firm_id is not None:
                session = client.session
                session[ACTING_AS_SESSION_KEY] = firm_id
                session.save()
        return client

    key_path = settings.VAR_DIR / "keys" / "system-kjj-system.pem"
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return World(client_for=client_for, url_for=url_for, system_key=key)


def is_api(name: str) -> bool:
    return name.startswith(("exchange-", "services_api:", "policies-", "ledger-", "api-"))


def call(world: World, kind: str, name: str) -> int:
    r = MATRIX[name]
    url = world.url_for(name)
    client = world.client_for(kind)
    send = getattr(client, r.method.lower())
    body = b"{}"
    headers = {"Accept-Language": "en"}
    if kind == SYSTEM:
        headers |= signed_headers(
            method=r.method,
            url=f"http://testserver{url}",
            body=body if r.method != "GET" else b"",
            key_id="kjj-system",
            key=world.system_key,
        )
    if r.method == "GET":
        response = send(url, headers=headers)
    elif is_api(name):
        response = send(url, data=body, content_type="application/json", headers=headers)
    else:
        response = send(url, data=dict(r.data), headers=headers)
    refused = response.status_code in (401, 403, 404) or (
        response.status_code == 302
        and any(p in response["Location"] for p in ("/sign-in/", "/two-factor/"))
    )
    assert response.status_code < 500, (kind, name, response.status_code)
    assert response.status_code != 405, f"{name}: the matrix names the wrong method"
    return 0 if refused else 1


def test_access_matrix() -> None:
    world = build_world()
    mismatches = []
    for name, r in MATRIX.items():
        kinds = (
            EVERYONE
            if name.startswith(("exchange-", "services_api:", "policies-", "ledger-", "api-"))
            else EVERYONE - {SYSTEM}
        )
        for kind in sorted(kinds):
            allowed = bool(call(world, kind, name))
            if allowed != (kind in r.allowed):
                mismatches.append(f"{name} as {kind}: {'allowed' if allowed else 'refused'}")
    assert mismatches == [], json.dumps(mismatches, ensure_ascii=False, indent=1)
