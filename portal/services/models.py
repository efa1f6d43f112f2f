"""The service catalogue (事项 and their guides), applications and what happens to them."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.services.constants import (
    Action,
    ApplicationStatus,
    DecisionKind,
    EvaluationStatus,
    MaterialSource,
    ThemeKind,
)
from portal.services.verification import display_code


def _bilingual(zh: str, en: str) -> str:
    """The English text on English pages when there is one; Chinese otherwise."""
    if en and (get_language() or "").startswith("en"):
        return en
    return zh


class Theme(models.Model):
    """A topic (e.g. 社会保障) or a life event (e.g. 生育, 开办企业) to browse services by."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ThemeKind.choices)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["kind", "order", "code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return _bilingual(self.name, self.name_en)


class ServiceItem(models.Model):
    """A service item (事项) of one department with its guide (办事指南) and its form."""

    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="service_items",
    )
    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("English summary"), blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Words people search with")
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("topics and life events"), blank=True, related_name="services"
    )
    for_citizens = models.BooleanField(_("citizens may apply"), default=True)
    for_firms = models.BooleanField(_("firms may apply"), default=False)
    conditions = models.TextField(_("conditions"), blank=True)
    conditions_en = models.TextField(_("English conditions"), blank=True)
    # [{"code": "licence", "name": "营业执照", "name_en": "...", "required": true,
    #   "exchange_dataset": "scjg.business_registration" | "", "note": ""}, ...]
    materials = models.JSONField(_("materials"), default=list, blank=True)
    # [{"name": "申请", "name_en": "Application"}, ...]
    process_steps = models.JSONField(_("process steps"), default=list, blank=True)
    # {"steps": [{"title": "...", "title_en": "...", "fields": [{"name": ..., "type": ...}]}]}
    form_schema = models.JSONField(_("application form"), default=dict, blank=True)
    # Dataset codes staff may consult through the exchange while handling an application.
    reference_datasets = models.JSONField(_("reference datasets"), default=list, blank=True)
    legal_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"))
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    fee = models.CharField(_("fee"), max_length=120, default="不收费")
    fee_en = models.CharField(_("English fee"), max_length=120, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    legal_basis_en = models.TextField(_("English legal basis"), blank=True)
    phone = models.CharField(_("enquiry phone"), max_length=40, blank=True)
    offline_address = models.CharField(_("where to go offline"), max_length=200, blank=True)
    offline_address_en = models.CharField(
        _("where to go offline, in English"), max_length=300, blank=True
    )
    is_published = models.BooleanField(_("published"), default=True)
    # Lower-cased name, English name, keywords and code: what search looks in (kept by services).
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        indexes = [
            models.Index(fields=["is_published", "department", "code"], name="service_dept_code"),
            models.Index(fields=["is_published", "code"], name="service_published_code"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_days__lte=models.F("legal_days")),
                name="promised_within_legal_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("services:service_detail", kwargs={"code": self.code})

    @property
    def display_name(self) -> str:
        return _bilingual(self.name, self.name_en)

    @property
    def display_summary(self) -> str:
        return _bilingual(self.summary, self.summary_en)

    @property
    def display_conditions(self) -> str:
        return _bilingual(self.conditions, self.conditions_en)

    @property
    def display_fee(self) -> str:
        return _bilingual(self.fee, self.fee_en)

    @property
    def display_legal_basis(self) -> str:
        return _bilingual(self.legal_basis, self.legal_basis_en)

    @property
    def display_offline_address(self) -> str:
        return _bilingual(self.offline_address, self.offline_address_en)

    @property
    def form_steps(self) -> list[dict[str, object]]:
        steps = self.form_schema.get("steps", []) if isinstance(self.form_schema, dict) else []
        return [s for s in steps if isinstance(s, dict)]

    def material_spec(self, code: str) -> dict[str, object] | None:
        for m in self.materials:
            if isinstance(m, dict) and m.get("code") == code:
                return m
        return None


class ApplicationSequence(models.Model):
    """The last application number handed out in a year (SQ-<year>-<n>)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("application number sequence")
        verbose_name_plural = _("application number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class Application(models.Model):
    """One filing of a service by a person, for themselves or for a firm they represent."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    service = models.ForeignKey(
        ServiceItem,
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # The handling department (the service's, kept here so that queues need no join).
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    firm = models.ForeignKey(
        "accounts.Firm",
        verbose_name=_("firm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    data = models.JSONField(_("form data"), default=dict, blank=True)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=0)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # Working days left on the clock while it is stopped for a supplement (补正期间不计时).
    days_left_on_hold = models.SmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["department", "status", "due_date"], name="application_queue"),
            models.Index(fields=["department", "due_date"], name="application_dept_due"),
            models.Index(fields=["applicant", "-created_at"], name="application_applicant"),
            models.Index(fields=["firm", "-created_at"], name="application_firm"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("services:application_detail", kwargs={"number": self.number})


class ApplicationEvent(models.Model):
    """One line of an application's timeline: who moved it from what to what, when and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_system = models.ForeignKey(
        "departments.DepartmentSystem",
        verbose_name=_("by system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=24, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=ApplicationStatus.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        indexes = [models.Index(fields=["application", "at"], name="event_application_time")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"

    @property
    def actor_label(self) -> str:
        if self.actor_system is not None:
            return self.actor_system.name
        return str(self.actor_user) if self.actor_user is not None else ""


def material_upload_to(instance: "Material", filename: str) -> str:
    """A random name under MEDIA_ROOT: the original name is kept only as data."""
    ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"materials/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.{ext}"


class Material(models.Model):
    """A required material of an application: an uploaded file or another department's data."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    requirement_code = models.CharField(_("material"), max_length=40)
    source = models.CharField(_("source"), max_length=16, choices=MaterialSource.choices)
    file = models.FileField(_("file"), upload_to=material_upload_to, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=60, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    exchange_dataset = models.CharField(_("dataset"), max_length=64, blank=True)
    exchange_department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("data from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exchange_access = models.ForeignKey(
        "exchange.Access", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The granted fields as (label, value) pairs: the material the service's department read.
    exchange_data = models.JSONField(null=True, blank=True)
    # Why a 免提交 read was refused (then the person uploads the material instead).
    fetch_problem = models.CharField(_("why it could not be fetched"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return f"{self.application_id}/{self.requirement_code}"


class Notification(models.Model):
    """One notice to a person about one change of an application (site and e-mail)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_notifications"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(ApplicationEvent, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="one_notice_per_change"),
        ]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notice_recipient")]

    def __str__(self) -> str:
        return f"notice {self.pk} to {self.recipient_id}"


class DecisionDocument(models.Model):
    """The decision (PDF) with a code anyone can check at /services/verify/<code>: approval
    (准予许可决定书), refusal to accept (不予受理通知书) or rejection (不予许可决定书)."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision_document"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=DecisionKind.choices, default=DecisionKind.APPROVAL
    )
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    file = models.FileField(_("file"), upload_to="decisions/%Y/")
    sha256 = models.CharField(max_length=64)
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        verbose_name = _("decision document")
        verbose_name_plural = _("decision documents")

    def __str__(self) -> str:
        return self.code

    @property
    def display_code(self) -> str:
        """The code in groups of four, as printed on the document."""
        return display_code(self.code)


class Evaluation(models.Model):
    """好差评: the applicant's rating (1-5) of the handling, and the department's reply."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="evaluation"
    )
    department = models.ForeignKey(
        "departments.Department", on_delete=models.PROTECT, related_name="evaluations"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    status = models.CharField(_("status"), max_length=20, choices=EvaluationStatus.choices)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="rating_one_to_five"
            ),
        ]
        indexes = [models.Index(fields=["department", "status"], name="evaluation_queue")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.rating}"
