"""Every URL and API route, as every kind of user: allowed or refused as the matrix says.

A route without a row in ``MATRIX`` fails the test, so a new page or endpoint cannot ship
without someone deciding who may use it.
"""

import datetime as dt
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
from django.utils import timezone

from ledger.core.tiles import EntryBundle
from ledger.logs import INDEX_LOG
from ledger.tiles import tile_tree_size
from policies.models import BenefitAward, Policy, PolicyRun
from portal.accounts.constants import ACTING_AS_SESSION_KEY, RepresentativeRole
from portal.accounts.models import Firm, User
from portal.accounts.services import firm_representative_set
from portal.departments.constants import StaffRole
from portal.departments.models import Department
from portal.departments.services import audit_assignment_create
from portal.departments.signing_client import signed_headers
from portal.exchange.models import SharingGrant
from portal.exchange.objections import objection_raise
from portal.exchange.services import Reader, exchange_read
from portal.services.constants import Action, ApplicationStatus
from portal.services.models import DecisionDocument, ServiceItem
from portal.services.services import application_transition, evaluation_create
from tests.factories import make_application, make_citizen, make_staff

pytestmark = pytest.mark.django_db

# People: no one signed in; the firm's legal representative acting for it; another citizen;
# an agent of the firm without any rights; a former agent whose mandate has ended.
ANON, OWNER, CITIZEN, AGENT_NO_RIGHTS, FORMER_AGENT, SYSTEM = (
    "anonymous",
    "owner",
    "citizen",
    "agent_no_rights",
    "former_agent",
    "system",
)
# Staff: each role of the handling department (kjj) and of another department (scjg), each
# holding that one role only; auditors by assignment of the audit office (sjj) covering kjj,
# covering scjg, and all departments; and the audit office's administrator.
ROLES = ("clerk", "reviewer", "approver", "steward", "admin")
K_CLERK, K_REVIEWER, K_APPROVER, K_STEWARD, K_ADMIN = (f"kjj_{r}" for r in ROLES)
S_CLERK, S_REVIEWER, S_APPROVER, S_STEWARD, S_ADMIN = (f"scjg_{r}" for r in ROLES)
K_AUDITOR, S_AUDITOR, AUDITOR, AUDIT_ADMIN = (
    "auditor_of_kjj",
    "auditor_of_scjg",
    "auditor_of_all",
    "audit_office_admin",
)
KJJ = frozenset({K_CLERK, K_REVIEWER, K_APPROVER, K_STEWARD, K_ADMIN})
SCJG = frozenset({S_CLERK, S_REVIEWER, S_APPROVER, S_STEWARD, S_ADMIN})
AUDITORS = frozenset({K_AUDITOR, S_AUDITOR, AUDITOR})
ALL_STAFF = KJJ | SCJG | AUDITORS | {AUDIT_ADMIN}
PEOPLE = frozenset({OWNER, CITIZEN, FORMER_AGENT})  # citizens with data of their own
CITIZENS = PEOPLE | {AGENT_NO_RIGHTS}
EVERYONE = frozenset({ANON, SYSTEM}) | CITIZENS | ALL_STAFF
SIGNED_IN = EVERYONE - {ANON, SYSTEM}
# Handling roles see applications (the department administrator included).
K_HANDLERS = frozenset({K_CLERK, K_REVIEWER, K_APPROVER, K_ADMIN})
HANDLERS = K_HANDLERS | {S_CLERK, S_REVIEWER, S_APPROVER, S_ADMIN, AUDIT_ADMIN}
READERS = frozenset({K_CLERK, K_REVIEWER, K_APPROVER, S_CLERK, S_REVIEWER, S_APPROVER})
STEWARDS = frozenset({K_STEWARD, S_STEWARD})
ADMINS = frozenset({K_ADMIN, S_ADMIN, AUDIT_ADMIN})
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
    "core:favicon": rule(EVERYONE),
    "set_language": rule(EVERYONE, "POST"),
    "api-schema": rule(EVERYONE),
    "api-docs": rule(EVERYONE),
    "ledger:checkpoint": rule(EVERYONE),
    "ledger:keys": rule(EVERYONE),
    "ledger:tile": rule(EVERYONE, kwargs="tile"),
    "ledger:verifier_policy": rule(EVERYONE),
    "ledger:index_checkpoint": rule(EVERYONE),
    "ledger:index_tile": rule(EVERYONE, kwargs="index_tile"),
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
    # Who used my data: people only, only their own accesses, for a firm only with the right
    "exchange:data_uses": rule(PEOPLE),
    "exchange:data_use_verification": rule(PEOPLE),
    "exchange:data_use_completeness": rule(PEOPLE),
    "exchange:data_use_proof": rule({OWNER}, kwargs="event"),
    "exchange:data_use_object": rule({OWNER}, kwargs="access"),
    # Objections: the person's (or, with the right, the firm's) own; in the back office the
    # reading department's staff (kjj read it), auditors only once it is escalated
    "exchange:my_objections": rule(PEOPLE),
    "exchange:objection_detail": rule({OWNER}, kwargs="objection"),
    "exchange:objection_filed": rule({OWNER}, kwargs="objection"),
    "exchange:staff_objection": rule(KJJ, kwargs="objection"),
    # Exchange back office: each page needs the role it is for
    "exchange:lookup": rule(READERS),
    "exchange:datasets": rule(ALL_STAFF),
    "exchange:records_import": rule({S_STEWARD}, kwargs="dataset"),  # scjg owns it
    "exchange:grants": rule(ALL_STAFF),
    "exchange:grant_request": rule(STEWARDS),
    "exchange:grant_decide": rule(NONE, "POST", kwargs="grant"),  # rsj's steward only
    "exchange:reads": rule(ALL_STAFF),
    "exchange:objections": rule(ALL_STAFF),
    # Sealed reads: their makers (investigators) and who may unseal early (administrators);
    # the sample access is not sealed, so nobody unseals it.
    "exchange:sealed_reads": rule(ADMINS),
    "exchange:sealed_read_unseal": rule(NONE, kwargs="access"),
    "exchange:read_notices_read": rule(SIGNED_IN, "POST"),
    # The public transparency pages
    "exchange:transparency_report": rule(EVERYONE),
    "exchange:transparency_report_csv": rule(EVERYONE),
    "exchange:transparency_sealed": rule(EVERYONE),
    # Services: public catalogue, the applicant's pages, the handling department's pages
    "services:catalogue": rule(EVERYONE),
    "services:verify_lookup": rule(EVERYONE),
    "services:verify": rule(EVERYONE, kwargs="decision"),
    "services:service_detail": rule(EVERYONE, kwargs="service"),
    # Staff may open their own (empty) personal pages; they apply as citizens, not as staff.
    "services:application_start": rule(PEOPLE, "POST", kwargs="service"),
    "services:my_applications": rule(SIGNED_IN),
    "services:notifications": rule(SIGNED_IN),
    "services:application_detail": rule({OWNER}, kwargs="application"),
    "services:application_step": rule({OWNER}, kwargs="application_step"),
    "services:application_materials": rule({OWNER}, kwargs="application"),
    "services:material_remove": rule(NONE, "POST", kwargs="material"),  # no such material
    "services:material_file": rule(NONE, kwargs="material"),
    "services:application_review": rule({OWNER}, kwargs="application"),
    "services:application_submitted": rule({OWNER}, kwargs="application"),
    "services:draft_delete": rule({OWNER}, kwargs="application"),
    "services:application_action": rule({OWNER}, "POST", kwargs="application", action="withdraw"),
    "services:decision_file": rule({OWNER}, kwargs="application"),
    "services:application_evaluate": rule({OWNER}, "POST", kwargs="application"),
    "services:queue": rule(HANDLERS),
    "services:staff_application": rule(K_HANDLERS, kwargs="application"),
    "services:staff_act": rule(K_HANDLERS, "POST", kwargs="application"),
    "services:staff_lookup": rule(K_HANDLERS, "POST", kwargs="application"),
    "services:staff_material_file": rule(NONE, kwargs="material"),
    "services:staff_decision_file": rule(K_HANDLERS, kwargs="application"),
    "services:evaluations": rule(HANDLERS),
    "services:evaluation_reply": rule({K_APPROVER, K_ADMIN}, "POST", kwargs="evaluation"),
    # Policies: public search, firm pages (each with its right), the issuing department's
    # back office (its administrator changes), supervision (own department, or by assignment)
    "policies:search": rule(EVERYONE),
    "policies:detail": rule(EVERYONE, kwargs="policy"),
    "policies:rate": rule({OWNER}, "POST", kwargs="policy"),
    "policies:apply": rule({OWNER}, "POST", kwargs="policy"),
    "policies:for_me": rule(SIGNED_IN - {AGENT_NO_RIGHTS}),  # others: switch identity first
    "policies:for_me_refresh": rule({OWNER}, "POST"),
    "policies:declare": rule({OWNER}),
    "policies:notices_read": rule(SIGNED_IN, "POST"),  # marks only the person's own as read
    "policies:notices": rule(EVERYONE),  # a permanent redirect to the one inbox
    "policies:award_decline": rule({OWNER}, "POST", kwargs="award"),
    "policies:bo_list": rule(ALL_STAFF),
    "policies:bo_new": rule(ADMINS),
    "policies:bo_import": rule(ADMINS),
    "policies:bo_detail": rule(KJJ, kwargs="policy"),
    "policies:bo_edit": rule({K_ADMIN}, kwargs="policy"),
    "policies:bo_publish": rule({K_ADMIN}, "POST", kwargs="policy"),
    "policies:bo_withdraw": rule({K_ADMIN}, "POST", kwargs="policy"),
    "policies:bo_run": rule({K_ADMIN}, "POST", kwargs="policy", kind="push"),
    "policies:bo_run_detail": rule(KJJ, kwargs="run"),
    "policies:supervision": rule(ALL_STAFF),
    "policies:supervision_other": rule(SCJG | {S_AUDITOR, AUDITOR}, kwargs="?department=scjg"),
    "policies:supervision_policy": rule(KJJ | {K_AUDITOR, AUDITOR}, kwargs="policy"),
    # Back office home, staff administration, the audit office's assignments
    "backoffice:home": rule(ALL_STAFF),
    "backoffice:sign_in": rule(EVERYONE),
    "backoffice:two_factor": rule(ALL_STAFF),
    "backoffice:department_staff": rule(KJJ, kwargs="department"),
    "backoffice:staff_role_change": rule({K_ADMIN}, "POST", kwargs="staff_member"),
    "backoffice:audit_assignments": rule({AUDIT_ADMIN}),
    "backoffice:audit_assignment_end": rule({AUDIT_ADMIN}, "POST", kwargs="assignment"),
    # The department's administrator issues a staff member's authenticator activation code.
    "backoffice:staff_activation_issue": rule({K_ADMIN}, "POST", kwargs="staff_member"),
    # API: exchange
    "exchange-datasets": rule(EVERYONE),
    "exchange-record": rule({S_STEWARD}, "PUT", kwargs="dataset"),
    "exchange-records-bulk": rule({S_STEWARD}, "POST", kwargs="dataset"),
    "exchange-read": rule(READERS | {SYSTEM}, "POST"),
    "exchange-grants": rule(ALL_STAFF | {SYSTEM}),
    "exchange-grant-request": rule(STEWARDS | {SYSTEM}, "POST"),
    "exchange-grant-decide": rule(NONE, "POST", kwargs="grant"),  # rsj's steward only
    "exchange-grant-revoke": rule(NONE, "POST", kwargs="grant"),
    "exchange-accesses": rule(ALL_STAFF | {SYSTEM}),
    # API: services (the handling department's handling roles and system)
    "services_api:application_list": rule(HANDLERS | {SYSTEM}),
    "services_api:application_detail": rule(K_HANDLERS | {SYSTEM}, kwargs="application"),
    "services_api:application_transition": rule(
        K_HANDLERS | {SYSTEM}, "POST", kwargs="application"
    ),
    # API: policies
    "policies-search": rule(EVERYONE),
    "policies-detail": rule(EVERYONE, kwargs="policy"),
    "policies-create": rule(ADMINS | {SYSTEM}, "POST"),
    "policies-import": rule(ADMINS | {SYSTEM}, "POST"),
    "policies-rule-validate": rule(EVERYONE, "POST"),
    "policies-amend": rule({K_ADMIN, SYSTEM}, "POST", kwargs="policy"),
    "policies-publish": rule({K_ADMIN, SYSTEM}, "POST", kwargs="policy"),
    "policies-withdraw": rule({K_ADMIN, SYSTEM}, "POST", kwargs="policy"),
    "policies-runs": rule(KJJ | {SYSTEM}, kwargs="policy"),
}
# Extra rows: a route tried a second way (another sample), mapped to the route's real name;
# "policies:supervision_other" is the supervision page asked for another department (scjg).
EXTRA_ROWS = {"policies:supervision_other": "policies:supervision"}


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
    rows = set(MATRIX) - set(EXTRA_ROWS)
    assert names - rows == set(), "add these routes to the access matrix"
    assert rows - names == set(), "remove rules of routes that no longer exist"
    assert set(EXTRA_ROWS.values()) <= names


