"""Uploaded materials are checked by structure, not only by their first bytes.

A file that starts with ``%PDF-`` and goes on as a web page passed the magic-byte check;
so a PDF must open with ``pypdf`` and have readable pages, and an image must pass
Pillow's ``verify()`` and decode, in the format its first bytes claim. Markup at the start
of any file (a browser could sniff it as HTML) is refused too. Both libraries are the
maintained ones for the job; nothing here parses a format by hand.
"""

import re
import warnings
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_PDF_PAGES = 500
# Decoded size limit of an image (pixels): larger is refused, not decoded.
MAX_IMAGE_PIXELS = 50_000_000
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)", re.I)
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


def upload_structure_error(*, file: IO[bytes], content_type: str) -> str | None:
    """Why ``file`` is not a well-formed file of ``content_type``, or ``None`` if it is."""
    file.seek(0)
    head = file.read(4096)
    file.seek(0)
    if _MARKUP.search(head):
        return _("The file contains web page code; upload the document itself (PDF, JPEG or PNG).")
    try:
        if content_type == "application/pdf":
            return _pdf_error(file)
        return _image_error(file, _PIL_FORMATS[content_type])
    finally:
        file.seek(0)


def _pdf_error(file: IO[bytes]) -> str | None:
    broken = _("The PDF is damaged or not a real PDF; export or scan it again and upload it.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(file, strict=False)
            if reader.is_encrypted:
                return _("The PDF is password-protected; upload it without a password.")
            count = len(reader.pages)
            if count == 0:
                return broken
            if count > MAX_PDF_PAGES:
                return _("The PDF has more than %(n)d pages; upload only the pages needed.") % {
                    "n": MAX_PDF_PAGES
                }
            for page in reader.pages:  # each page object must resolve
                if page.mediabox is None:
                    return broken
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return broken
    return None


def _image_error(file: IO[bytes], expected: str) -> str | None:
    broken = _("The image is damaged or not a real JPEG or PNG; save it again and upload it.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format != expected:
                    return broken
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return _("The image is too large to process; scan it at a lower resolution.")
                image.verify()
            file.seek(0)
            with Image.open(file) as image:
                image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
        SyntaxError,
    ):
        return broken
    return None
