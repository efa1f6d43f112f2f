"""Evaluation of an eligibility rule (``policies.engine.rules``): three-valued, compiled.

Kleene logic: a condition on a figure the profile does not have is *unknown*, not false;
see ``policies.engine.rules`` for the format and the meaning of ``all``, ``any``, ``not``.
A rule compiles once (``compile_rule``) into a closure tree that many profiles run through.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from policies.engine.rules import FIELDS, RATING_ORDER, SIZE_ORDER, FieldType, validate_rule

# --- Evaluation --------------------------------------------------------------------------


class Truth(enum.Enum):
    TRUE = "met"
    FALSE = "not_met"
    UNKNOWN = "unknown"


_T, _F, _U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


@dataclass(frozen=True)
class Profile:
    """What is known about a firm. A key missing from ``values`` is unknown; ``missing``
    says why (a refused read, no declaration …)."""

    values: Mapping[str, object]
    missing: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConditionResult:
    path: str
    field: str
    op: str
    expected: object
    actual: object
    truth: Truth
    label: str = ""
    reason: str = ""  # why the figure is unknown, if it is


@dataclass(frozen=True)
class Evaluation:
    truth: Truth
    conditions: tuple[ConditionResult, ...]

    @property
    def met(self) -> list[ConditionResult]:
        return [c for c in self.conditions if c.truth is _T]

    @property
    def not_met(self) -> list[ConditionResult]:
        return [c for c in self.conditions if c.truth is _F]

    @property
    def unknown(self) -> list[ConditionResult]:
        return [c for c in self.conditions if c.truth is _U]


def _rank(ftype: FieldType, value: object) -> int | None:
    order = RATING_ORDER if ftype is FieldType.RATING else SIZE_ORDER
    try:
        return order.index(str(value))
    except ValueError:
        return None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


_MISSING = object()
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def _as_list(value: object) -> list[object]:
    assert isinstance(value, list)  # guaranteed by validate_rule
    return value


def _as_float(value: object) -> float:
    assert isinstance(value, int | float)  # guaranteed by validate_rule
    return float(value)


def _children(node: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    children = node[key]
    assert isinstance(children, list)  # guaranteed by validate_rule
    return children


def _leaf_test(name: str, op: str, expected: object) -> Callable[[Mapping[str, object]], Truth]:
    """Compile one condition into a closure over the profile values."""
    ftype = FIELDS[name]
    if op == "exists":
        want = expected is not False

        def exists(values: Mapping[str, object]) -> Truth:
            if name not in values:
                return _U
            v = values[name]
            present = (
                v is not None and v != "" and not (isinstance(v, set | frozenset | list) and not v)
            )
            return _T if present is want else _F

        return exists

    def known(test: Callable[[object], bool]) -> Callable[[Mapping[str, object]], Truth]:
        def run(values: Mapping[str, object]) -> Truth:
            v = values.get(name, _MISSING)
            if v is _MISSING:
                return _U
            if v is None:
                return _F  # known to be absent: no value can satisfy a comparison
            return _T if test(v) else _F

        return run

    if ftype is FieldType.SET:
        wanted = frozenset({expected} if op == "contains" else _as_list(expected))
        known_key = f"{name}__known"

        def has(values: Mapping[str, object]) -> Truth:
            """True if a wanted member is held; false if every wanted member's status is
            known (``<field>__known``, when the profile gives it) and none is held."""
            if name not in values:
                return _U
            held = values[name]
            members = held if isinstance(held, set | frozenset | list | tuple) else ()
            if wanted.intersection(members):
                return _T
            known_members = values.get(known_key)
            if isinstance(known_members, set | frozenset | list | tuple):
                return _F if wanted.issubset(known_members) else _U
            return _F

        return has
    if ftype in (FieldType.RATING, FieldType.SIZE):
        if op in ("in", "not_in"):
            members = frozenset(_as_list(expected))
            inside = op == "in"
            return known(lambda v: (v in members) is inside)
        target = _rank(ftype, expected)
        assert target is not None

        def ordinal(v: object) -> bool:
            r = _rank(ftype, v)
            if r is None:
                return False
            if op == "eq":
                return r == target
            if op == "ne":
                return r != target
            return r >= target if op == "gte" else r <= target

        return known(ordinal)
    if ftype is FieldType.NUMBER:
        if op == "between":
            pair = _as_list(expected)
            low, high = _as_float(pair[0]), _as_float(pair[1])

            def between(values: Mapping[str, object]) -> Truth:
                v = values.get(name, _MISSING)
                if v is _MISSING:
                    return _U
                n = v if isinstance(v, float) else _number(v)
                if n is None:
                    return _F
                return _T if low <= n <= high else _F  # both bounds included

            return between
        compare = _COMPARE[op]
        bound = _as_float(expected)

        def numeric(values: Mapping[str, object]) -> Truth:
            v = values.get(name, _MISSING)
            if v is _MISSING:
                return _U
            n = v if isinstance(v, float) else _number(v)
            if n is None:
                return _F  # known to be absent, or not a number
            return _T if compare(n, bound) else _F

        return numeric
    if ftype is FieldType.BOOLEAN:
        return known(lambda v: (v is expected) is (op == "eq"))
    # TEXT
    if op == "prefix":
        prefixes = tuple(expected) if isinstance(expected, list) else (str(expected),)
        return known(lambda v: str(v).startswith(prefixes))
    if op in ("in", "not_in"):
        members = frozenset(_as_list(expected))
        inside = op == "in"
        return known(lambda v: (str(v) in members) is inside)
    if op == "eq":
        return known(lambda v: str(v) == expected)
    return known(lambda v: str(v) != expected)  # ne


Compiled = Callable[[Mapping[str, object]], Truth]


def _compile(node: Mapping[str, object]) -> Compiled:
    if "all" in node:
        children = tuple(_compile(c) for c in _children(node, "all"))

        def all_(values: Mapping[str, object]) -> Truth:
            result = _T
            for child in children:
                t = child(values)
                if t is _F:
                    return _F
                if t is _U:
                    result = _U
            return result

        return all_
    if "any" in node:
        children = tuple(_compile(c) for c in _children(node, "any"))

        def any_(values: Mapping[str, object]) -> Truth:
            result = _F
            for child in children:
                t = child(values)
                if t is _T:
                    return _T
                if t is _U:
                    result = _U
            return result

        return any_
    if "not" in node:
        negated = node["not"]
        assert isinstance(negated, dict)
        inner = _compile(negated)

        def not_(values: Mapping[str, object]) -> Truth:
            t = inner(values)
            return _U if t is _U else (_F if t is _T else _T)

        return not_
    return _leaf_test(str(node["field"]), str(node["op"]), node.get("value"))


@dataclass(frozen=True)
class CompiledRule:
    """A validated rule compiled to closures: the top-level conjuncts, evaluated separately
    so that a matcher can count how many fail (a near miss fails exactly one)."""

    conjuncts: tuple[Compiled, ...]

    def truth(self, values: Mapping[str, object]) -> Truth:
        result = _T
        for conjunct in self.conjuncts:
            t = conjunct(values)
            if t is _F:
                return _F
            if t is _U:
                result = _U
        return result

    def tally(self, values: Mapping[str, object]) -> tuple[int, int]:
        """(conjuncts not met, conjuncts unknown), evaluating every conjunct."""
        failed = unknown = 0
        for conjunct in self.conjuncts:
            t = conjunct(values)
            if t is _F:
                failed += 1
            elif t is _U:
                unknown += 1
        return failed, unknown


def compile_rule(rule: Mapping[str, object]) -> CompiledRule:
    """Validate and compile. A top-level ``all`` is split into its conjuncts."""
    validate_rule(rule)
    if "all" in rule:
        return CompiledRule(tuple(_compile(c) for c in _children(rule, "all")))
    return CompiledRule((_compile(rule),))


def _walk(node: Mapping[str, object], path: str) -> Iterator[tuple[str, Mapping[str, object]]]:
    prefix = f"{path}." if path else ""
    for key in ("all", "any"):
        if key in node:
            children = node[key]
            assert isinstance(children, list)
            for i, child in enumerate(children):
                yield from _walk(child, f"{prefix}{key}[{i}]")
            return
    if "not" in node:
        inner = node["not"]
        assert isinstance(inner, dict)
        yield from _walk(inner, f"{prefix}not")
        return
    yield path or "rule", node


def leaves(rule: Mapping[str, object]) -> list[tuple[str, Mapping[str, object]]]:
    """Every condition of a (valid) rule with its path, in reading order."""
    return list(_walk(rule, ""))


def evaluate(rule: Mapping[str, object], profile: Profile) -> Evaluation:
    """Evaluate a rule against a profile; explain every condition (met, not met, unknown)."""
    validate_rule(rule)
    values = profile.values
    results = []
    for path, leaf in leaves(rule):
        name, op = str(leaf["field"]), str(leaf["op"])
        truth = _leaf_test(name, op, leaf.get("value"))(values)
        results.append(
            ConditionResult(
                path=path,
                field=name,
                op=op,
                expected=leaf.get("value"),
                actual=values.get(name),
                truth=truth,
                label=str(leaf.get("label", "")),
                reason=profile.missing.get(name, "no data") if truth is _U else "",
            )
        )
    return Evaluation(truth=_compile(rule)(values), conditions=tuple(results))


def conjunction(parts: Sequence[Mapping[str, object]]) -> dict[str, object]:
    """``{"all": parts}``, flattening children that are themselves ``all``."""
    flat: list[object] = []
    for part in parts:
        if set(part) == {"all"} and isinstance(part["all"], list):
            flat.extend(part["all"])
        else:
            flat.append(dict(part))
    return {"all": flat}
