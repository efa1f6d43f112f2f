"""Decision documents as PDF, drawn with ReportLab's built-in CJK font: the approval
(准予许可决定书), and the refusal to accept (不予受理通知书) or rejection (不予许可决定书), which
state the reason and the remedies (Administrative Licensing Law art. 38)."""

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from portal.core.text import application_for

FONT = "STSong-Light"  # an Adobe CID font every PDF reader has; nothing is embedded


@dataclass(frozen=True)
class DecisionText:
    number: str
    service_name: str
    department_name: str
    applicant_name: str
    decided_on: str
    code: str
    verify_path: str
    title: str = "准予许可决定书"
    # The decision in words; the approval's standard text when empty.
    body: str = ""
    reason: str = ""
    remedies: str = ""


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def decision_pdf(text: DecisionText) -> bytes:
    """One A4 page; ``invariant`` makes the same input give the same bytes."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setTitle(f"{text.service_name} {text.number}")
    page.setAuthor(text.department_name)
    width, height = A4
    page.setFont(FONT, 20)
    page.drawCentredString(width / 2, height - 40 * mm, text.department_name)
    page.setFont(FONT, 18)
    page.drawCentredString(width / 2, height - 55 * mm, text.title)
    page.setFont(FONT, 11)
    page.drawCentredString(width / 2, height - 63 * mm, f"申请编号：{text.number}")
    y = height - 85 * mm
    page.setFont(FONT, 13)
    page.drawString(25 * mm, y, f"{text.applicant_name}：")
    body = text.body or (
        f"你（单位）提出的{application_for(text.service_name)}（申请编号 {text.number}），"
        f"经审查，符合法定条件和标准，根据有关规定，决定准予许可。"
    )
    paragraphs = [body]
    if text.reason:
        paragraphs.append(f"理由：{text.reason}")
    if text.remedies:
        paragraphs.append(text.remedies)
    for paragraph in paragraphs:
        for line in _wrap(paragraph, 34):
            y -= 9 * mm
            if y < 50 * mm:  # a long reason continues on the next page
                page.showPage()
                page.setFont(FONT, 13)
                y = height - 30 * mm
            page.drawString(32 * mm, y, line)
        y -= 3 * mm
    y -= 25 * mm
    page.drawRightString(width - 25 * mm, y, text.department_name)
    y -= 8 * mm
    page.drawRightString(width - 25 * mm, y, text.decided_on)
    page.setFont(FONT, 10)
    page.drawString(25 * mm, 35 * mm, f"验证码 Verification code：{text.code}")
    page.drawString(25 * mm, 28 * mm, f"真伪查验 Check authenticity：{text.verify_path}")
    page.showPage()
    page.save()
    return buffer.getvalue()
