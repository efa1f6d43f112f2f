"""Decision documents as PDF, drawn with ReportLab's built-in CJK font: the approval
(准予许可决定书), and the refusal to accept (不予受理通知书) or rejection (不予许可决定书), which
state the reason and the remedies (Administrative Licensing Law arts. 32, 38).

Each page carries the verification code, the address of the public check page and a QR code
(ISO/IEC 18004, drawn from ``segno``'s module matrix as vector squares) of the check address
for this code, so that anyone holding the paper can check it.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from portal.services.verification import display_code

FONT = "STSong-Light"  # an Adobe CID font every PDF reader has; nothing is embedded
LEFT = 25 * mm
TEXT_LEFT = 32 * mm
RIGHT = 25 * mm
FOOTER_TOP = 62 * mm  # the body stops above the verification block
QR_SIZE = 30 * mm


@dataclass(frozen=True)
class DecisionText:
    number: str
    service_name: str
    department_name: str
    applicant_name: str
    decided_on: str
    code: str
    # The check address for this code, and the check page's own address (both absolute).
    verify_url: str
    verify_page: str
    body: str
    title: str = "准予许可决定书"
    applicant_code: str = ""  # the firm's unified social credit code, if a firm applied
    subject: str = ""  # the licensed matter (the service), as decided
    particulars_heading: str = ""
    particulars: Sequence[str] = field(default_factory=tuple)
    legal_basis: str = ""
    reason: str = ""
    remedies: str = ""


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of ``text`` that fit ``width`` points in FONT at ``size`` (CJK breaks anywhere;
    a run of Latin letters or digits is kept whole when it fits on a line)."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        candidate = line + token
        if pdfmetrics.stringWidth(candidate, FONT, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = token
        while pdfmetrics.stringWidth(line, FONT, size) > width:  # a token longer than a line
            cut = len(line)
            while cut > 1 and pdfmetrics.stringWidth(line[:cut], FONT, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    lines.append(line)
    return lines


def _tokens(text: str) -> list[str]:
    """Single characters, except that runs of Latin letters, digits and signs stay together."""
    tokens: list[str] = []
    for ch in text:
        if tokens and _latin(ch) and _latin(tokens[-1][-1]):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def _latin(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()


def _qr(page: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code of ``data`` with its lower left corner at (x, y), ``size`` wide."""
    code = segno.make(data, error="m", micro=False)
    rows = list(code.matrix_iter(scale=1, border=4))
    module = size / len(rows)
    page.setFillColorRGB(1, 1, 1)
    page.rect(x, y, size, size, stroke=0, fill=1)
    page.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                page.rect(x + c * module, y + size - (r + 1) * module, module, module, 0, 1)


class _Writer:
    """Paragraphs down the page, continued on a new page (with the footer) when full."""

    def __init__(self, page: canvas.Canvas, text: DecisionText) -> None:
        self.page = page
        self.text = text
        self.width, self.height = A4
        self.y = self.height - 85 * mm

    def paragraph(self, content: str, *, size: float = 13, indent: float = TEXT_LEFT) -> None:
        self.page.setFont(FONT, size)
        for line in wrap(content, self.width - indent - RIGHT, size):
            self.y -= size * 0.62 * mm
            if self.y < FOOTER_TOP:
                self.new_page()
                self.page.setFont(FONT, size)
            self.page.drawString(indent, self.y, line)
        self.y -= 3 * mm

    def new_page(self) -> None:
        footer(self.page, self.text)
        self.page.showPage()
        self.y = self.height - 30 * mm


def footer(page: canvas.Canvas, text: DecisionText) -> None:
    """The verification block: code, where to check, and the QR code of the check address."""
    width, _height = A4
    _qr(page, text.verify_url, width - RIGHT - QR_SIZE, 22 * mm, QR_SIZE)
    page.setFont(FONT, 10)
    text_width = width - LEFT - RIGHT - QR_SIZE - 5 * mm
    y = 46 * mm
    page.drawString(LEFT, y, f"验证码 Verification code：{display_code(text.code)}")
    for line in wrap(f"真伪查验 Check authenticity：{text.verify_url}", text_width, 10):
        y -= 6 * mm
        page.drawString(LEFT, y, line)
    for line in wrap(
        f"扫描右侧二维码，或访问 {text.verify_page} 输入验证码，并可上传本文件核对是否与原件一致。",
        text_width,
        9,
    ):
        y -= 5.5 * mm
        page.setFont(FONT, 9)
        page.drawString(LEFT, y, line)


def decision_pdf(text: DecisionText) -> bytes:
    """A4 pages; ``invariant`` makes the same input give the same bytes."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setTitle(f"{text.title} {text.number}")
    page.setAuthor(text.department_name)
    page.setSubject(text.service_name)
    width, height = A4
    page.setFont(FONT, 20)
    page.drawCentredString(width / 2, height - 40 * mm, text.department_name)
    page.setFont(FONT, 18)
    page.drawCentredString(width / 2, height - 55 * mm, text.title)
    page.setFont(FONT, 11)
    page.drawCentredString(width / 2, height - 63 * mm, f"申请编号：{text.number}")
    writer = _Writer(page, text)
    applicant = text.applicant_name + (
        f"（统一社会信用代码：{text.applicant_code}）" if text.applicant_code else ""
    )
    writer.paragraph(f"{applicant}：", indent=LEFT)
    writer.paragraph(text.body)
    if text.subject:
        writer.paragraph(f"许可事项：{text.subject}")
    if text.particulars:
        writer.paragraph(f"{text.particulars_heading or '申请内容'}：")
        for line in text.particulars:
            writer.paragraph(line, size=12, indent=TEXT_LEFT + 6 * mm)
    if text.legal_basis:
        writer.paragraph(f"法律依据：{text.legal_basis}")
    if text.reason:
        writer.paragraph(f"理由：{text.reason}")
    if text.remedies:
        writer.paragraph(text.remedies)
    if writer.y - 20 * mm < FOOTER_TOP:
        writer.new_page()
    writer.y -= 12 * mm
    page.setFont(FONT, 13)
    page.drawRightString(width - RIGHT, writer.y, text.department_name)
    page.drawRightString(width - RIGHT, writer.y - 8 * mm, text.decided_on)
    footer(page, text)
    page.showPage()
    page.save()
    return buffer.getvalue()
