import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.bilingual import localized
from portal.exchange.constants import (
    GrantStatus,
    ObjectionNoticeKind,
    ObjectionStatus,
    ReadReason,
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
    # [{"name": "rating", "type": "string", "label": "纳税信用等级", "label_en": "Tax credit
    #   rating", "required": true}, ...]
    fields = models.JSONField(_("fields"))
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"

    @property
    def field_names(self) -> list[str]:
        return [str(f["name"]) for f in self.fields]

    @property
    def display_name(self) -> str:
        return localized(self, "name")

    @property
    def display_description(self) -> str:
        return localized(self, "description")

    def field_label(self, name: str) -> str:
        """A field's label in the page's language; the key itself only for an unknown field."""
        for f in self.fields:
            if isinstance(f, dict) and f.get("name") == name:
                return localized(f, "label") or name
        return name

    def field_labels(self, names: list[str]) -> list[str]:
        return [self.field_label(n) for n in names]


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
    purpose_en = models.CharField(_("English purpose"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    legal_basis_en = models.CharField(_("English legal basis"), max_length=300, blank=True)
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

    @property
    def display_purpose(self) -> str:
        return localized(self, "purpose")

    @property
    def display_legal_basis(self) -> str:
        return localized(self, "legal_basis")

    @property
    def requested_field_labels(self) -> list[str]:
        return self.dataset.field_labels([str(f) for f in self.requested_fields])

    @property
    def granted_field_labels(self) -> list[str]:
        return self.dataset.field_labels([str(f) for f in self.granted_fields])


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
    # The purpose as committed to the ledger (fixed bytes), and its English form for display
    # only: generated purposes (an application, a policy run) carry one; it is never
    # committed, so showing it changes nothing a proof covers.
    purpose = models.CharField(_("purpose"), max_length=300)
    purpose_en = models.CharField(_("English purpose"), max_length=300, blank=True)
    application_number = models.CharField(_("application"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16)
    reason = models.CharField(_("reason"), max_length=32)
    ledger_event_id = models.UUIDField(unique=True)
    # A sealed read (covert investigation): the legal order and the date by which it is shown
    # to the person; hidden from them until ``unsealed_at`` (``ledger_check`` compares these
    # with the ledger's private half).
    legal_order = models.CharField(_("legal order"), max_length=200, blank=True)
    sealed_until = models.DateField(_("sealed until"), null=True, blank=True)
    unsealed_at = models.DateTimeField(_("unsealed at"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("data access")
        verbose_name_plural = _("data accesses")
        indexes = [
            models.Index(fields=["subject_hash", "-at"], name="access_subject_time"),
            models.Index(
                fields=["sealed_until"],
                name="access_still_sealed",
                condition=models.Q(sealed_until__isnull=False, unsealed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reader_department_id} read {self.dataset_id} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def is_sealed(self) -> bool:
        """Still hidden from the person: sealed and not unsealed yet."""
        return self.sealed_until is not None and self.unsealed_at is None

    @property
    def display_purpose(self) -> str:
        return localized(self, "purpose")

    def outcome_label(self) -> str:
        """What happened, in words: read, no record found, or refused (never a raw key)."""
        if self.reason == ReadReason.UNKNOWN_SUBJECT:
            return str(_("No record found"))
        if self.outcome == "granted":
            return str(_("Read"))
        return str(_("Refused"))

    @property
    def reason_label(self) -> str:
        if self.reason in ReadReason.values:
            return str(ReadReason(self.reason).label)
        return self.reason

    @property
    def field_labels(self) -> list[str]:
        return self.dataset.field_labels([str(f) for f in self.fields])


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


class ReadNotice(models.Model):
    """A notice to a person that a sealed read of their (or their firm's) data was unsealed.

    Shown in the person's notifications (``/my/notifications/``) and e-mailed once.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_notices"
    )
    access = models.ForeignKey(Access, on_delete=models.PROTECT, related_name="notices")
    firm = models.ForeignKey(
        "accounts.Firm", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("data use notice")
        verbose_name_plural = _("data use notices")
        constraints = [
            models.UniqueConstraint(fields=["access", "recipient"], name="one_read_notice_each")
        ]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="read_notice_recipient")]

    def __str__(self) -> str:
        return f"read notice {self.pk} to {self.recipient_id}"


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
