"""Form building blocks shared by every page: text with a stated limit, plain-text checks.

All validation is done on the server, in the person's language. A ``maxlength`` attribute
would make the browser cut pasted text silently at the limit, so ``LimitedTextField`` states
the limit in its help text and refuses a longer text with a message that says by how much.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.widgets import Widget
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

# A tag, comment, or character reference: what makes text HTML rather than plain text.
_MARKUP_RE = re.compile(r"<\s*[A-Za-z/!?]|&#?[A-Za-z0-9]+;")


def no_markup(value: str) -> None:
    """Refuse HTML in free text (it is shown, printed and e-mailed as plain text)."""
    if _MARKUP_RE.search(value):
        raise ValidationError(
            _("Use plain text: HTML tags and character codes are not allowed."), code="markup"
        )


def no_angle_brackets(value: str) -> None:
    """Names and other one-line values: no ``<`` or ``>`` at all."""
    if "<" in value or ">" in value:
        raise ValidationError(
            _("Use plain text: the characters < and > are not allowed here."), code="markup"
        )


def _limit_help(limit: int, extra: StrOrPromise = "") -> str:
    stated = _("At most %(limit)d characters.") % {"limit": limit}
    return f"{extra} {stated}" if extra else stated


# The help text that states a text's limit (after the field's own help), in the language of
# the page that shows it: forms are declared once at import, before any page's language.
limit_help = lazy(_limit_help, str)


class LimitedTextField(forms.CharField):
    """Text with a limit that is shown and enforced by the server, never by the browser.

    No ``maxlength`` attribute is rendered: the browser would drop what is pasted beyond it
    without a word. A longer text comes back with its count, so nothing is lost unseen.
    ``multiline`` gives a text area (where HTML tags are refused) instead of one line
    (where ``<`` and ``>`` are refused).
    """

    def __init__(
        self,
        *,
        limit: int,
        multiline: bool = False,
        rows: int = 4,
        label: StrOrPromise | None = None,
        required: bool = True,
        help_text: StrOrPromise = "",
        state_limit: bool | None = None,
        required_message: StrOrPromise | None = None,
    ) -> None:
        self.limit = limit
        widget: Widget = forms.Textarea(attrs={"rows": rows}) if multiline else forms.TextInput()
        show = multiline if state_limit is None else state_limit
        super().__init__(
            widget=widget,
            label=label,
            required=required,
            help_text=limit_help(limit, help_text) if show else help_text,
        )
        self.validators.append(no_markup if multiline else no_angle_brackets)
        if required_message is not None:
            self.error_messages["required"] = required_message

    def widget_attrs(self, widget: Widget) -> dict[str, str]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and len(value) > self.limit:
            raise ValidationError(
                _("At most %(limit)d characters; this text has %(n)d, %(over)d too many.")
                % {"limit": self.limit, "n": len(value), "over": len(value) - self.limit},
                code="max_length",
            )


def post_data(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to: on every POST, even an empty one.

    ``request.POST or None`` leaves a form unbound when a POST arrives empty, so the person
    sees the blank form again with no error saying what is missing.
    """
    return request.POST if request.method == "POST" else None


def post_files(request: HttpRequest) -> MultiValueDict[str, UploadedFile] | None:
    """The uploaded files to bind a form to, on every POST (see :func:`post_data`)."""
    return request.FILES if request.method == "POST" else None
