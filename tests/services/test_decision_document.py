"""The decision PDF says what was decided, on which legal basis and why; it carries the
absolute check address and a QR code of it; the check page takes the code however it is
typed and checks the file itself; and it is linked from the decision page and the footer."""

import io
import re

import pypdf
import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portal.services.constants import Action, ApplicationStatus
from portal.services.documents import QR_SIZE
from portal.services.models import Application, DecisionDocument
from portal.services.services import application_transition, service_item_upsert
from portal.services.verification import code_normalise, display_code
from tests.factories import SCHEMA, Office, make_application, make_citizen

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.cn"
BASIS = "《中华人民共和国食品安全法》第三十五条"


@pytest.fixture(autouse=True)
def site(settings) -> None:
    settings.PORTAL_SITE_URL = SITE


def _application(office: Office) -> Application:
    service = service_item_upsert(
        department=office.department,
        code=f"{office.department.code}-food",
        name="食品经营许可证核发",
        legal_days=20,
        promised_days=10,
        form_schema=SCHEMA,
        legal_basis=BASIS,
    )
    application = make_application(service, make_citizen(), status=ApplicationStatus.UNDER_REVIEW)
    data = {
        "applicant_name": "张三",
        "phone": "13912345678",
        "started_on": "2026-03-02",
        "headcount": 3,
        "kind": "a",
        "agree": True,
    }
    Application.objects.filter(pk=application.pk).update(data=data)
    application.refresh_from_db()
    return application


def _decide(office: Office, action: Action, reason: str = "") -> DecisionDocument:
    application = _application(office)
    user = office.approver if action != Action.REFUSE else office.clerk
    if action == Action.REFUSE:
        Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED)
        application.refresh_from_db()
    application_transition(application=application, action=action, user=user, reason=reason)
    return DecisionDocument.objects.get(application=application)


def _text(document: DecisionDocument) -> str:
    with document.file.open("rb") as f:
        reader = pypdf.PdfReader(io.BytesIO(f.read()))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def _qr_matrix(document: DecisionDocument) -> list[list[bool]]:
    """The dark modules drawn in the QR area of the last page, as a grid."""
    with document.file.open("rb") as f:
        page = pypdf.PdfReader(io.BytesIO(f.read())).pages[-1]
    stream = page.get_contents()
    assert stream is not None
    ops = re.findall(rb"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re", stream.get_data())
    rects = [tuple(float(v) for v in op) for op in ops]
    background = [r for r in rects if abs(r[2] - QR_SIZE) < 0.01]
    assert len(background) == 1, "one QR code, drawn on a white square"
    x0, y0, size, _h = background[0]
    modules = [r for r in rects if r[2] < size / 10]
    step = modules[0][2]
    n = round(size / step)
    grid = [[False] * n for _ in range(n)]
    for x, y, _w, _h in modules:
        grid[n - 1 - round((y - y0) / step)][round((x - x0) / step)] = True
    return grid


def test_an_approval_names_what_was_licensed_and_the_legal_basis(office: Office) -> None:
    document = _decide(office, Action.APPROVE)
    text = _text(document)
    assert "准予许可决定书" in text and "决定准予许可" in text
    assert "许可事项：食品经营许可证核发" in text
    assert "开始日期：2026-03-02" in text and "人数：3" in text and "类别：甲" in text
    assert "13912345678" not in text, "contact details are not part of the decision"
    assert BASIS in text and "《中华人民共和国行政许可法》第三十八条第一款" in text
    assert display_code(document.code) in text
    check = f"{SITE}/services/verify/{document.code}"
    assert check in text, "the check address is absolute (PORTAL_SITE_URL)"
    assert f"{SITE}/services/verify/" in text


def test_the_qr_code_encodes_the_check_address(office: Office) -> None:
    document = _decide(office, Action.APPROVE)
    expected = segno.make(f"{SITE}/services/verify/{document.code}", error="m", micro=False)
    want = [[bool(m) for m in row] for row in expected.matrix_iter(scale=1, border=4)]
    assert _qr_matrix(document) == want


def test_a_rejection_states_the_reason_the_basis_and_the_remedies(office: Office) -> None:
    document = _decide(office, Action.REJECT, reason="经营场所面积不足 10 平方米")
    text = _text(document)
    assert "不予许可决定书" in text and "决定不予许可" in text
    assert "理由：经营场所面积不足 10 平方米" in text
    assert "第三十八条第二款" in text and BASIS in text
    assert "行政复议" in text and "行政诉讼" in text and "日前" in text


def test_a_refusal_to_accept_cites_article_32(office: Office) -> None:
    document = _decide(office, Action.REFUSE, reason="不属于本机关职权范围")
    text = _text(document)
    assert "不予受理通知书" in text and "第三十二条第一款" in text
    assert "理由：不属于本机关职权范围" in text


@pytest.mark.parametrize(
    "typed",
    ["{code}", "{lower}", "  {grouped}  ", "{grouped_lower}", "{spaced}", "{fullwidth}"],
)
def test_the_code_is_accepted_however_it_is_typed(
    client: Client, office: Office, typed: str
) -> None:
    document = _decide(office, Action.APPROVE)
    code = document.code
    grouped = display_code(code)
    variants = {
        "code": code,
        "lower": code.lower(),
        "grouped": grouped,
        "grouped_lower": grouped.lower(),
        "spaced": " ".join(grouped.split("-")),
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in code.lower()),
    }
    response = client.get(reverse("services:verify_lookup"), {"code": typed.format(**variants)})
    assert response.status_code == 302
    assert response["Location"] == reverse("services:verify", args=[code])
    # A link or a typed address in lower case or with hyphens goes to the same page.
    response = client.get(reverse("services:verify", args=[grouped.lower()]))
    assert response["Location"] == reverse("services:verify", args=[code])
    assert client.get(response["Location"]).status_code == 200


def test_normalising_keeps_only_letters_and_digits() -> None:
    assert code_normalise(" ab12-CD34 ef56－gh78 ") == "AB12CD34EF56GH78"
    assert code_normalise("") == ""


def test_a_code_with_other_characters_is_a_clear_400(client: Client) -> None:
    response = client.get(reverse("services:verify_lookup"), {"code": "<script>"})
    assert response.status_code == 400
    assert "没有以该验证码出具的文书" in response.content.decode()


def test_the_page_checks_the_file_itself(client: Client, office: Office) -> None:
    document = _decide(office, Action.APPROVE)
    url = reverse("services:verify", args=[document.code])
    with document.file.open("rb") as f:
        original = f.read()
    same = client.post(url, {"file": SimpleUploadedFile("d.pdf", original, "application/pdf")})
    assert same.status_code == 200 and same.context["matches"] is True
    assert "正是" in same.content.decode()
    changed = original + b"\n% one line added after issue\n"
    other = client.post(url, {"file": SimpleUploadedFile("d.pdf", changed, "application/pdf")})
    assert other.status_code == 200 and other.context["matches"] is False
    assert "不是以此验证码出具的文书" in other.content.decode()
    missing = client.post(url, {})
    assert missing.status_code == 400 and "请选择要核对的 PDF 文件" in missing.content.decode()
    assert not DecisionDocument.objects.exclude(pk=document.pk).exists()


def test_the_check_page_is_linked_from_the_decision_page_and_the_footer(
    client: Client, office: Office
) -> None:
    document = _decide(office, Action.REJECT, reason="不符合条件")
    client.force_login(document.application.applicant)
    page = client.get(document.application.get_absolute_url()).content.decode()
    assert reverse("services:verify", args=[document.code]) in page
    assert display_code(document.code) in page
    home = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("services:verify_lookup")}"' in home
