import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.exchange.constants import (
    GrantStatus,
    ObjectionNoticeKind,
    ObjectionStatus,
    SharingClass,
    SubjectKind,
)


class Dataset(models.Model):
    """An entry of the data resource catalogue, owned by one department."""

    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9_.-]+$", _("Use lower-case letters, digits, . _ -"))],
        help_text=_("owner.name, e.g. scjg.business_registration"),
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    owner = models.ForeignKey(
        "departments.Department",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="datasets",
    )
    subject_kind = models.CharField(_("subject kind"), max_length=16, choices=SubjectKind.choices)
    sharing_class = models.CharField(
        _("sharing class"), max_length=16, choices=SharingClass.choices
    )
    # [{"name": "rating", "type": "string", "label": "纳税信用等级", "required": true}, ...]
    fields = models.JSONField(_("fields"))
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def display_name(self) -> str:
        """The name in the page's language (the English name on English pages, if any)."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def field_names(self) -> list[str]:
        return [str(f["name"]) for f in self.fields]


class DatasetRecord(models.Model):
    """The owning department's record about one subject (a citizen or a firm)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="records")
    # Resident identity number or unified social credit code: personal data, owner-held.
    subject_identifier = models.CharField(_("subject identifier"), max_length=18)
    data = models.JSONField(_("data"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dataset record")
        verbose_name_plural = _("dataset records")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "subject_identifier"], name="one_record_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset.code} record {self.pk}"


class SharingGrant(models.Model):
    """Department B's right to read fields of department A's conditional dataset."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="grants")
    requester = models.ForeignKey(
        "departments.Department",
        verbose_name=_("requesting department"),
        on_delete=models.PROTECT,
        related_name="grants_requested",
    )
    requested_fields = models.JSONField(_("requested fields"))
    granted_fields = models.JSONField(_("granted fields"), default=list)
    purpose = models.CharField(_("purpose"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=16, choices=GrantStatus.choices, default=GrantStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sharing grant")
        verbose_name_plural = _("sharing grants")

    def __str__(self) -> str:
        return f"{self.requester.code} → {self.dataset.code} ({self.status})"


class Access(models.Model):
    """One read through the exchange, granted or refused; its ledger event proves it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("time"), db_index=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="accesses")
    reader_department = models.ForeignKey(
        "departments.Department", on_delete=models.PROTECT, related_name="reads"
    )
    reader_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reader_system = models.ForeignKey(
        "departments.DepartmentSystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Keyed hash of the subject identifier (the same value as the ledger entry's ``subject``).
    subject_hash = models.CharField(max_length=64, db_index=True)
    fields = models.JSONField(_("fields"))
    purpose = models.CharField(_("purpose"), max_length=300)
    application_number = models.CharField(_("application"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16)
    reason = models.CharField(_("reason"), max_length=32)
    ledger_event_id = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("data access")
        verbose_name_plural = _("data accesses")
        indexes = [models.Index(fields=["subject_hash", "-at"], name="access_subject_time")]

    def __str__(self) -> str:
        return f"{self.reader_department_id} read {self.dataset_id} at {self.at:%Y-%m-%d %H:%M}"


class ObjectionSequence(models.Model):
    """The last objection reference handed out in a year (YY-<year>-<n>, 异议)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("objection reference sequence")
        verbose_name_plural = _("objection reference sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class Objection(models.Model):
    """A person's objection to an access they think unjustified, and what became of it:
    received → under review → answered, due within ``EXCHANGE_OBJECTION_DAYS`` working days,
    escalated to the auditors covering the reading department when that passes."""

    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    access = models.ForeignKey(Access, on_delete=models.PROTECT, related_name="objections")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="objections"
    )
    firm = models.ForeignKey(
        "accounts.Firm", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("why the access seems unjustified"), max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.RECEIVED,
    )
    due_on = models.DateField(_("answer due by"))
    review_started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    review_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_at = models.DateTimeField(_("escalated to the auditors"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    # Answered by an auditor (after escalation) rather than by the reading department.
    answered_by_auditor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        indexes = [
            models.Index(fields=["status", "due_on"], name="objection_open_due"),
            models.Index(fields=["raised_by", "-created_at"], name="objection_raised_by"),
            models.Index(fields=["firm", "-created_at"], name="objection_firm"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("exchange:objection_detail", kwargs={"reference": self.reference})

    @property
    def is_open(self) -> bool:
        return self.status != ObjectionStatus.ANSWERED


class ObjectionNotice(models.Model):
    """One notice to a person about one change of their objection (site and e-mail)."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="objection_notices"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ObjectionNoticeKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("objection notice")
        verbose_name_plural = _("objection notices")
        constraints = [
            models.UniqueConstraint(
                fields=["objection", "recipient", "kind"], name="one_objection_notice_per_change"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="objection_notice_recipient")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.objection_id} to {self.recipient_id}"
