from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A government department (or bureau) of a region."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    region = models.CharField(_("region code"), max_length=12, help_text=_("GB/T 2260 code"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_audit_office = models.BooleanField(
        _("audit office"),
        default=False,
        help_text=_("Its administrators assign auditors to supervise departments."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        permissions = [
            ("accept_application", _("Accept or refuse applications at the window")),
            ("review_application", _("Review applications")),
            ("approve_application", _("Approve or reject applications")),
            ("manage_sharing", _("Approve, narrow and revoke data sharing grants")),
            ("manage_datasets", _("Maintain the department's datasets")),
            ("administer_department", _("Administer the department's staff and systems")),
            ("read_exchange", _("Read other departments' data through the exchange")),
            ("request_grants", _("Request data sharing grants from other departments")),
            ("read_sealed", _("Read sealed for a covert investigation, under a legal order")),
            ("unseal_reads", _("Unseal the department's sealed reads before their date")),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"

    @property
    def display_name(self) -> str:
        """The name in the page's language (the English name on English pages, if any)."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class DepartmentSystem(models.Model):
    """A department's own IT system calling the API (an API client)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="systems"
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    key_id = models.SlugField(_("key id"), max_length=64, unique=True)
    public_key = models.TextField(
        _("Ed25519 public key"), blank=True, help_text=_("Base64 of the 32-byte raw public key")
    )
    is_active = models.BooleanField(_("active"), default=True)
    may_read_sealed = models.BooleanField(
        _("may read sealed"),
        default=False,
        help_text=_("Allowed to make sealed reads for covert investigations (with a legal order)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department__code", "name"]
        verbose_name = _("department system")
        verbose_name_plural = _("department systems")

    def __str__(self) -> str:
        return f"{self.display_name} [{self.key_id}]"

    @property
    def display_name(self) -> str:
        """The name in the page's language (the English name on English pages, if any)."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class UsedSignature(models.Model):
    """A department system's request signature already accepted: refuses replays."""

    # SHA-256 of the signature bytes that verified (not of the Signature header text).
    signature_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key_id", "signature_hash"], name="usedsignature_once_per_key"
            )
        ]
        verbose_name = _("used request signature")
        verbose_name_plural = _("used request signatures")

    def __str__(self) -> str:
        return self.signature_hash


class AuditAssignment(models.Model):
    """A person the audit office assigned to audit some departments (or all), until revoked.

    Auditing is never a role a department hands out: only an administrator of an audit
    office (or a superuser) assigns it, and the assignment says which departments it covers.
    """

    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auditor"),
        on_delete=models.PROTECT,
        related_name="audit_assignments",
    )
    all_departments = models.BooleanField(_("all departments"), default=False)
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-assigned_at", "-pk"]
        verbose_name = _("audit assignment")
        verbose_name_plural = _("audit assignments")
        indexes = [models.Index(fields=["auditor", "revoked_at"], name="audit_current")]

    def __str__(self) -> str:
        return f"{self.auditor} ({'*' if self.all_departments else 'scoped'})"