@dataclass
class World:
    client_for: Callable[..., Client]
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
    objection = objection_raise(
        access=result.access, user=owner, text="我方未申请该事项", firm_id=firm.pk
    )
    sjj = Department.objects.get(code="sjj")
    audit_admin = User.objects.get(username="sjj.department_admin")

    def auditor_of(username: str, department: Department) -> User:
        auditor = make_staff(sjj, username=username)
        audit_assignment_create(actor=audit_admin, auditor=auditor, departments=[department])
        return auditor

    throwaway = audit_assignment_create(
        actor=audit_admin, auditor=make_staff(sjj), departments=[kjj], note="to be revoked"
    )
    no_rights = make_citizen("agent.no_rights")
    firm_representative_set(
        firm=firm,
        user=no_rights,
        role=RepresentativeRole.AGENT,
        can_apply=False,
        can_view_data_use=False,
        can_view_firm_data=False,
    )
    former = make_citizen("agent.former")
    firm_representative_set(
        firm=firm,
        user=former,
        role=RepresentativeRole.AGENT,
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    policy = Policy.objects.filter(department=kjj, status="published").first()
    assert policy is not None
    samples: dict[str, dict[str, object]] = {
        "": {},
        "access": {"access_id": result.access.pk},
        "event": {"event_id": result.access.ledger_event_id},
        "objection": {"reference": objection.reference},
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
        "assignment": {"assignment_id": throwaway.pk},
        "reset": {"uidb64": "MQ", "token": "set-password"},
        "tile": {"path": EntryBundle(0, min(256, tile_tree_size() or 1)).path},
        "index_tile": {"path": EntryBundle(0, min(256, tile_tree_size(INDEX_LOG) or 1)).path},
    }

    def url_for(name: str) -> str:
        r = MATRIX[name]
        route = EXTRA_ROWS.get(name, name)
        if r.kwargs.startswith("?"):
            return reverse(route) + r.kwargs
        return reverse(route, kwargs=samples[r.kwargs])

    by_role = dict(
        zip(
            ROLES,
            (
                StaffRole.WINDOW_CLERK,
                StaffRole.REVIEWER,
                StaffRole.APPROVER,
                StaffRole.DATA_STEWARD,
                StaffRole.DEPARTMENT_ADMIN,
            ),
            strict=True,
        )
    )
    people: dict[str, tuple[User, int | None]] = {
        OWNER: (User.objects.get(username="zhangsan"), firm.pk),
        CITIZEN: (User.objects.get(username="wangwu"), None),
        AGENT_NO_RIGHTS: (no_rights, firm.pk),
        FORMER_AGENT: (former, firm.pk),
        K_AUDITOR: (auditor_of("sjj.audits_kjj", kjj), None),
        S_AUDITOR: (auditor_of("sjj.audits_scjg", Department.objects.get(code="scjg")), None),
        AUDITOR: (User.objects.get(username="sjj.auditor"), None),
        AUDIT_ADMIN: (audit_admin, None),
    }
    for code in ("kjj", "scjg"):
        for short, role in by_role.items():
            people[f"{code}_{short}"] = (User.objects.get(username=f"{code}.{role.value}"), None)
    # Each demo staff member holds exactly the one role the matrix names.
    for kind in KJJ | SCJG:
        assert people[kind][0].groups.count() == 1, kind

    signed_in: dict[str, Client] = {}

    def client_for(kind: str, *, fresh: bool = False) -> Client:
        """One signed-in client per kind, or a fresh one for routes that change the session
        (sign out, switch identity, language)."""
        if not fresh and kind in signed_in:
            return signed_in[kind]
        client = Client()
        if kind in people:
            user, firm_id = people[kind]
            client.force_login(user)
            if firm_id is not None:
                session = client.session
                session[ACTING_AS_SESSION_KEY] = firm_id
                session.save()
        if not fresh:
            signed_in[kind] = client
        return client

    key_path = settings.VAR_DIR / "keys" / "system-kjj-system.pem"
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return World(client_for=client_for, url_for=url_for, system_key=key)


SESSION_CHANGING = {"accounts:logout", "accounts:act_as_switch", "set_language"}


def is_api(name: str) -> bool:
    name = EXTRA_ROWS.get(name, name)
    return name.startswith(("exchange-", "services_api:", "policies-", "ledger-", "api-"))


def call(world: World, kind: str, name: str) -> int:
    r = MATRIX[name]
    url = world.url_for(name)
    client = world.client_for(kind, fresh=name in SESSION_CHANGING)
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
        kinds = EVERYONE if is_api(name) else EVERYONE - {SYSTEM}
        for kind in sorted(kinds):
            allowed = bool(call(world, kind, name))
            if allowed != (kind in r.allowed):
                mismatches.append(f"{name} as {kind}: {'allowed' if allowed else 'refused'}")
    assert mismatches == [], json.dumps(mismatches, ensure_ascii=False, indent=1)
