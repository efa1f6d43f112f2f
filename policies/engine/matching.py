"""Matching a firm's profile against policies, in memory, with compiled rules.

Pure Python. A policy's *effective rule* is its eligibility rule preceded by the conditions
its metadata implies: the region (the firm is registered in the policy's region), the
industries and the firm sizes it names. The region and industry conditions are *hard*: a
firm that fails them is not a near miss, whatever else holds.

Outcomes: eligible (the rule holds), unknown (数据不全: nothing fails but some figures are
missing), near miss (差一点符合, defined below), ineligible.

A *near miss* is a policy the firm would meet with one small change of one figure:

- every hard condition holds, and every other condition holds (none is unknown: a policy
  whose gap is missing data is "unknown", never "almost");
- exactly one top-level condition fails, and it is a numeric threshold (``gt``, ``gte``,
  ``lt``, ``lte``, ``between``) on a figure;
- the firm's figure is within ``NEAR_MISS_TOLERANCE`` (20 %) of the threshold: revenue of
  1 700 for "at least 2 000" is near (15 % short), 1 000 is not;
- the figure can move towards the threshold: the years since registration and the months
  of contributions only grow, so "at least 3 years" can be near but "at most 5 years" never
  is (a firm of seven years will not become younger); a qualification, a rating, an
  industry, a size class or "no arrears" is never "almost".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from policies.engine.evaluation import Compiled, CompiledRule, Truth, compile_rule, conjunction

ELIGIBLE, UNKNOWN, NEAR_MISS, INELIGIBLE = "eligible", "unknown", "near_miss", "ineligible"
CENT = Decimal("0.01")
# How far from a numeric threshold a firm's figure may be for a near miss (share of it).
NEAR_MISS_TOLERANCE = 0.2
# Figures that only grow with time: only a lower bound on them can be nearly met.
GROWING_FIGURES = frozenset({"age_years", "contribution_months"})
_THRESHOLD_OPS = frozenset({"gt", "gte", "lt", "lte", "between"})


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def nearly_met(node: Mapping[str, object]) -> Callable[[Mapping[str, object]], bool] | None:
    """For a numeric threshold condition, a test of whether a profile that fails it is
    within ``NEAR_MISS_TOLERANCE`` of it (and may move towards it); None for any other
    condition (those are never nearly met)."""
    name, op, expected = node.get("field"), node.get("op"), node.get("value")
    if not isinstance(name, str) or op not in _THRESHOLD_OPS:
        return None
    growing = name in GROWING_FIGURES
    if op == "between":
        if not isinstance(expected, list) or len(expected) != 2:
            return None
        low, high = _number(expected[0]), _number(expected[1])
        lows: float | None = low
        highs: float | None = None if growing else high
    else:
        bound = _number(expected)
        lower = op in ("gt", "gte")
        if bound is None or (growing and not lower):
            return None
        lows, highs = (bound, None) if lower else (None, bound)
    tolerance = NEAR_MISS_TOLERANCE

    def near(values: Mapping[str, object]) -> bool:
        actual = _number(values.get(name))
        if actual is None:
            return False
        if lows is not None and actual < lows and lows > 0:
            return actual >= lows * (1 - tolerance)
        if highs is not None and actual > highs and highs > 0:
            return actual <= highs * (1 + tolerance)
        return False

    return near


def region_prefix(region: str) -> str:
    """The GB/T 2260 prefix a region covers: 330100 → 3301, 330000 → 33; 100000 → all."""
    region = region.strip()
    if not region or region == "100000":
        return ""
    while len(region) > 2 and region.endswith("00"):
        region = region[:-2]
    return region


def implicit_conditions(
    *, region: str, industries: Sequence[str], firm_sizes: Sequence[str]
) -> list[dict[str, object]]:
    """The conditions a policy's region, industries and firm sizes imply (hard ones first)."""
    parts: list[dict[str, object]] = []
    prefix = region_prefix(region)
    if prefix:
        parts.append({"field": "region", "op": "prefix", "value": prefix})
    sections = [i for i in industries if i.isalpha()]
    codes = [i for i in industries if i.isdigit()]
    if sections and codes:
        parts.append(
            {
                "any": [
                    {"field": "industry_section", "op": "in", "value": sections},
                    {"field": "industry_code", "op": "prefix", "value": codes},
                ]
            }
        )
    elif sections:
        parts.append({"field": "industry_section", "op": "in", "value": sections})
    elif codes:
        parts.append({"field": "industry_code", "op": "prefix", "value": codes})
    if firm_sizes:
        parts.append({"field": "firm_size", "op": "in", "value": list(firm_sizes)})
    return parts


def hard_count(*, region: str, industries: Sequence[str]) -> int:
    return int(bool(region_prefix(region))) + int(bool(industries))


def effective_rule(
    *,
    region: str,
    industries: Sequence[str],
    firm_sizes: Sequence[str],
    eligibility: Mapping[str, object],
) -> dict[str, object]:
    implicit = implicit_conditions(region=region, industries=industries, firm_sizes=firm_sizes)
    return conjunction([*implicit, eligibility or {"all": []}])


