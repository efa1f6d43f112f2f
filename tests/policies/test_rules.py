"""The rule engine: every operator, three-valued logic, explanations, malformed rules."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.engine.evaluation import Profile, Truth, compile_rule, evaluate
from policies.engine.matching import (
    ELIGIBLE,
    INELIGIBLE,
    NEAR_MISS,
    UNKNOWN,
    Benefit,
    compile_policy,
    region_prefix,
)
from policies.engine.rules import FIELDS, RuleError, rule_errors, validate_rule

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

FIRM = {
    "industry_code": "6511",
    "industry_section": "I",
    "region": "330106",
    "registration_status": "存续",
    "age_years": 7,
    "registered_capital": 1000.0,
    "headcount": 86.0,
    "in_arrears": False,
    "revenue": 5200.0,
    "rd_expense": 860.0,
    "rd_ratio": 16.54,
    "tax_credit_rating": "B",
    "firm_size": "small",
    "certificates": ["high_tech"],
    "certificates__known": ["high_tech", "specialised"],
}


def leaf(field, op, value=None):
    node = {"field": field, "op": op}
    if value is not None:
        node["value"] = value
    return node


def truth(node, values=FIRM):
    return evaluate(node, Profile(values, {"tax_paid": "swj.tax_paid|narrowed|jxj"})).truth


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (leaf("industry_code", "eq", "6511"), T),
        (leaf("industry_code", "eq", "6512"), F),
        (leaf("industry_code", "ne", "6512"), T),
        (leaf("industry_code", "ne", "6511"), F),
        (leaf("industry_section", "in", ["C", "I"]), T),
        (leaf("industry_section", "in", ["C"]), F),
        (leaf("industry_section", "not_in", ["C"]), T),
        (leaf("industry_section", "not_in", ["I"]), F),
        (leaf("industry_code", "prefix", "65"), T),
        (leaf("industry_code", "prefix", ["27", "651"]), T),
        (leaf("industry_code", "prefix", ["27", "64"]), F),
        (leaf("headcount", "gt", 86), F),
        (leaf("headcount", "gt", 85), T),
        (leaf("headcount", "gte", 86), T),
        (leaf("headcount", "gte", 87), F),
        (leaf("headcount", "lt", 87), T),
        (leaf("headcount", "lt", 86), F),
        (leaf("headcount", "lte", 86), T),
        (leaf("headcount", "lte", 85.5), F),
        (leaf("headcount", "eq", 86), T),
        (leaf("headcount", "ne", 86), F),
        (leaf("revenue", "between", [5200, 6000]), T),
        (leaf("revenue", "between", [1000, 5199.99]), F),
        (leaf("age_years", "between", [3, 7]), T),
        (leaf("in_arrears", "eq", False), T),
        (leaf("in_arrears", "ne", False), F),
        (leaf("tax_credit_rating", "gte", "B"), T),
        (leaf("tax_credit_rating", "gte", "A"), F),
        (leaf("tax_credit_rating", "lte", "M"), F),
        (leaf("tax_credit_rating", "in", ["A", "B"]), T),
        (leaf("tax_credit_rating", "ne", "D"), T),
        (leaf("firm_size", "lte", "medium"), T),
        (leaf("firm_size", "gte", "medium"), F),
        (leaf("firm_size", "in", ["micro", "small"]), T),
        (leaf("certificates", "contains", "high_tech"), T),
        (leaf("certificates", "contains", "specialised"), F),  # known, not held
        (leaf("certificates", "contains", "little_giant"), U),  # status unknown
        (leaf("certificates", "contains_any", ["little_giant", "high_tech"]), T),
        (leaf("certificates", "contains_any", ["specialised", "little_giant"]), U),
        (leaf("headcount", "exists"), T),
        (leaf("tax_paid", "exists"), U),
        (leaf("tax_paid", "gte", 1), U),
        (leaf("registration_status", "eq", "存续"), T),
        (leaf("region", "prefix", "3301"), T),
    ],
)
def test_every_operator(node, expected):
    """Each operator on each kind of field gives the expected truth value."""
    assert truth(node) is expected
    assert compile_rule(node).truth(FIRM) is expected  # the compiled form agrees


def test_known_absent_is_false_and_exists_false():
    """A figure known to be absent (register asked, no value) fails comparisons; exists is false."""
    values = {**FIRM, "rd_expense": None, "certificates": []}
    assert truth(leaf("rd_expense", "gte", 1), values) is F
    assert truth(leaf("rd_expense", "exists"), values) is F
    assert truth({"field": "rd_expense", "op": "exists", "value": False}, values) is T
    assert truth(leaf("certificates", "exists"), values) is F


def test_three_valued_combinators():
    """all/any/not follow Kleene logic: unknown only where the known parts do not decide."""
    t, f, u = leaf("headcount", "gte", 1), leaf("headcount", "lt", 1), leaf("tax_paid", "gte", 1)
    assert truth({"all": [t, u]}) is U
    assert truth({"all": [f, u]}) is F
    assert truth({"all": []}) is T
    assert truth({"any": [t, u]}) is T
    assert truth({"any": [f, u]}) is U
    assert truth({"any": [f, f]}) is F
    assert truth({"not": u}) is U
    assert truth({"not": t}) is F
    assert truth({"not": {"all": [f, u]}}) is T


def test_explanations_say_every_condition_and_why_unknown():
    """Each condition is reported with its value, and unknown ones with the missing reason."""
    rule = {
        "all": [
            {"field": "headcount", "op": "gte", "value": 10, "label": "参保职工不少于10人"},
            leaf("tax_paid", "gte", 100),
            {"not": leaf("in_arrears", "eq", True)},
        ]
    }
    result = evaluate(rule, Profile(FIRM, {"tax_paid": "swj.tax_paid|narrowed|jxj"}))
    assert result.truth is U
    assert [c.path for c in result.conditions] == ["all[0]", "all[1]", "all[2].not"]
    first, second, third = result.conditions
    assert (first.truth, first.actual, first.label) == (T, 86.0, "参保职工不少于10人")
    assert second.truth is U and second.reason == "swj.tax_paid|narrowed|jxj"
    assert third.truth is F  # the leaf itself; the not above it makes the branch hold
    assert result.unknown == [second] and result.met == [first]


@pytest.mark.parametrize(
    ("rule", "path", "message"),
    [
        ([], "rule", "must be a JSON object"),
        ({"all": {}}, "all", "takes a list"),
        ({"any": []}, "any", "at least one condition"),
        ({"all": [], "any": [{}]}, "rule", "only key"),
        ({"field": "salary", "op": "eq", "value": 1}, "rule.field", "unknown field 'salary'"),
        ({"field": "headcount", "op": "like", "value": 1}, "rule.op", "unknown operator"),
        ({"field": "headcount", "op": "prefix", "value": "1"}, "rule.op", "does not apply"),
        ({"field": "headcount", "op": "gte"}, "rule.value", "needs a value"),
        ({"field": "headcount", "op": "gte", "value": "10"}, "rule.value", "a number"),
        ({"field": "headcount", "op": "gte", "value": True}, "rule.value", "a number"),
        ({"field": "headcount", "op": "between", "value": [5]}, "rule.value", "two numbers"),
        ({"field": "headcount", "op": "between", "value": [9, 1]}, "rule.value", "low bound"),
        ({"field": "industry_code", "op": "in", "value": []}, "rule.value", "non-empty list"),
        ({"field": "tax_credit_rating", "op": "gte", "value": "AAA"}, "rule.value", "a rating"),
        ({"field": "firm_size", "op": "eq", "value": "huge"}, "rule.value", "a firm size"),
        ({"field": "in_arrears", "op": "eq", "value": "no"}, "rule.value", "true or false"),
        ({"field": "headcount", "op": "exists", "value": 3}, "rule.value", "no value"),
        ({"field": "headcount", "op": "gte", "value": 1, "x": 1}, "rule", "unknown key"),
        ({"all": [{"not": {"field": "headcount"}}]}, "all[0].not.op", "unknown operator"),
        ({"all": [{"foo": 1}]}, "all[0]", "expected all, any, not"),
        ({"field": "headcount", "op": "gte", "value": float("nan")}, "rule.value", "a number"),
    ],
)
def test_malformed_rules_are_refused_with_a_clear_message(rule, path, message):
    """Validation names where the rule is wrong and what is expected."""
    with pytest.raises(RuleError) as exc:
        validate_rule(rule)
    assert exc.value.path == path
    assert message in exc.value.message
    assert rule_errors(rule) == [str(exc.value)]


def test_depth_and_size_limits():
    """Deeply nested or huge rules are refused, not evaluated."""
    node: dict[str, object] = leaf("headcount", "gte", 1)
    for _ in range(12):
        node = {"not": node}
    assert "deeper" in rule_errors(node)[0]
    assert "nodes" in rule_errors({"all": [leaf("headcount", "gte", 1)] * 300})[0]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["all", "any", "not", "field", "op", "value", "label", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)
fields = st.sampled_from(sorted(FIELDS))
ops = st.sampled_from(
    [
        "eq",
        "ne",
        "in",
        "not_in",
        "prefix",
        "gt",
        "gte",
        "lt",
        "lte",
        "between",
        "exists",
        "contains",
        "contains_any",
    ]
)
leaves = st.builds(
    lambda f, o, v: {"field": f, "op": o, "value": v},
    fields,
    ops,
    st.none() | st.integers(-5, 5) | st.sampled_from(["A", "B", "small", "65", "high_tech"]),
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_validator_never_crashes_on_random_json(rule):
    """Any JSON value is either accepted or refused with RuleError, never anything else."""
    try:
        validate_rule(rule)
    except RuleError as exc:
        assert exc.message
        return
    # Accepted rules evaluate without error on an empty and on a full profile.
    assert isinstance(rule, dict)
    evaluate(rule, Profile({}))
    evaluate(rule, Profile(FIRM))


@settings(max_examples=300, deadline=None)
@given(st.lists(leaves, min_size=1, max_size=4), st.sampled_from(["all", "any"]))
def test_compiled_rule_agrees_with_evaluate(children, combinator):
    """For every valid rule, the fast compiled form gives the same truth as evaluate()."""
    rule = {combinator: children}
    if rule_errors(rule):
        return
    for values in (FIRM, {}, {"headcount": 3.0, "certificates": []}):
        assert compile_rule(rule).truth(values) is evaluate(rule, Profile(values)).truth


def test_matching_outcomes_and_benefit_estimate():
    """Eligible, unknown, near miss (one soft condition) and ineligible (a hard one fails);
    a share benefit is capped."""
    share = Benefit(kind="share", rate=Decimal("0.1"), base="rd_expense")
    capped = Benefit(
        kind="share",
        rate=Decimal("0.1"),
        base="rd_expense",
        cap=Decimal("50"),
    )

    def outcome(rule, industries=(), region="330100", benefit=share):
        cp = compile_policy(
            policy_id=1,
            version=1,
            region=region,
            industries=list(industries),
            firm_sizes=[],
            eligibility=rule,
            benefit=benefit,
        )
        return cp.classify(FIRM), cp.benefit.estimate(FIRM)

    assert outcome({"all": [leaf("headcount", "gte", 10)]}) == (ELIGIBLE, 86)
    assert outcome({"all": [leaf("headcount", "gte", 10)]}, benefit=capped)[1] == 50
    assert outcome({"all": [leaf("tax_paid", "gte", 10)]})[0] == UNKNOWN
    assert outcome({"all": [leaf("headcount", "gte", 100)]})[0] == NEAR_MISS
    two_fail = {"all": [leaf("headcount", "gte", 100), leaf("revenue", "gte", 10**6)]}
    assert outcome(two_fail)[0] == INELIGIBLE
    assert outcome({"all": []}, industries=["C"])[0] == INELIGIBLE  # hard: wrong industry
    assert outcome({"all": []}, industries=["I"])[0] == ELIGIBLE
    assert outcome({"all": []}, region="320100")[0] == INELIGIBLE  # hard: another city
    assert outcome({"all": []}, region="100000")[0] == ELIGIBLE  # national
    assert region_prefix("330000") == "33"
