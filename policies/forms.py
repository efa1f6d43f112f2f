import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from policies.constants import BenefitBase, BenefitKind, FirmSize, Topic
from policies.engine import codes
from policies.engine.profile import DECLARABLE_CERTIFICATES
from policies.models import Policy


def _english() -> bool:
    return (get_language() or "").startswith("en")


class SearchForm(forms.Form):
    """Policy search. Region and industry are chosen from their code lists (GB/T 2260,
    GB/T 4754-2017); a code typed into the address is checked against the same lists."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=6,
        help_text=_("Policies of the region and of the areas above it (city, province, country)"),
        widget=forms.Select,
    )
    industry = forms.CharField(
        label=_("Industry (GB/T 4754)"),
        required=False,
        max_length=4,
        help_text=_("A section, or a division within it"),
        widget=forms.Select,
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("Any topic")), *Topic.choices]
    )
    size = forms.ChoiceField(
        label=_("Firm size"), required=False, choices=[("", _("Any size")), *FirmSize.choices]
    )
    open_now = forms.BooleanField(label=_("Open for applications now"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        english = _english()
        region = self.fields["region"].widget
        industry = self.fields["industry"].widget
        assert isinstance(region, forms.Select) and isinstance(industry, forms.Select)
        region.choices = [("", _("Any region")), *codes.region_choices(english=english)]
        industry.choices = [("", _("Any industry")), *codes.industry_choices(english=english)]

    def clean_region(self) -> str:
        region = str(self.cleaned_data.get("region") or "").strip()
        if region and region not in codes.REGION_CODES:
            raise forms.ValidationError(
                _("“%(code)s” is not a region in the list; choose one from the list.")
                % {"code": region},
                code="invalid_choice",
            )
        return region

    def clean_industry(self) -> str:
        industry = str(self.cleaned_data.get("industry") or "").strip().upper()
        if industry and not codes.is_industry_code(industry):
            raise forms.ValidationError(
                _(
                    "“%(code)s” is not a GB/T 4754 section or industry code; "
                    "choose one from the list."
                )
                % {"code": industry},
                code="invalid_choice",
            )
        return industry


class PolicyForm(forms.Form):
    """The back-office form; validation of the record is the service's (``policy_clean``)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=300, required=False)
    document_number = forms.CharField(label=_("Document number (文号)"), max_length=100)
    region = forms.CharField(label=_("Region code"), max_length=12, initial="330100")
    published_on = forms.DateField(label=_("Publication date"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False)
    window_opens = forms.DateField(label=_("Applications open"), required=False)
    window_closes = forms.DateField(label=_("Applications close"), required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    summary_en = forms.CharField(
        label=_("English summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    full_text = forms.CharField(
        label=_("Full text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    full_text_en = forms.CharField(
        label=_("English full text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        required=False,
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    industries = forms.CharField(
        label=_("Industries"),
        required=False,
        help_text=_("GB/T 4754 section letters or code prefixes, separated by ;  (empty: all)"),
    )
    firm_sizes = forms.MultipleChoiceField(
        label=_("Firm sizes"),
        required=False,
        choices=FirmSize.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    materials = forms.CharField(
        label=_("Required materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line; name@dataset for a material fetched from the exchange"),
    )
    benefit_kind = forms.ChoiceField(label=_("Benefit"), choices=BenefitKind.choices)
    benefit_amount = forms.DecimalField(label=_("Fixed amount (10 000 yuan)"), required=False)
    benefit_rate = forms.DecimalField(label=_("Share (0.10 = 10%)"), required=False)
    benefit_base = forms.ChoiceField(
        label=_("Share of"), required=False, choices=[("", "—"), *BenefitBase.choices]
    )
    benefit_cap = forms.DecimalField(label=_("Cap (10 000 yuan)"), required=False)
    benefit_note = forms.CharField(label=_("Benefit in words"), required=False, max_length=300)
    benefit_note_en = forms.CharField(
        label=_("Benefit in English words"), required=False, max_length=300
    )
    eligibility = forms.CharField(
        label=_("Eligibility rule (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=_(
            'For example {"all": [{"field": "headcount", "op": "gte", "value": 10}]}. '
            "Fields, operators and combinators are described in docs/api.md."
        ),
    )
    grant_without_applying = forms.BooleanField(
        label=_("Grant without applying (免申即享)"), required=False
    )
    promised_days = forms.IntegerField(label=_("Promised days to decision"), initial=20)
    service_code = forms.CharField(label=_("Service in the catalogue"), required=False)
    note = forms.CharField(label=_("What changes and why"), required=False, max_length=300)

    @classmethod
    def initial_for(cls, policy: Policy) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(policy, name) for name in cls.base_fields if hasattr(policy, name)
        }
        initial["industries"] = ";".join(policy.industries)
        initial["materials"] = "\n".join(
            f"{m['name']}@{m['dataset']}" if m.get("dataset") else m["name"]
            for m in policy.materials
        )
        initial["eligibility"] = json.dumps(policy.eligibility, ensure_ascii=False, indent=2)
        return initial

    def record(self) -> dict[str, object]:
        data: dict[str, object] = dict(self.cleaned_data)
        data.pop("note", None)
        data["materials"] = [
            line.strip() for line in str(data.get("materials") or "").splitlines() if line.strip()
        ]
        return data


class DeclarationForm(forms.Form):
    headcount = forms.DecimalField(label=_("Employees"), required=False, min_value=0)
    revenue = forms.DecimalField(
        label=_("Revenue last year (10 000 yuan)"), required=False, min_value=0
    )
    rd_expense = forms.DecimalField(
        label=_("R&D expense last year (10 000 yuan)"), required=False, min_value=0
    )
    tax_paid = forms.DecimalField(
        label=_("Tax paid last year (10 000 yuan)"), required=False, min_value=0
    )
    certificates = forms.MultipleChoiceField(
        label=_("Qualifications the firm holds"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from policies.constants import Certificate

        field = self.fields["certificates"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(c.value, c.label) for c in Certificate if c in DECLARABLE_CERTIFICATES]


class RatingForm(forms.Form):
    SCORES = [(n, str(n)) for n in range(5, 0, -1)]
    clarity = forms.TypedChoiceField(
        label=_("How clear is the policy?"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    handling = forms.TypedChoiceField(
        label=_("How well was it handled?"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("JSON or CSV file"))
    publish = forms.BooleanField(label=_("Publish the imported policies"), required=False)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return f


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=300)


class ApplyForm(forms.Form):
    """What apply-once asks of the person (everything else is known); the rules are the
    service's (``applications.policy_apply``), the same as the application form's."""

    contact_phone = forms.CharField(
        label=_("Mobile phone for this application"),
        max_length=20,
        help_text=_("11 digits; the department sends text messages about the application to it"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    bank_account = forms.CharField(
        label=_("Bank account for the payment"),
        max_length=40,
        help_text=_("The firm's account the department pays into; kept for later applications"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    declaration = forms.BooleanField(
        label=_(
            "I declare that the information is true and accept legal responsibility if it is not."
        )
    )

    def __init__(self, *args: Any, uploads: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False  # the server checks, in the person's language
        for code, name in uploads:
            self.fields[f"material_{code}"] = forms.FileField(
                label=name,
                required=False,
                help_text=_("PDF, JPEG or PNG"),
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            self.add_error(name if name in self.fields else None, messages)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline? (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the firm gives up this benefit for good.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
