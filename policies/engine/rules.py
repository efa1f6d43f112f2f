"""The eligibility rule engine: a declarative JSON format, its fields and its validator.

The evaluator is ``policies.engine.evaluation``.

Pure Python (standard library only, no Django, no ``eval``), so that it can be tested and
benchmarked on its own and reused by any system that receives a policy's rules.

A rule is a tree of JSON objects::

    {"all": [node, ...]}        every child holds (an empty list always holds)
    {"any": [node, ...]}        at least one child holds (at least one child required)
    {"not": node}               the child does not hold
    {"field": "headcount", "op": "gte", "value": 10, "label": "参保职工不少于10人"}

Evaluation is three-valued (Kleene logic): a condition on a figure the profile does not
have is *unknown*, not false. ``all`` is false if any child is false, else unknown if any
child is unknown; ``any`` is true if any child is true, else unknown if any is unknown;
``not`` swaps true and false and keeps unknown. Each condition's result comes with the
value it was checked against and, when unknown, the reason the figure is missing.

A profile distinguishes a figure that is *known to be absent* (the register was asked and
has no record: the value is ``None`` or an empty set) from one that is *unknown* (the key
is missing: the data could not be read). ``exists`` is false for the first, unknown for
the second.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping

# --- The profile's fields and their types ---------------------------------------------


class FieldType(enum.Enum):
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"
    RATING = "rating"  # tax credit rating: ordered D < C < M < B < A
    SIZE = "size"  # firm size: ordered micro < small < medium < large
    SET = "set"  # a set of codes (certificates, qualifications)


# Tax credit rating levels (纳税信用等级), from lowest to highest. M is for new firms.
RATING_ORDER = ("D", "C", "M", "B", "A")
# Firm size classes (大中小微), from smallest.
SIZE_ORDER = ("micro", "small", "medium", "large")

FIELDS: dict[str, FieldType] = {
    "industry_code": FieldType.TEXT,  # GB/T 4754 class, e.g. "6511"
    "industry_section": FieldType.TEXT,  # GB/T 4754 section letter, e.g. "I"
    "region": FieldType.TEXT,  # GB/T 2260 code of the registration place
    "registration_status": FieldType.TEXT,  # 存续, 注销 …
    "age_years": FieldType.NUMBER,  # whole years since registration
    "registered_capital": FieldType.NUMBER,  # 10 000 yuan
    "headcount": FieldType.NUMBER,  # employees insured
    "contribution_months": FieldType.NUMBER,  # consecutive months of contributions
    "in_arrears": FieldType.BOOLEAN,  # owes social insurance contributions
    "revenue": FieldType.NUMBER,  # last year, 10 000 yuan
    "rd_expense": FieldType.NUMBER,  # last year, 10 000 yuan
    "rd_ratio": FieldType.NUMBER,  # R&D expense as a percentage of revenue
    "tax_paid": FieldType.NUMBER,  # last year, 10 000 yuan
    "tax_credit_rating": FieldType.RATING,
    "firm_size": FieldType.SIZE,
    "certificates": FieldType.SET,  # high_tech, specialised, little_giant, …
}

OPERATORS_BY_TYPE: dict[FieldType, frozenset[str]] = {
    FieldType.TEXT: frozenset({"eq", "ne", "in", "not_in", "prefix", "exists"}),
    FieldType.NUMBER: frozenset({"eq", "ne", "gt", "gte", "lt", "lte", "between", "exists"}),
    FieldType.BOOLEAN: frozenset({"eq", "ne", "exists"}),
    FieldType.RATING: frozenset({"eq", "ne", "in", "not_in", "gte", "lte", "exists"}),
    FieldType.SIZE: frozenset({"eq", "ne", "in", "not_in", "gte", "lte", "exists"}),
    FieldType.SET: frozenset({"contains", "contains_any", "exists"}),
}
OPERATORS = frozenset(op for ops in OPERATORS_BY_TYPE.values() for op in ops)

LEAF_KEYS = frozenset({"field", "op", "value", "label"})
MAX_DEPTH = 8
MAX_NODES = 200
MAX_LIST = 200
MAX_TEXT = 64
MAX_LABEL = 200
MAX_NUMBER = 10**15


class RuleError(ValueError):
    """A malformed rule; ``path`` says where (``all[2].value``), the message says what."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path or "rule"
        self.message = message
        super().__init__(f"{self.path}: {message}")


# --- Validation ---------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) <= MAX_NUMBER
    return isinstance(value, float) and math.isfinite(value) and abs(value) <= MAX_NUMBER


