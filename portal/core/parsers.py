"""JSON from outside, read with a depth limit and no NUL: a 400, never a 500.

Python's ``json`` raises ``RecursionError`` (not ``ValueError``) on a few thousand nested
arrays, which DRF's ``JSONParser`` and ``json.loads`` callers do not catch; and nesting just
below the interpreter's limit would still reach serializers, JSON columns and the
canonical encoder. A ``\\u0000`` in a string is valid JSON that PostgreSQL cannot store
(text and jsonb refuse it). Every request body, uploaded file or form field that holds
JSON is read through ``loads_bounded`` (DRF's parser below for the API).
"""

import json
from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 64


class JSONTooDeep(ValueError):
    """The JSON document nests arrays or objects deeper than allowed."""


class JSONHasNul(ValueError):
    """A string of the JSON document holds U+0000, which PostgreSQL text and jsonb refuse."""


def json_depth(value: object) -> int:
    """How deep arrays and objects nest in ``value`` (iterative: no recursion limit)."""
    return _walk(value)[0]


def _walk(value: object) -> tuple[int, bool]:
    """(nesting depth, whether any key or string holds NUL), without recursion."""
    deepest, has_nul, stack = 0, False, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            has_nul = has_nul or "\x00" in node
            continue
        if isinstance(node, dict):
            children: list[object] = [*node.keys(), *node.values()]
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest, has_nul


def _too_deep() -> JSONTooDeep:
    return JSONTooDeep(
        _("The JSON nests more than %(n)s levels deep; send a flatter document.")
        % {"n": MAX_JSON_DEPTH}
    )


def _check(value: object) -> None:
    depth, has_nul = _walk(value)
    if depth > MAX_JSON_DEPTH:
        raise _too_deep()
    if has_nul:
        raise JSONHasNul(_("The JSON contains a NUL character (\\u0000); remove it."))


def loads_bounded(data: str | bytes | bytearray, **kwargs: Any) -> Any:
    """``json.loads`` that raises ``JSONTooDeep`` or ``JSONHasNul`` (both ``ValueError``)."""
    try:
        value = json.loads(data, **kwargs)
    except RecursionError:
        raise _too_deep() from None
    _check(value)
    return value


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with the depth limit: deep or malformed JSON is a 400 problem."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            value = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(str(_too_deep())) from None
        try:
            _check(value)
        except ValueError as exc:
            raise ParseError(str(exc)) from None
        return value
