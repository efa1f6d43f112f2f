"""Uploads are checked by structure (pypdf, Pillow) and stored readable by the service only."""

import stat
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.services.services import material_upload
from tests.factories import (
    JPEG,
    PDF,
    PNG,
    Office,
    make_application,
    make_citizen,
    make_service,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def _upload(office: Office, content: bytes, name: str = "scan.pdf") -> object:
    applicant = make_citizen()
    application = make_application(make_service(office.department), applicant)
    return material_upload(
        application=application,
        user=applicant,
        requirement_code="proof",
        upload=pdf_upload(name, content),
        max_bytes=1_000_000,
        max_files=3,
    )


def _refused(office: Office, content: bytes) -> str:
    with pytest.raises(ValidationError) as exc:
        _upload(office, content)
    return " ".join(exc.value.message_dict["file"])


POLYGLOTS = {
    "pdf header then a web page": b"%PDF-1.4\n<html><script>alert(1)</script></html>\n",
    "pdf header then doctype": b"%PDF-1.7\n<!DOCTYPE html><body onload=alert(1)>",
    "real pdf with a page in a comment": PDF.replace(
        b"\n", b"\n%<html><script>alert(1)</script>\n", 1
    ),
    "pdf with svg": b"%PDF-1.4\n<svg xmlns='http://www.w3.org/2000/svg'/>",
}
BROKEN = {
    "pdf magic and garbage": b"%PDF-1.4\n" + b"\x00garbage" * 50,
    "pdf cut short": PDF[: len(PDF) // 3],
    "png magic and zeros": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    "png cut short": PNG[:40],
    "jpeg magic and zeros": b"\xff\xd8\xff\xe0" + b"\x00" * 64,
    "jpeg cut short": JPEG[:30],
}


@pytest.mark.parametrize("content", POLYGLOTS.values(), ids=POLYGLOTS.keys())
def test_a_pdf_with_a_web_page_inside_is_refused_in_the_persons_language(
    office: Office, content: bytes
) -> None:
    with translation.override("en"):
        assert "web page code" in _refused(office, content)
    with translation.override("zh-hans"):
        assert "网页代码" in _refused(office, content)


@pytest.mark.parametrize("content", BROKEN.values(), ids=BROKEN.keys())
def test_a_file_that_only_starts_right_is_refused(office: Office, content: bytes) -> None:
    with translation.override("en"):
        assert "damaged" in _refused(office, content)


def test_real_files_are_accepted_and_private(office: Office, media_root: Path) -> None:
    for content, name in [(PDF, "a.pdf"), (PNG, "b.png"), (JPEG, "c.jpg")]:
        material = _upload(office, content, name)
        path = Path(material.file.path)  # type: ignore[attr-defined]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700, name
