"""Reads of the policies part: search, compiled rules, a firm's matches, supervision figures."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from threading import Lock

from django.db.models import (
    Avg,
    Case,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from policies.constants import AwardStatus, MatchOutcome, NoticeKind, PolicyStatus
from policies.engine import matching
from policies.engine.evaluation import Evaluation, Profile, evaluate
from policies.engine.search import query_terms
from policies.models import (
    BenefitAward,
    FirmProfile,
    Policy,
    PolicyMatch,
    PolicyNotice,
    PolicyRating,
    PolicyRun,
    PolicyTerm,
)
from portal.accounts.models import Firm, User
from portal.accounts.selectors import representation_list_for_user
from portal.departments.models import Department

# --- Search ------------------------------------------------------------------------------


def region_ancestors(region: str) -> list[str]:
    """A region and the regions above it (GB/T 2260): 330106 → 330106, 330100, 330000,
    and 100000 (the whole country)."""
    region = region.strip()
    out = [region] if region else []
    if len(region) == 6 and region.isdigit():
        out += [region[:4] + "00", region[:2] + "0000"]
    out.append("100000")
    return list(dict.fromkeys(out))


def policy_search(
    *,
    q: str = "",
    region: str = "",
    industry: str = "",
    topic: str = "",
    size: str = "",
    open_now: bool = False,
    department: Department | None = None,
    statuses: tuple[str, ...] = (PolicyStatus.PUBLISHED,),
) -> QuerySet[Policy]:
    """Policies matching a Chinese (or mixed) query and the filters, best first.

    The query's character bigrams (with near-synonyms) must meet the policy's index at
    least once; the score sums the weights of every query term (bigrams and single
    characters) found, title terms weighing most.
    """
    qs = Policy.objects.filter(status__in=statuses).select_related("department")
    if department is not None:
        qs = qs.filter(department=department)
    if region:
        qs = qs.filter(region__in=region_ancestors(region))
    if industry:
        industry = industry.strip().upper()
        wanted = Q(facets__contains=" i:* ")
        if industry.isalpha():
            wanted |= Q(facets__contains=f" i:{industry[:1]} ")
        else:
            section = _section(industry)
            if section:
                wanted |= Q(facets__contains=f" i:{section} ")
            for n in range(2, min(len(industry), 4) + 1):
                wanted |= Q(facets__contains=f" i:{industry[:n]} ")
        qs = qs.filter(wanted)
    if topic:
        qs = qs.filter(facets__contains=f" t:{topic} ")
    if size:
        qs = qs.filter(Q(facets__contains=f" s:{size} ") | Q(facets__contains=" s:* "))
    if open_now:
        today = timezone.localdate()
        qs = qs.filter(
            Q(window_opens__isnull=True) | Q(window_opens__lte=today),
            Q(window_closes__isnull=True) | Q(window_closes__gte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        )
    q = q.strip()[:100]
    if not q:
        return qs.order_by("-published_on", "-pk")
    grams, chars = query_terms(q)
    required = grams or chars
    if not required:
        return qs.none()
    terms = PolicyTerm.objects.filter(policy=OuterRef("pk")).values("policy")
    score = terms.filter(term__in=grams | chars).annotate(s=Sum("weight")).values("s")
    hits = terms.filter(term__in=required).annotate(n=Count("pk")).values("n")
    return (
        qs.annotate(
            hits=Coalesce(Subquery(hits, output_field=IntegerField()), 0),
            score=Coalesce(Subquery(score, output_field=IntegerField()), 0),
            exact=Case(When(document_number=q, then=Value(1)), default=Value(0)),
        )
        .filter(Q(hits__gt=0) | Q(exact=1))
        .order_by("-exact", "-score", "-published_on", "-pk")
    )


def _section(code: str) -> str | None:
    from policies.engine.profile import industry_section

    return industry_section(code)


def policy_get_public(*, policy_id: int) -> Policy | None:
    return (
        Policy.objects.select_related("department")
        .filter(pk=policy_id, status__in=[PolicyStatus.PUBLISHED, PolicyStatus.WITHDRAWN])
        .first()
    )


def policy_list_for_department(*, department: Department) -> QuerySet[Policy]:
    return (
        Policy.objects.filter(department=department)
        .select_related("department")
        .order_by("status", "-updated_at")
    )


def runs_for_policy(*, policy: Policy) -> QuerySet[PolicyRun]:
    return PolicyRun.objects.filter(policy=policy).order_by("-created_at", "-pk")


# --- Compiled rules (cached in the process) ---------------------------------------------

_cache_lock = Lock()
_compiled: dict[tuple[int, int], matching.CompiledPolicy] = {}
_published: tuple[tuple[object, ...], matching.PolicyIndex] | None = None
_MAX_COMPILED = 100_000

_BENEFIT_FIELDS = ("benefit_kind", "benefit_amount", "benefit_rate", "benefit_base", "benefit_cap")
_COMPILE_FIELDS = (
    "pk",
    "version",
    "region",
    "industries",
    "firm_sizes",
    "eligibility",
    *_BENEFIT_FIELDS,
)


def _compile_row(row: dict[str, object]) -> matching.CompiledPolicy:
    key = (int(str(row["pk"])), int(str(row["version"])))
    found = _compiled.get(key)
    if found is not None:
        return found

    def dec(name: str) -> Decimal | None:
        value = row[name]
        return None if value is None else Decimal(str(value))

    industries, sizes, rule = row["industries"], row["firm_sizes"], row["eligibility"]
    assert isinstance(industries, list) and isinstance(sizes, list) and isinstance(rule, dict)
    compiled = matching.compile_policy(
        policy_id=key[0],
        version=key[1],
        region=str(row["region"]),
        industries=[str(i) for i in industries],
        firm_sizes=[str(s) for s in sizes],
        eligibility=rule,
        benefit=matching.Benefit(
            kind=str(row["benefit_kind"]),
            amount=dec("benefit_amount"),
            rate=dec("benefit_rate"),
            base=str(row["benefit_base"] or ""),
            cap=dec("benefit_cap"),
        ),
    )
    with _cache_lock:
        if len(_compiled) >= _MAX_COMPILED:
            _compiled.clear()
        _compiled[key] = compiled
    return compiled


def policy_compiled(policy: Policy) -> matching.CompiledPolicy:
    """The policy's effective rule, compiled once per version."""
    return _compile_row({"pk": policy.pk, **{f: getattr(policy, f) for f in _COMPILE_FIELDS[1:]}})


