"""Publication and history: create, amend, publish, withdraw; facets and the search index."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.constants import (
    PolicyStatus,
    Topic,
)
from policies.engine.search import index_terms
from policies.models import (
    Policy,
    PolicyTerm,
    PolicyVersion,
)
from policies.services.actor import Actor, _authorise
from policies.services.push import _start_runs
from policies.services.validation import EDITABLE_FIELDS, policy_clean
from portal.core.text import visible_text
from portal.departments.models import Department

# --- Derived data: facets and the search index ------------------------------------------


def _facets(policy: Policy) -> str:
    parts = [f"t:{t}" for t in policy.topics] or ["t:*"]
    parts += [f"i:{i}" for i in policy.industries] or ["i:*"]
    parts += [f"s:{s}" for s in policy.firm_sizes] or ["s:*"]
    parts.append(f"r:{policy.region}")
    return " " + " ".join(parts) + " "


def _reindex(policy: Policy) -> None:
    topic_labels = " ".join(str(Topic(t).label) for t in policy.topics if t in Topic.values)
    terms = index_terms(
        [
            (policy.title, 5, True),
            (policy.title_en, 4, False),
            (policy.document_number, 4, False),
            (policy.summary, 3, True),
            (policy.summary_en, 2, False),
            (f"{topic_labels} {policy.benefit_note}", 2, False),
            (policy.full_text, 1, False),
        ]
    )
    PolicyTerm.objects.filter(policy=policy).delete()
    PolicyTerm.objects.bulk_create(
        [PolicyTerm(policy=policy, term=t, weight=w) for t, w in terms.items()], batch_size=2000
    )


def _plain(value: object) -> object:
    if isinstance(value, Department):
        return value.code
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def _history(
    policy: Policy, actor: Actor | None, action: str, note: str, changes: Mapping[str, object]
) -> None:
    PolicyVersion.objects.create(
        policy=policy,
        version=policy.version,
        action=action,
        note=note[:300],
        changes=dict(changes),
        by_user=actor.user if actor else None,
        by_system=actor.system.key_id if actor and actor.system else "",
    )


# --- Publication -------------------------------------------------------------------------


@transaction.atomic
def policy_create(*, actor: Actor, data: Mapping[str, object], note: str = "") -> Policy:
    """Create a draft from a validated record (``policy_clean``)."""
    clean = policy_clean(data=data)
    department = clean["department"]
    assert isinstance(department, Department)
    _authorise(actor, department)
    if Policy.objects.filter(document_number=clean["document_number"]).exists():
        raise ValidationError({"document_number": _("A policy with this number exists.")})
    policy = Policy(**clean)
    policy.facets = _facets(policy)
    policy.save()
    _reindex(policy)
    _history(policy, actor, "created", note, {k: _plain(v) for k, v in clean.items()})
    return policy


def _keep_english_material_names(clean: dict[str, object], policy: Policy) -> None:
    """A material given by name only (the back-office form writes ``name@dataset``) keeps
    the English name it had."""
    english = {str(m.get("name")): m.get("name_en") for m in policy.materials if m.get("name_en")}
    materials = clean.get("materials")
    if not isinstance(materials, list):
        return
    for m in materials:
        if isinstance(m, dict) and not m.get("name_en") and english.get(str(m.get("name"))):
            m["name_en"] = str(english[str(m.get("name"))])


@transaction.atomic
def policy_amend(
    *, actor: Actor, policy: Policy, data: Mapping[str, object], note: str
) -> tuple[Policy, bool]:
    """Change a policy, keeping the change in its history; a published policy is pushed again.

    ``data`` may hold only some fields. Returns the policy and whether anything changed.
    """
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _authorise(actor, policy.department)
    if policy.status == PolicyStatus.WITHDRAWN:
        raise ValidationError(_("A withdrawn policy cannot be amended."))
    current = {name: getattr(policy, name) for name in EDITABLE_FIELDS}
    merged = {**current, **{k: v for k, v in data.items() if k in EDITABLE_FIELDS}}
    clean = policy_clean(data=merged)
    _keep_english_material_names(clean, policy)
    if clean["department"] != policy.department:
        raise ValidationError({"department": _("The issuing department cannot change.")})
    if clean["document_number"] != policy.document_number:
        raise ValidationError({"document_number": _("The document number cannot change.")})
    changes = {
        name: [_plain(current[name]), _plain(clean[name])]
        for name in EDITABLE_FIELDS
        if _plain(current[name]) != _plain(clean[name])
    }
    if not changes:
        return policy, False
    if policy.status == PolicyStatus.PUBLISHED and not visible_text(note):
        raise ValidationError({"note": _("Say what the amendment changes and why.")})
    for name, value in clean.items():
        setattr(policy, name, value)
    policy.version += 1
    policy.facets = _facets(policy)
    policy.save()
    _reindex(policy)
    _history(policy, actor, "amended", note, changes)
    if policy.status == PolicyStatus.PUBLISHED:
        _start_runs(policy)
    return policy, True


@transaction.atomic
def policy_publish(*, actor: Actor, policy: Policy) -> Policy:
    """Publish a draft; after commit, the push job matches every firm and notifies."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _authorise(actor, policy.department)
    if policy.status != PolicyStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    now = timezone.now()
    policy.status = PolicyStatus.PUBLISHED
    policy.published_at = now
    policy.published_on = policy.published_on or timezone.localdate(now)
    policy.save()
    _history(policy, actor, "published", "", {"status": ["draft", "published"]})
    _start_runs(policy)
    return policy


@transaction.atomic
def policy_withdraw(*, actor: Actor, policy: Policy, note: str) -> Policy:
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _authorise(actor, policy.department)
    if policy.status == PolicyStatus.WITHDRAWN:
        raise ValidationError(_("The policy is already withdrawn."))
    if not visible_text(note):
        raise ValidationError({"note": _("Give the reason for the withdrawal.")})
    old = policy.status
    policy.status = PolicyStatus.WITHDRAWN
    policy.withdrawn_at = timezone.now()
    policy.save()
    _history(policy, actor, "withdrawn", note, {"status": [old, "withdrawn"]})
    # No more applications: its filing service leaves the catalogue.
    from policies.applications import policy_filing_service_sync

    policy_filing_service_sync(policy=policy)
    return policy
