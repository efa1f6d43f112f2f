"""Decision documents: drawn as a PDF with a verification code when a case is decided."""

import datetime as dt
import hashlib
import secrets

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from portal.core.site import absolute_url
from portal.services.constants import DECISION_TITLES, Action, DecisionKind
from portal.services.decision_text import (
    decision_body,
    decision_particulars,
    legal_basis_text,
    particulars_heading,
    particulars_lines,
    remedies_text,
)
from portal.services.documents import DecisionText, decision_pdf
from portal.services.models import Application, DecisionDocument

DOCUMENT_KINDS = {
    Action.APPROVE: DecisionKind.APPROVAL,
    Action.REFUSE: DecisionKind.REFUSAL,
    Action.REJECT: DecisionKind.REJECTION,
}


def _decision_issue(
    *, application: Application, at: dt.datetime, kind: DecisionKind, reason: str
) -> DecisionDocument:
    """Draw and keep the decision document, with its code and the SHA-256 of its bytes."""
    code = secrets.token_hex(8).upper()
    firm = application.firm
    applicant = firm.name if firm else str(application.applicant)
    decided_on = timezone.localdate(at)
    pdf = decision_pdf(
        DecisionText(
            number=application.number,
            service_name=application.service.name,
            department_name=application.department.name,
            applicant_name=applicant,
            applicant_code=firm.uscc if firm else "",
            decided_on=f"{decided_on:%Y年%m月%d日}",
            code=code,
            verify_url=absolute_url(reverse("services:verify", kwargs={"code": code})),
            verify_page=absolute_url(reverse("services:verify_lookup")),
            title=DECISION_TITLES[kind],
            body=decision_body(application, kind),
            subject=application.service.name,
            particulars_heading=particulars_heading(kind),
            particulars=particulars_lines(decision_particulars(application)),
            legal_basis=legal_basis_text(application, kind),
            reason=reason if kind != DecisionKind.APPROVAL else "",
            remedies=remedies_text(kind, decided_on),
        )
    )
    document = DecisionDocument(
        application=application,
        kind=kind,
        code=code,
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_at=at,
    )
    document.file.save(f"{application.number}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document