def _current_published() -> QuerySet[Policy]:
    today = timezone.localdate()
    return Policy.objects.filter(status=PolicyStatus.PUBLISHED).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        Q(window_closes__isnull=True) | Q(window_closes__gte=today),
    )


def compiled_published() -> matching.PolicyIndex:
    """Every published policy still valid and open to applications, compiled.

    One aggregate query checks whether the process's cache is still current."""
    global _published
    qs = _current_published()
    stamp = qs.aggregate(n=Count("pk"), v=Sum("version"), at=Max("updated_at"))
    key = (timezone.localdate(), stamp["n"], stamp["v"], stamp["at"])
    cached = _published
    if cached is not None and cached[0] == key:
        return cached[1]
    compiled = [_compile_row(row) for row in qs.order_by("pk").values(*_COMPILE_FIELDS)]
    index = matching.PolicyIndex(compiled)
    _published = (key, index)
    return index


def compiled_cache_clear() -> None:
    global _published
    with _cache_lock:
        _compiled.clear()
        _published = None


# --- A firm's matches --------------------------------------------------------------------


def firm_profile_get(*, firm: Firm) -> FirmProfile | None:
    return FirmProfile.objects.filter(firm=firm).first()


@dataclass(frozen=True)
class MatchView:
    policy: Policy
    outcome: str
    amount: Decimal | None
    evaluation: Evaluation


@dataclass
class FirmMatches:
    eligible: list[MatchView] = field(default_factory=list)
    unknown: list[MatchView] = field(default_factory=list)
    near_misses: list[MatchView] = field(default_factory=list)


def firm_matches(*, profile: FirmProfile, limit: int = 100) -> FirmMatches:
    """Eligible policies (largest amount first), then possible ones (data missing) and near
    misses, each with every condition explained."""
    values = profile.values
    found = matching.match_profile(values, compiled_published())

    def order(m: matching.Match) -> tuple[Decimal, int]:
        return (-(m.amount or Decimal(0)), -m.policy.policy_id)

    found.sort(key=order)
    chosen = {
        outcome: [m for m in found if m.outcome == outcome][:limit]
        for outcome in (matching.ELIGIBLE, matching.UNKNOWN, matching.NEAR_MISS)
    }
    ids = [m.policy.policy_id for ms in chosen.values() for m in ms]
    policies = Policy.objects.select_related("department").in_bulk(ids)
    rule_profile = Profile(values, profile.missing)
    result = FirmMatches()
    targets = {
        matching.ELIGIBLE: result.eligible,
        matching.UNKNOWN: result.unknown,
        matching.NEAR_MISS: result.near_misses,
    }
    for outcome, ms in chosen.items():
        for m in ms:
            policy = policies.get(m.policy.policy_id)
            if policy is None:
                continue
            targets[outcome].append(
                MatchView(policy, outcome, m.amount, explain_for(policy, rule_profile))
            )
    return result


def explain_for(policy: Policy, profile: Profile) -> Evaluation:
    rule = matching.effective_rule(
        region=policy.region,
        industries=policy.industries,
        firm_sizes=policy.firm_sizes,
        eligibility=policy.eligibility,
    )
    return evaluate(rule, profile)


def notices_for_firm(*, firm: Firm) -> QuerySet[PolicyNotice]:
    return PolicyNotice.objects.filter(firm=firm).select_related("policy").order_by("-created_at")


def notices_unread_count(*, firm: Firm) -> int:
    return PolicyNotice.objects.filter(firm=firm, read_at__isnull=True).count()


