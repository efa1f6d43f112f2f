import logging
import re

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
