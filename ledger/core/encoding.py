"""Canonical JSON for ledger entries: RFC 8785 (JSON Canonicalization Scheme, JCS).

Only the JSON values that ledger entries use are supported: objects with string keys, arrays,
strings, integers in the I-JSON safe range, booleans and null.  Floating-point numbers are
refused: entries never carry them, and refusing them keeps the encoder exact without an
ECMAScript number formatter (RFC 8785 section 3.2.2.3).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

__all__ = [
    "MAX_SAFE_INTEGER",
    "CanonicalJSONError",
    "JSONValue",
    "canonicalize",
    "parse_canonical",
]

#: RFC 8785 section 3.2.2.3 / RFC 7493 (I-JSON) section 2.2: integers beyond 2**53 - 1 cannot be
#: represented exactly by an IEEE 754 double and so are not interoperable.
MAX_SAFE_INTEGER = 2**53 - 1

JSONValue = None | bool | int | str | list["JSONValue"] | dict[str, "JSONValue"]


class CanonicalJSONError(ValueError):
    """A value cannot be canonicalised, or bytes are not canonical JSON."""


_ESCAPES = {
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}


#: Characters that are not copied literally: controls, '"', '\\' and (refused) lone surrogates.
_SPECIAL_RE = re.compile('[\x00-\x1f"\\\\\ud800-\udfff]')


def _encode_string(value: str) -> str:
    """Serialise a string per RFC 8785 section 3.2.2.2 (ECMAScript JSON.stringify rules).

    Only U+0008, U+0009, U+000A, U+000C, U+000D, '"' and '\\' use two-character escapes; other
    characters below U+0020 use ``\\u00xx`` with lowercase hex; everything else is literal.
    A string without any of those (the usual case) is copied whole.
    """
    if _SPECIAL_RE.search(value) is None:
        return f'"{value}"'
    out = ['"']
    for ch in value:
        code = ord(ch)
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            raise CanonicalJSONError("string contains a lone surrogate (not valid I-JSON)")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _utf16_key(key: str) -> bytes:
    """Sort key for object members: UTF-16 code units (RFC 8785 section 3.2.3)."""
    return key.encode("utf-16-be", errors="surrogatepass")


def _encode(value: object, out: list[str], depth: int) -> None:
    if depth > 64:
        raise CanonicalJSONError("value nested deeper than 64 levels")
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalJSONError(f"integer {value} is outside the I-JSON range ±(2**53 - 1)")
        # RFC 8785 section 3.2.2.3: integral numbers serialise as plain decimal digits.
        out.append(str(int(value)))
    elif isinstance(value, float):
        raise CanonicalJSONError("floating-point numbers are not allowed in ledger JSON")
    elif isinstance(value, str):
        out.append(_encode_string(value))
    elif isinstance(value, Mapping):
        items: list[tuple[str, object]] = []
        for key, member in value.items():
            if not isinstance(key, str):
                raise CanonicalJSONError(f"object key {key!r} is not a string")
            items.append((key, member))
        items.sort(key=lambda kv: _utf16_key(kv[0]))
        out.append("{")
        for i, (key, member) in enumerate(items):
            if i:
                out.append(",")
            out.append(_encode_string(key))
            out.append(":")
            _encode(member, out, depth + 1)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for i, member in enumerate(value):
            if i:
                out.append(",")
            _encode(member, out, depth + 1)
        out.append("]")
    else:
        raise CanonicalJSONError(f"cannot encode value of type {type(value).__name__}")


def canonicalize(value: object) -> bytes:
    """Return the RFC 8785 canonical UTF-8 serialisation of ``value``.

    Implements RFC 8785 section 3.2: no insignificant whitespace, members sorted by the UTF-16
    code units of their names (section 3.2.3), strings escaped as in section 3.2.2.2, integers
    as in section 3.2.2.3.  Raises :class:`CanonicalJSONError` for floats, integers outside
    ±(2**53 - 1), non-string keys, lone surrogates and unsupported types.
    """
    out: list[str] = []
    _encode(value, out, 0)
    return "".join(out).encode("utf-8")


def _reject_duplicates(pairs: list[tuple[str, JSONValue]]) -> dict[str, JSONValue]:
    result: dict[str, JSONValue] = {}
    for key, member in pairs:
        if key in result:
            raise CanonicalJSONError(f"duplicate object member {key!r}")
        result[key] = member
    return result


def _reject_float(text: str) -> JSONValue:
    raise CanonicalJSONError(f"floating-point number {text} is not allowed in ledger JSON")


def _reject_constant(text: str) -> JSONValue:
    raise CanonicalJSONError(f"{text} is not valid JSON")


def parse_canonical(data: bytes) -> JSONValue:
    """Parse ``data`` and require that it is already in RFC 8785 canonical form.

    The value is parsed strictly (UTF-8, no duplicate members, no floats, no NaN/Infinity) and
    re-serialised with :func:`canonicalize`; the bytes must be identical (RFC 8785 section 3.2),
    so one value has exactly one accepted byte string.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CanonicalJSONError(f"not valid UTF-8: {exc.reason}") from None
    try:
        value: JSONValue = json.loads(
            text,
            object_pairs_hook=_reject_duplicates,
            parse_float=_reject_float,
            parse_constant=_reject_constant,
        )
    except json.JSONDecodeError as exc:
        raise CanonicalJSONError(f"not valid JSON: {exc.msg} at offset {exc.pos}") from None
    except RecursionError:
        raise CanonicalJSONError("JSON nested too deeply") from None
    if canonicalize(value) != data:
        raise CanonicalJSONError("JSON is not in RFC 8785 canonical form")
    return value