def policy_notices_for_user(*, user: User) -> QuerySet[PolicyNotice]:
    """The policy messages in a person's inbox: those of the firms they may file for now
    (a former agent no longer sees them), newest first."""
    firms = representation_list_for_user(user=user).filter(can_apply=True).values("firm_id")
    return (
        PolicyNotice.objects.filter(firm_id__in=firms)
        .select_related("policy", "firm")
        .order_by("-created_at", "-pk")
    )


def awards_for_firm(*, firm: Firm) -> QuerySet[BenefitAward]:
    return BenefitAward.objects.filter(firm=firm).select_related("policy").order_by("-decided_at")


# --- Supervision (督查) ------------------------------------------------------------------


@dataclass
class PolicyFigures:
    policy: Policy
    eligible: int = 0
    unknown: int = 0
    near_misses: int = 0
    notified: int = 0
    invited: int = 0
    applied: int = 0
    decided: int = 0
    approved: int = 0
    granted: int = 0
    declined: int = 0
    amount_granted: Decimal = Decimal(0)
    amount_estimated: Decimal = Decimal(0)
    within_promise: int = 0
    overdue: int = 0
    open_overdue: int = 0
    mean_days_to_decision: float | None = None
    clarity: float | None = None
    handling: float | None = None
    ratings: int = 0


def supervision_figures(*, policies: QuerySet[Policy]) -> list[PolicyFigures]:
    """Per policy: matched, notified, applied, granted, amounts, time to decision against
    the promise, overdue, and the firms' ratings. A fixed number of grouped queries."""
    rows = {p.pk: PolicyFigures(p) for p in policies.select_related("department")}
    ids = list(rows)
    for r in (
        PolicyMatch.objects.filter(policy_id__in=ids)
        .values("policy_id", "outcome")
        .annotate(n=Count("pk"), amount=Sum("estimated_amount"))
    ):
        f = rows[r["policy_id"]]
        if r["outcome"] == MatchOutcome.ELIGIBLE:
            f.eligible, f.amount_estimated = r["n"], _money(r["amount"])
        elif r["outcome"] == MatchOutcome.UNKNOWN:
            f.unknown = r["n"]
        elif r["outcome"] == MatchOutcome.NEAR_MISS:
            f.near_misses = r["n"]
    for r in (
        PolicyNotice.objects.filter(policy_id__in=ids)
        .values("policy_id", "kind")
        .annotate(n=Count("pk"))
    ):
        f = rows[r["policy_id"]]
        if r["kind"] == NoticeKind.ELIGIBLE:
            f.notified += r["n"]
        elif r["kind"] == NoticeKind.INVITED:
            f.invited = r["n"]
            f.notified += r["n"]
        else:
            f.notified += r["n"]
    for r in (
        BenefitAward.objects.filter(policy_id__in=ids)
        .values("policy_id", "status")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    ):
        f = rows[r["policy_id"]]
        if r["status"] == AwardStatus.GRANTED:
            f.granted, f.amount_granted = r["n"], _money(r["amount"])
        else:
            f.declined = r["n"]
    for r in (
        PolicyRating.objects.filter(policy_id__in=ids)
        .values("policy_id")
        .annotate(n=Count("pk"), c=Avg("clarity"), h=Avg("handling"))
    ):
        f = rows[r["policy_id"]]
        f.ratings, f.clarity, f.handling = r["n"], r["c"], r["h"]
    _application_figures(rows)
    return list(rows.values())


def _money(value: object) -> Decimal:
    """A sum of amounts to the cent (SQLite sums decimals as floats)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _application_figures(rows: dict[int, PolicyFigures]) -> None:
    """Applications filed from a policy (apply once): decisions against the promised days."""
    from policies.applications import application_figures

    today = timezone.now()
    durations: dict[int, list[float]] = defaultdict(list)
    for fig in application_figures(policy_ids=list(rows)):
        f = rows[fig.policy_id]
        f.applied += 1
        promise = dt.timedelta(days=f.policy.promised_days)
        if fig.decided_at is not None:
            f.decided += 1
            f.approved += int(fig.approved)
            f.amount_granted += fig.amount if fig.approved else Decimal(0)
            took = fig.decided_at - fig.submitted_at
            durations[fig.policy_id].append(took.total_seconds() / 86400)
            if took <= promise:
                f.within_promise += 1
            else:
                f.overdue += 1
        elif today - fig.submitted_at > promise:
            f.overdue += 1
            f.open_overdue += 1
    for policy_id, days in durations.items():
        rows[policy_id].mean_days_to_decision = round(sum(days) / len(days), 1)


def department_totals(*, figures: list[PolicyFigures]) -> dict[str, object]:
    keys = ("eligible", "notified", "applied", "decided", "granted", "overdue", "ratings")
    totals: dict[str, object] = {k: sum(int(getattr(f, k)) for f in figures) for k in keys}
    totals["amount_granted"] = sum((f.amount_granted for f in figures), Decimal(0))
    totals["amount_estimated"] = sum((f.amount_estimated for f in figures), Decimal(0))
    return totals
