from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Topic(models.TextChoices):
    """What a policy is about (the portal's policy topics)."""

    RD = "rd", _("Research and development")
    HIGH_TECH = "high_tech", _("High-tech enterprises")
    TALENT = "talent", _("Talent")
    EMPLOYMENT = "employment", _("Jobs and employment")
    FINANCE = "finance", _("Loans and financing")
    DIGITAL = "digital", _("Digital transformation")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    SPECIALISED = "specialised", _("Specialised and innovative SMEs")
    STARTUP = "startup", _("Start-ups")
    CULTURE = "culture", _("Culture and creative industries")
    GREEN = "green", _("Green and low-carbon")
    TRADE = "trade", _("Foreign trade")
    HEALTH = "health", _("Biomedicine and health")


class FirmSize(models.TextChoices):
    """Firm size classes (大中小微), smallest first; the order matters for rules."""

    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class BenefitKind(models.TextChoices):
    FIXED = "fixed", _("Fixed amount")
    SHARE = "share", _("Share of a figure, with a cap")
    NONE = "none", _("No money (service or qualification)")


class BenefitBase(models.TextChoices):
    """Profile figures a share-of benefit may be computed on (10 000 yuan)."""

    RD_EXPENSE = "rd_expense", _("R&D expense")
    REVENUE = "revenue", _("Revenue")
    TAX_PAID = "tax_paid", _("Tax paid")
    REGISTERED_CAPITAL = "registered_capital", _("Registered capital")
    HEADCOUNT = "headcount", _("Insured employees")


class Certificate(models.TextChoices):
    """Qualifications a firm may hold (from the exchange, or declared)."""

    HIGH_TECH = "high_tech", _("High-tech enterprise")
    TECH_SME = "tech_sme", _("Technology-based SME")
    SPECIALISED = "specialised", _("Specialised and innovative SME")
    LITTLE_GIANT = "little_giant", _("'Little giant' firm")
    FIRST_SET = "first_set", _("First-of-its-kind equipment")


class MatchOutcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    UNKNOWN = "unknown", _("Possibly eligible: data missing")
    NEAR_MISS = "near_miss", _("Near miss")
    INELIGIBLE = "ineligible", _("Not eligible")


class NoticeKind(models.TextChoices):
    ELIGIBLE = "eligible", _("You may be eligible")
    GRANTED = "granted", _("Granted without applying")
    INVITED = "invited", _("Invited to apply")


class RunKind(models.TextChoices):
    PUSH = "push", _("Match and notify")
    GRANT = "grant", _("Grant without applying")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AwardStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    DECLINED = "declined", _("Declined by the firm")


# Purpose stated to the exchange for profile reads (goes into the ledger), and its English
# form (kept beside the access for English pages, never committed).
PURPOSE_MATCHING = "惠企政策匹配"
PURPOSE_MATCHING_EN = "Matching business support policies"
PURPOSE_GRANT = "惠企政策免申即享资格核验"
PURPOSE_GRANT_EN = "Eligibility check for a benefit granted without applying"
PURPOSE_APPLICATION = "惠企政策申报材料获取"
