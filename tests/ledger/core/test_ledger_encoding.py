"""RFC 8785 canonical JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.encoding import CanonicalJSONError, canonicalize, parse_canonical


def test_rfc8785_sorting_example():
    """RFC 8785 section 3.2.3: members sort by UTF-16 code units (emoji before U+FB33)."""
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    expected = (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
    assert canonicalize(value) == expected.encode("utf-8")


def test_rfc8785_string_and_literal_example():
    """RFC 8785 section 3.2.4 (without its floats): escapes and literals."""
    value = {
        "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
        "literals": [None, True, False],
    }
    expected = '{"literals":[null,true,false],"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    assert canonicalize(value) == expected.encode("utf-8")


def test_escapes_only_what_ecmascript_escapes():
    """Only \\b \\f \\n \\r \\t \\" \\\\ and \\u00xx for other controls; the rest is literal."""
    assert canonicalize("\b\f\n\r\t\x00\x1f\x7f\u2028é") == (
        '"\\b\\f\\n\\r\\t\\u0000\\u001f\x7f\u2028é"'.encode()
    )


def test_refuses_floats_big_ints_and_odd_types():
    """Floats, ints beyond 2**53-1, non-str keys, bytes and lone surrogates are refused."""
    for bad in (1.5, 1.0, 2**53, -(2**53), {1: "x"}, b"x", "\ud800", object()):
        with pytest.raises(CanonicalJSONError):
            canonicalize(bad)
    assert (
        canonicalize([2**53 - 1, -(2**53 - 1), 0, -0])
        == b"[9007199254740991,-9007199254740991,0,0]"
    )


def test_parse_canonical_requires_canonical_bytes():
    """Only the one canonical byte string of a value is accepted."""
    assert parse_canonical(b'{"a":1,"b":[true,null]}') == {"a": 1, "b": [True, None]}
    for bad in (
        b'{"b":1,"a":2}',
        b'{"a": 1}',
        b'{"a":1,"a":1}',
        b'{"a":1.0}',
        b'{"a":NaN}',
        b'"\\u00e9"',
        b"\xff",
        b"[",
    ):
        with pytest.raises(CanonicalJSONError):
            parse_canonical(bad)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53 - 1), 2**53 - 1)
    | st.text(alphabet=st.characters(exclude_categories=["Cs"])),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(exclude_categories=["Cs"])), children, max_size=4
        )
    ),
    max_leaves=20,
)


@given(json_values)
def test_round_trip(value):
    """canonicalize then parse_canonical returns the value; output is stable."""
    data = canonicalize(value)
    assert parse_canonical(data) == value
    assert canonicalize(parse_canonical(data)) == data


@given(st.text())
def test_strings_are_escaped_as_ecmascript_json_stringify(value: str) -> None:
    """Whether copied whole or escaped per character, a string is what JSON.stringify makes
    (which Python's json.dumps without ASCII escaping also makes, lowercase hex included)."""
    assert canonicalize(value).decode() == json.dumps(value, ensure_ascii=False)
