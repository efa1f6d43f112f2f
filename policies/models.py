import datetime as dt
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from policies.constants import (
    AwardStatus,
    BenefitBase,
    BenefitKind,
    MatchOutcome,
    NoticeKind,
    PolicyStatus,
    RunKind,
    RunStatus,
)


def _bilingual(zh: str, en: str) -> str:
    """The English text on English pages when there is one; the Chinese otherwise."""
    if en and (get_language() or "").startswith("en"):
        return en
    return zh


class Policy(models.Model):
    """A subsidy policy as a structured record, with its eligibility rule."""

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("issuing department"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    document_number = models.CharField(
        _("document number"),
        max_length=100,
        unique=True,
        help_text=_("文号, e.g. 杭科高〔2025〕12号"),
    )
    region = models.CharField(_("region code"), max_length=12, help_text=_("GB/T 2260 code"))
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    window_opens = models.DateField(_("applications open"), null=True, blank=True)
    window_closes = models.DateField(_("applications close"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("English summary"), blank=True)
    full_text = models.TextField(_("full text"), blank=True)
    full_text_en = models.TextField(_("English full text"), blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    industries = models.JSONField(
        _("industries"),
        default=list,
        blank=True,
        help_text=_("GB/T 4754 sections (letters) or code prefixes; empty for every industry"),
    )
    firm_sizes = models.JSONField(_("firm sizes"), default=list, blank=True)
    materials = models.JSONField(
        _("required materials"),
        default=list,
        blank=True,
        help_text=_(
            "Each: name, English name, and the exchange dataset it is fetched from, if any"
        ),
    )
    benefit_kind = models.CharField(
        _("benefit"), max_length=8, choices=BenefitKind.choices, default=BenefitKind.FIXED
    )
    benefit_amount = models.DecimalField(
        _("fixed amount (10 000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    benefit_rate = models.DecimalField(
        _("share"), max_digits=6, decimal_places=4, null=True, blank=True, help_text="0.10 = 10%"
    )
    benefit_base = models.CharField(
        _("share of"), max_length=24, choices=BenefitBase.choices, blank=True
    )
    benefit_cap = models.DecimalField(
        _("cap (10 000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    benefit_note = models.CharField(_("benefit in words"), max_length=300, blank=True)
    benefit_note_en = models.CharField(_("benefit in English words"), max_length=300, blank=True)
    eligibility = models.JSONField(_("eligibility rule"), default=dict, blank=True)
    grant_without_applying = models.BooleanField(
        _("granted without applying (免申即享)"), default=False
    )
    promised_days = models.PositiveSmallIntegerField(_("promised days to decision"), default=20)
    service_code = models.CharField(
        _("service in the catalogue"), max_length=64, blank=True, help_text=_("for applications")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # Derived by the services for filtering on every database: " t:rd s:small i:C r:330100 ".
    facets = models.CharField(max_length=1000, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        indexes = [models.Index(fields=["status", "published_on"])]

    def __str__(self) -> str:
        return f"{self.title}（{self.document_number}）"

    def get_absolute_url(self) -> str:
        return reverse("policies:detail", kwargs={"policy_id": self.pk})

    def is_open_on(self, day: dt.date) -> bool:
        """Whether applications are accepted on ``day``."""
        opens, closes = self.window_opens, self.window_closes
        return (opens is None or opens <= day) and (closes is None or day <= closes)

    @property
    def is_open_now(self) -> bool:
        return self.status == PolicyStatus.PUBLISHED and self.is_open_on(timezone.localdate())

    @property
    def display_title(self) -> str:
        return _bilingual(self.title, self.title_en)

    @property
    def display_summary(self) -> str:
        return _bilingual(self.summary, self.summary_en)

    @property
    def display_full_text(self) -> str:
        return _bilingual(self.full_text, self.full_text_en)

    @property
    def display_benefit_note(self) -> str:
        return _bilingual(self.benefit_note, self.benefit_note_en)

    @property
    def display_materials(self) -> list[dict[str, str]]:
        """The required materials with their name in the page's language."""
        return [
            {
                "name": _bilingual(str(m.get("name", "")), str(m.get("name_en", ""))),
                "dataset": str(m.get("dataset", "")),
            }
            for m in self.materials
            if isinstance(m, dict)
        ]


HISTORY_ACTIONS = {
    "created": _("Created"),
    "amended": _("Amended"),
    "published": _("Published"),
    "withdrawn": _("Withdrawn"),
}


# Notes the portal writes on a history entry, stored as the message id (language-neutral).
SYSTEM_NOTES = {"Imported": _("Imported"), "Imported update": _("Imported update")}


class PolicyVersion(models.Model):
    """The history of a policy: each creation, amendment, publication and withdrawal."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="history")
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=16)
    note = models.CharField(_("note"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    by_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_system = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["policy", "-at", "-pk"]
        verbose_name = _("policy history entry")
        verbose_name_plural = _("policy history")

    def __str__(self) -> str:
        return f"{self.policy_id} v{self.version} {self.action}"

    @property
    def note_text(self) -> str:
        """The note in the page's language: the notes the portal writes itself (an import)
        are kept as their message ids and translated when shown; people's notes as written."""
        system = SYSTEM_NOTES.get(self.note)
        return str(system) if system is not None else self.note

    @property
    def action_label(self) -> str:
        label = HISTORY_ACTIONS.get(self.action)
        return str(label) if label is not None else self.action

    @property
    def changed_items(self) -> list[tuple[str, object, object]]:
        """(field name as people read it, before, after) of each change of an amendment."""
        out: list[tuple[str, object, object]] = []
        changes = self.changes if isinstance(self.changes, dict) else {}
        for name, pair in changes.items():
            try:
                found = Policy._meta.get_field(name)
            except FieldDoesNotExist:
                found = None
            label = str(getattr(found, "verbose_name", name))
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else ("", pair)
            out.append((label, before, after))
        return out

    @property
    def changed_labels(self) -> list[str]:
        """The names of the fields an amendment changed, as people read them."""
        return [label for label, _before, _after in self.changed_items]


class PolicyTerm(models.Model):
    """Search index: the character bigrams (and unigrams) of a policy's texts, weighted.

    Chinese has no spaces, so full-text parsers do not split it; overlapping character
    pairs do: 研发补贴 and 研发费用补助 share 研发. Works the same on SQLite and PostgreSQL.
    """

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=32)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "term"], name="policy_term_once"),
        ]
        indexes = [models.Index(fields=["term", "policy"])]

    def __str__(self) -> str:
        return self.term


class FirmDeclaration(models.Model):
    """What a firm declares about itself, for matching (never for granting without applying)."""

    firm = models.OneToOneField(
        "accounts.Firm", on_delete=models.CASCADE, related_name="policy_declaration"
    )
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("firm declaration")
        verbose_name_plural = _("firm declarations")

    def __str__(self) -> str:
        return str(self.firm_id)


class FirmProfile(models.Model):
    """A firm's matching profile, assembled through the exchange and kept for bulk matching.

    ``values`` holds the figures (see ``policies.engine.rules.FIELDS``); a figure missing from it is
    unknown and ``missing`` says why (the exchange's refusal reason, no record …);
    ``sources`` says where each figure came from.
    """

    firm = models.OneToOneField("accounts.Firm", on_delete=models.CASCADE, related_name="+")
    values = models.JSONField(default=dict)
    missing = models.JSONField(default=dict)
    sources = models.JSONField(default=dict)
    reader = models.CharField(max_length=64, blank=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("firm profile")
        verbose_name_plural = _("firm profiles")

    def __str__(self) -> str:
        return str(self.firm_id)


class PolicyMatch(models.Model):
    """The latest result of matching a firm against a policy (not kept when ineligible)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="matches")
    firm = models.ForeignKey("accounts.Firm", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=12, choices=MatchOutcome.choices)
    estimated_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    policy_version = models.PositiveIntegerField()
    evaluated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "firm"], name="policy_match_once"),
        ]
        indexes = [models.Index(fields=["policy", "outcome"])]

    def __str__(self) -> str:
        return f"{self.policy_id}/{self.firm_id} {self.outcome}"


class PolicyNotice(models.Model):
    """A message to a firm about a policy; at most one of each kind per firm and policy."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="notices")
    firm = models.ForeignKey("accounts.Firm", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("policy notice")
        verbose_name_plural = _("policy notices")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "firm", "kind"], name="policy_notice_once_per_kind"
            ),
        ]
        indexes = [models.Index(fields=["firm", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.policy_id}/{self.firm_id}"


class PolicyRun(models.Model):
    """One run of the push (match and notify) or grant job, with its progress."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(max_length=8, choices=RunKind.choices)
    policy_version = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    unknown = models.PositiveIntegerField(default=0)
    notified = models.PositiveIntegerField(default=0)
    granted = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("policy job run")
        verbose_name_plural = _("policy job runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.policy_id} v{self.policy_version} {self.status}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))


class BenefitAward(models.Model):
    """A benefit granted without an application (免申即享): the decision and its reasons."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="awards")
    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=AwardStatus.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    reasons = models.JSONField(default=list)
    access_ids = models.JSONField(default=list)
    policy_version = models.PositiveIntegerField()
    decided_at = models.DateTimeField()
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    # The payment: the firm's account on record when it was paid, and when.
    paid_to_account = models.CharField(_("paid to account"), max_length=40, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("benefit granted without applying")
        verbose_name_plural = _("benefits granted without applying")
        constraints = [
            models.UniqueConstraint(fields=["policy", "firm"], name="policy_award_once"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}/{self.firm_id} {self.status}"


class PolicyRating(models.Model):
    """A firm's evaluation of a policy: how clear it is and how it was handled (1–5)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="ratings")
    firm = models.ForeignKey("accounts.Firm", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    clarity = models.PositiveSmallIntegerField(
        _("clarity"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    handling = models.PositiveSmallIntegerField(
        _("handling"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("policy rating")
        verbose_name_plural = _("policy ratings")
        constraints = [
            models.UniqueConstraint(fields=["policy", "firm"], name="policy_rating_once_per_firm"),
            models.CheckConstraint(
                condition=models.Q(
                    clarity__gte=1, clarity__lte=5, handling__gte=1, handling__lte=5
                ),
                name="policy_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}/{self.firm_id} {self.clarity}/{self.handling}"


class PolicyApplication(models.Model):
    """An application filed from a matched policy ("apply once") in the services workflow."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="applications")
    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField(
        "services.Application", on_delete=models.PROTECT, related_name="policy_link"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("application under a policy")
        verbose_name_plural = _("applications under policies")
        constraints = [
            models.UniqueConstraint(fields=["policy", "firm"], name="policy_application_once"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}/{self.firm_id} → {self.application_id}"