def _check_scalar(ftype: FieldType, value: object, path: str) -> None:
    if ftype is FieldType.NUMBER:
        if not _is_number(value):
            raise RuleError(path, "a number is expected")
    elif ftype is FieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise RuleError(path, "true or false is expected")
    elif ftype is FieldType.RATING:
        if value not in RATING_ORDER:
            raise RuleError(path, f"a rating is expected, one of {', '.join(RATING_ORDER)}")
    elif ftype is FieldType.SIZE:
        if value not in SIZE_ORDER:
            raise RuleError(path, f"a firm size is expected, one of {', '.join(SIZE_ORDER)}")
    else:  # TEXT and SET members
        if not isinstance(value, str) or not value.strip():
            raise RuleError(path, "a non-empty text is expected")
        if len(value) > MAX_TEXT:
            raise RuleError(path, f"a text of at most {MAX_TEXT} characters is expected")


def _check_list(ftype: FieldType, value: object, path: str) -> None:
    if not isinstance(value, list) or not value:
        raise RuleError(path, "a non-empty list is expected")
    if len(value) > MAX_LIST:
        raise RuleError(path, f"at most {MAX_LIST} values are allowed")
    for i, item in enumerate(value):
        _check_scalar(ftype, item, f"{path}[{i}]")


def _validate_leaf(node: Mapping[str, object], path: str) -> None:
    extra = set(node) - LEAF_KEYS
    if extra:
        raise RuleError(path, f"unknown key(s) {', '.join(sorted(map(str, extra)))}")
    name = node.get("field")
    if not isinstance(name, str) or name not in FIELDS:
        raise RuleError(
            f"{path}.field", f"unknown field {name!r}; known fields: {', '.join(sorted(FIELDS))}"
        )
    ftype = FIELDS[name]
    op = node.get("op")
    if not isinstance(op, str) or op not in OPERATORS:
        raise RuleError(f"{path}.op", f"unknown operator {op!r}")
    if op not in OPERATORS_BY_TYPE[ftype]:
        allowed = ", ".join(sorted(OPERATORS_BY_TYPE[ftype]))
        raise RuleError(f"{path}.op", f"operator {op!r} does not apply to {name}; use {allowed}")
    label = node.get("label", "")
    if not isinstance(label, str) or len(label) > MAX_LABEL:
        raise RuleError(f"{path}.label", f"a text of at most {MAX_LABEL} characters is expected")
    vpath = f"{path}.value"
    value = node.get("value")
    if op == "exists":
        if "value" in node and not isinstance(value, bool):
            raise RuleError(vpath, "exists takes no value, or true/false")
        return
    if "value" not in node:
        raise RuleError(vpath, f"operator {op!r} needs a value")
    if op in ("in", "not_in", "contains_any"):
        _check_list(FieldType.TEXT if ftype is FieldType.SET else ftype, value, vpath)
    elif op == "prefix":
        if isinstance(value, list):
            _check_list(FieldType.TEXT, value, vpath)
        else:
            _check_scalar(FieldType.TEXT, value, vpath)
    elif op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise RuleError(vpath, "between needs a list of two numbers [low, high]")
        _check_scalar(ftype, value[0], f"{vpath}[0]")
        _check_scalar(ftype, value[1], f"{vpath}[1]")
        low, high = value
        assert isinstance(low, int | float) and isinstance(high, int | float)
        if low > high:
            raise RuleError(vpath, "the low bound is above the high bound")
    elif op == "contains":
        _check_scalar(FieldType.TEXT, value, vpath)
    else:
        _check_scalar(ftype, value, vpath)


def _validate(node: object, path: str, depth: int, count: list[int]) -> None:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise RuleError(path, f"the rule has more than {MAX_NODES} nodes")
    if depth > MAX_DEPTH:
        raise RuleError(path, f"the rule is nested deeper than {MAX_DEPTH} levels")
    if not isinstance(node, dict):
        raise RuleError(path, "a condition must be a JSON object")
    combinators = [k for k in ("all", "any", "not") if k in node]
    if combinators:
        if len(node) != 1:
            raise RuleError(path, "a combinator (all, any, not) must be the object's only key")
        key = combinators[0]
        child = node[key]
        prefix = f"{path}." if path else ""
        if key == "not":
            _validate(child, f"{prefix}not", depth + 1, count)
            return
        if not isinstance(child, list):
            raise RuleError(f"{prefix}{key}", f"{key} takes a list of conditions")
        if key == "any" and not child:
            raise RuleError(f"{prefix}{key}", "any needs at least one condition")
        for i, sub in enumerate(child):
            _validate(sub, f"{prefix}{key}[{i}]", depth + 1, count)
        return
    if "field" not in node and "op" not in node:
        keys = ", ".join(sorted(map(str, node))) or "none"
        raise RuleError(
            path, f"expected all, any, not or a condition with field and op (keys: {keys})"
        )
    _validate_leaf(node, path or "rule")


def validate_rule(rule: object) -> None:
    """Raise RuleError (with the path and a clear message) unless ``rule`` is well formed."""
    _validate(rule, "", 0, [0])


def rule_errors(rule: object) -> list[str]:
    """The validation message, or an empty list for a well-formed rule."""
    try:
        validate_rule(rule)
    except RuleError as exc:
        return [str(exc)]
    return []
