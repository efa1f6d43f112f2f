"""Checking a decision document: its verification code as people type it, and the file.

Codes are issued as 16 upper-case hexadecimal characters and printed in groups of four
(``3F2A-9C01-…``). People type them in lower case, with spaces or hyphens, or copy them with
full-width characters: all of that is accepted (``code_normalise``). A file is checked by
its SHA-256 (FIPS 180-4) against the fingerprint kept when the document was issued, so
nobody needs ``sha256sum`` to know whether they hold the document the department issued.
"""

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable

CODE_RE = re.compile(r"[0-9A-Z]{1,32}")
# Spaces and dashes of every kind people type or copy between the groups of a code.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−﹣－_·.]+")
MAX_FILE_BYTES = 10 * 1024 * 1024


def code_normalise(text: str) -> str:
    """The code as issued: width-folded (NFKC), separators removed, upper case.

    Returns "" when nothing is left; the caller checks ``CODE_RE`` for anything else.
    """
    folded = unicodedata.normalize("NFKC", text)
    return _SEPARATORS.sub("", folded).upper()


def code_is_valid(code: str) -> bool:
    return bool(CODE_RE.fullmatch(code))


def display_code(code: str) -> str:
    """The code in groups of four, as printed on the document and shown on pages."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def file_sha256(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def fingerprint_matches(*, issued: str, received: str) -> bool:
    """Whether a file's SHA-256 is the issued document's (compared in constant time)."""
    return hmac.compare_digest(issued.lower(), received.lower())
