"""The public check of a decision document: by its code (typed any way people type it), and
of the file itself, whose SHA-256 the page compares with the one kept at issue.

No personal data is shown: the kind of document, its number, service, department, date and,
for a firm, the firm's name (a firm's licence is public information).
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from portal.services import selectors
from portal.services.models import DecisionDocument
from portal.services.verification import (
    MAX_FILE_BYTES,
    code_is_valid,
    code_normalise,
    display_code,
    file_sha256,
    fingerprint_matches,
)


class DocumentFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The PDF file you hold"),
        help_text=gettext_lazy("It is not kept: only its fingerprint is compared."),
        error_messages={"required": gettext_lazy("Choose the PDF file to check.")},
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("This file is larger than any decision document (at most 10 MB).")
            )
        return upload


def _render(
    request: HttpRequest,
    *,
    code: str,
    document: DecisionDocument | None,
    form: DocumentFileForm | None = None,
    matches: bool | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "services/verify.html",
        {
            "code": code,
            "display_code": display_code(code) if code_is_valid(code) else code,
            "document": document,
            "form": form or (DocumentFileForm() if document is not None else None),
            "matches": matches,
        },
        status=status,
    )


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The check page: type the code (any case, with spaces or hyphens)."""
    typed = request.GET.get("code", "")
    code = code_normalise(typed)
    if not code:
        return _render(request, code="", document=None)
    if not code_is_valid(code):
        # Not a code the portal issues (letters and digits): say so, as a 400.
        return _render(request, code=typed.strip()[:64], document=None, status=400)
    return redirect("services:verify", code=code)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone can check that a decision document is authentic, and that a file is it."""
    normal = code_normalise(code)
    if normal != code and code_is_valid(normal):
        return redirect("services:verify", code=normal)
    document = selectors.decision_get_by_code(code=code) if code_is_valid(code) else None
    if document is None:
        return _render(request, code=code[:64], document=None, status=404)
    if request.method != "POST":
        return _render(request, code=code, document=document)
    form = DocumentFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, code=code, document=document, form=form, status=400)
    received = file_sha256(form.cleaned_data["file"].chunks())
    return _render(
        request,
        code=code,
        document=document,
        form=DocumentFileForm(),
        matches=fingerprint_matches(issued=document.sha256, received=received),
    )