@dataclass(frozen=True)
class Benefit:
    kind: str  # fixed | share | none
    amount: Decimal | None = None
    rate: Decimal | None = None
    base: str = ""
    cap: Decimal | None = None

    def estimate(self, values: Mapping[str, object]) -> Decimal | None:
        """The amount (10 000 yuan) the firm may expect, or None if it cannot be computed."""
        if self.kind == "fixed":
            return self.amount
        if self.kind != "share" or self.rate is None or not self.base:
            return None
        figure = values.get(self.base)
        if isinstance(figure, bool) or not isinstance(figure, int | float | str):
            return None
        try:
            amount = Decimal(str(figure)) * self.rate
        except ArithmeticError:
            return None
        if self.cap is not None:
            amount = min(amount, self.cap)
        return max(amount, Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CompiledPolicy:
    policy_id: int
    version: int
    rule: CompiledRule
    hard: int
    benefit: Benefit
    region: str = ""  # region prefix ("" = the whole country)
    industries: tuple[str, ...] = ()  # sections and code prefixes (empty = every industry)
    # For each soft conjunct, its "nearly met" test (None: it can never be nearly met).
    near_tests: tuple[Callable[[Mapping[str, object]], bool] | None, ...] = ()
    _hard: tuple[Compiled, ...] = field(default=(), init=False, repr=False, compare=False)
    _soft: tuple[Compiled, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        conjuncts = self.rule.conjuncts
        object.__setattr__(self, "_hard", conjuncts[: self.hard])
        object.__setattr__(self, "_soft", conjuncts[self.hard :])

    def classify(self, values: Mapping[str, object], *, hard_checked: bool = False) -> str:
        """The outcome for one profile. With ``hard_checked`` the caller (the index) has
        already established that the region and industry conditions hold."""
        unknown = False
        if not hard_checked:
            for conjunct in self._hard:
                t = conjunct(values)
                if t is _FALSE:
                    return INELIGIBLE
                if t is _UNKNOWN:
                    unknown = True
        failed: int | None = None
        for i, conjunct in enumerate(self._soft):
            t = conjunct(values)
            if t is _FALSE:
                if failed is not None:
                    return INELIGIBLE
                failed = i
            elif t is _UNKNOWN:
                unknown = True
        if failed is not None:
            # Near miss: the only gap is one small numeric one, and nothing is unknown.
            near = self.near_tests[failed] if failed < len(self.near_tests) else None
            return NEAR_MISS if near is not None and not unknown and near(values) else INELIGIBLE
        return UNKNOWN if unknown else ELIGIBLE


_FALSE, _UNKNOWN = Truth.FALSE, Truth.UNKNOWN


def compile_policy(
    *,
    policy_id: int,
    version: int,
    region: str,
    industries: Sequence[str],
    firm_sizes: Sequence[str],
    eligibility: Mapping[str, object],
    benefit: Benefit,
) -> CompiledPolicy:
    rule = effective_rule(
        region=region, industries=industries, firm_sizes=firm_sizes, eligibility=eligibility
    )
    hard = hard_count(region=region, industries=industries)
    parts = rule["all"]
    assert isinstance(parts, list)  # effective_rule returns a conjunction
    return CompiledPolicy(
        policy_id=policy_id,
        version=version,
        rule=compile_rule(rule),
        hard=hard,
        near_tests=tuple(nearly_met(part) for part in parts[hard:]),
        benefit=benefit,
        region=region_prefix(region),
        industries=tuple(industries),
    )


class PolicyIndex:
    """Policies bucketed by their hard conditions (region prefix, industry), so that a
    firm's match evaluates only the policies of its region and industry; the rest cannot
    apply to it whatever its figures. A firm whose region or industry is unknown is
    matched against every policy."""

    def __init__(self, policies: Sequence[CompiledPolicy]) -> None:
        self.policies = tuple(policies)
        self.buckets: dict[tuple[str, str], list[CompiledPolicy]] = {}
        for cp in self.policies:
            for key in cp.industries or ("*",):
                self.buckets.setdefault((cp.region, key), []).append(cp)

    def __len__(self) -> int:
        return len(self.policies)

    def candidates(self, values: Mapping[str, object]) -> Iterable[CompiledPolicy] | None:
        region, code = values.get("region"), values.get("industry_code")
        section = values.get("industry_section")
        if not isinstance(region, str) or not isinstance(code, str) or not code:
            return None
        regions = ["", *{region[:k] for k in range(2, len(region) + 1, 2)}]
        industries = ["*", *{code[:k] for k in range(2, min(len(code), 4) + 1)}]
        if isinstance(section, str) and section:
            industries.append(section)
        seen: set[int] = set()
        out: list[CompiledPolicy] = []
        for r in regions:
            for i in industries:
                for cp in self.buckets.get((r, i), ()):
                    if len(cp.industries) > 1:
                        if cp.policy_id in seen:
                            continue
                        seen.add(cp.policy_id)
                    out.append(cp)
        return out


@dataclass(frozen=True)
class Match:
    policy: CompiledPolicy
    outcome: str
    amount: Decimal | None


def match_profile(
    values: Mapping[str, object],
    policies: Iterable[CompiledPolicy] | PolicyIndex,
    *,
    keep: frozenset[str] = frozenset({ELIGIBLE, UNKNOWN, NEAR_MISS}),
) -> list[Match]:
    """Every policy's outcome for one profile (only the outcomes in ``keep``)."""
    hard_checked = False
    if isinstance(policies, PolicyIndex):
        found = policies.candidates(values)
        hard_checked = found is not None
        policies = policies.policies if found is None else found
    out = []
    for cp in policies:
        outcome = cp.classify(values, hard_checked=hard_checked)
        if outcome in keep:
            out.append(Match(cp, outcome, cp.benefit.estimate(values)))
    return out
