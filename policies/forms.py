import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from policies.constants import BenefitBase, BenefitKind, FirmSize, Topic
from policies.models import Policy
from policies.profile import DECLARABLE_CERTIFICATES


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.CharField(label=_("Region code"), required=False, max_length=6)
    industry = forms.CharField(
        label=_("Industry"),
        required=False,
        max_length=4,
        help_text=_("GB/T 4754 code such as 6511, or a section letter such as C"),
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("Any topic")), *Topic.choices]
    )
    size = forms.ChoiceField(
        label=_("Firm size"), required=False, choices=[("", _("Any size")), *FirmSize.choices]
    )
    open_now = forms.BooleanField(label=_("Open for applications now"), required=False)


class PolicyForm(forms.Form):
    """The back-office form; validation of the record is the service's (``policy_clean``)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    document_number = forms.CharField(label=_("Document number (文号)"), max_length=100)
    region = forms.CharField(label=_("Region code"), max_length=12, initial="330100")
    published_on = forms.DateField(label=_("Publication date"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False)
    window_opens = forms.DateField(label=_("Applications open"), required=False)
    window_closes = forms.DateField(label=_("Applications close"), required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    full_text = forms.CharField(
        label=_("Full text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
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
