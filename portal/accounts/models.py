from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.constants import RepresentativeRole, UserKind
from portal.accounts.identity import mask_resident_id, mask_uscc


class User(AbstractUser):
    """Every person who signs in: citizens (who may also act for firms) and staff."""

    kind = models.CharField(
        _("kind"), max_length=16, choices=UserKind.choices, default=UserKind.CITIZEN
    )
    real_name = models.CharField(_("real name"), max_length=60, blank=True)
    # Personal data: unique, shown masked in lists, never logged in the clear.
    id_number = models.CharField(
        _("resident identity number"), max_length=18, unique=True, null=True, blank=True
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=UserKind.STAFF) | Q(department__isnull=False),
                name="staff_has_department",
            ),
        ]

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def masked_id_number(self) -> str:
        return mask_resident_id(self.id_number or "")

    @property
    def is_citizen(self) -> bool:
        return self.kind == UserKind.CITIZEN

    @property
    def is_department_staff(self) -> bool:
        return self.kind == UserKind.STAFF and self.department_id is not None


class Firm(models.Model):
    """A legal person identified by its unified social credit code."""

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.CharField(_("region code"), max_length=12)
    industry_code = models.CharField(
        _("industry code"), max_length=8, blank=True, help_text=_("GB/T 4754 code")
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    legal_representative_name = models.CharField(
        _("legal representative"), max_length=60, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("firm")
        verbose_name_plural = _("firms")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_uscc(self) -> str:
        return mask_uscc(self.uscc)


class FirmRepresentative(models.Model):
    """A person who may act for a firm, and what they may do for it."""

    firm = models.ForeignKey(
        Firm, verbose_name=_("firm"), on_delete=models.CASCADE, related_name="representatives"
    )
    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="representations"
    )
    role = models.CharField(_("role"), max_length=24, choices=RepresentativeRole.choices)
    can_apply = models.BooleanField(_("may file applications"), default=True)
    can_view_data_use = models.BooleanField(_("may see who used the firm's data"), default=True)
    can_view_firm_data = models.BooleanField(
        _("may see the firm's figures held by departments"), default=True
    )
    can_manage_agents = models.BooleanField(_("may appoint agents"), default=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["firm__name"]
        verbose_name = _("firm representative")
        verbose_name_plural = _("firm representatives")
        constraints = [
            models.UniqueConstraint(fields=["firm", "user"], name="one_representation_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.firm} ({self.get_role_display()})"


class TwoFactorActivation(models.Model):
    """A one-time code that allows enrolling an authenticator (out of band, from an admin).

    Only a keyed hash of the code is stored; it works once and until ``expires_at``.
    """

    user = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="two_factor_activations",
    )
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("authenticator activation code")
        verbose_name_plural = _("authenticator activation codes")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"
