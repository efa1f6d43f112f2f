"""Structured logs: one JSON object per line, with the request id, and no personal data."""

import json
import logging
import re
import time

from portal.core.request_context import request_id_var

# Digits and letters, ASCII or full-width (ＡＢＣ, ０１２): people type both.
_DIGIT = "[0-9\uff10-\uff19]"
_ALNUM = "[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
# An 18-character resident identity number (17 digits and a digit or X/x) or unified
# social credit code (GB 32100: 2 characters, a 6-digit region code, 10 characters).
_IDENTITY_RE = re.compile(
    rf"(?<!{_ALNUM})({_ALNUM}{{2}}{_DIGIT}{{2}}){_DIGIT}{{4}}{_ALNUM}{{6}}({_ALNUM}{{4}})(?!{_ALNUM})"
)
# A mainland mobile number, with or without +86 / 0086 in front, as 138 1234 5678 too.
_PHONE_RE = re.compile(
    rf"(?<!{_DIGIT})((?:(?:[+\uff0b]|[0\uff10]{{2}})?[8\uff18][6\uff16][ -]?)?"
    rf"[1\uff11][3-9\uff13-\uff19]{_DIGIT})"
    rf"[ -]?{_DIGIT}{{4}}[ -]?({_DIGIT}{{4}})(?!{_DIGIT})"
)


def mask_identity_numbers(text: str) -> str:
    """Mask identity numbers, credit codes and mobile numbers (first and last four kept)."""
    return _PHONE_RE.sub(r"\1****\2", _IDENTITY_RE.sub(r"\1**********\2", text))


class MaskIdentityNumbersFilter(logging.Filter):
    """Mask identity numbers, credit codes and phone numbers before a record is written.

    The message and the traceback both: handlers with a plain formatter print
    ``exc_text``, which is formatted (and masked) here once.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_identity_numbers(message)
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_identity_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_identity_numbers(record.stack_info)
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "request_id", "message"[, "exc"]}`` per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info or record.exc_text:
            text = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
            entry["exc"] = mask_identity_numbers(text)
        return json.dumps(entry, ensure_ascii=False)
