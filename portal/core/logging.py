"""Structured logs: one JSON object per line, with the request id, and no personal data."""

import json
import logging
import re
import time

from portal.core.request_context import request_id_var

# An 18-character resident identity number or unified social credit code.
_IDENTITY_RE = re.compile(r"(?<![0-9A-Z])([0-9A-Z]{4})[0-9A-Z]{10}([0-9A-Z]{4})(?![0-9A-Z])")


def mask_identity_numbers(text: str) -> str:
    return _IDENTITY_RE.sub(r"\1**********\2", text)


class MaskIdentityNumbersFilter(logging.Filter):
    """Mask anything shaped like an 18-character identity number before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_identity_numbers(message)
        if masked != message:
            record.msg = masked
            record.args = None
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
        if record.exc_info:
            entry["exc"] = mask_identity_numbers(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
