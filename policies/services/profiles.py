"""Firm profiles: figures read through the exchange, the firm's declaration, kept profiles."""

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.constants import (
    PURPOSE_MATCHING,
    PURPOSE_MATCHING_EN,
)
from policies.engine.profile import (
    DECLARABLE,
    DECLARABLE_CERTIFICATES,
    PROFILE_DATASETS,
    AssembledProfile,
    DatasetAnswer,
    assemble,
)
from policies.models import (
    FirmDeclaration,
    FirmProfile,
    Policy,
)
from policies.services.validation import _decimal, _Errors, _list
from portal.accounts.models import Firm, User
from portal.departments.models import DepartmentSystem
from portal.exchange.services import Reader, exchange_read
from portal.services.access import representative_may_apply


def _system_reader(key_id: str) -> Reader:
    system = DepartmentSystem.objects.select_related("department").filter(key_id=key_id).first()
    if system is None:
        raise ImproperlyConfigured(f"No department system {key_id!r} (POLICIES_PROFILE_READER)")
    return Reader(department=system.department, system=system)


def matching_reader() -> Reader:
    """Who reads profiles for matching: the configured system (by default the economy and
    information bureau's, the city's coordinator of enterprise policies)."""
    return _system_reader(settings.POLICIES_PROFILE_READER)


def granting_reader(policy: Policy) -> Reader:
    """Who reads to grant without applying: the issuing department, which decides and is
    accountable for the decision; its own sharing grants bound what it sees."""
    system = policy.department.systems.filter(is_active=True).order_by("pk").first()
    if system is None:
        return matching_reader()
    return Reader(department=policy.department, system=system)


def _ask_exchange(
    *, firm: Firm, reader: Reader, purpose: str, purpose_en: str
) -> dict[str, DatasetAnswer]:
    answers: dict[str, DatasetAnswer] = {}
    for dataset, fields in PROFILE_DATASETS.items():
        try:
            result = exchange_read(
                reader=reader,
                dataset_code=dataset,
                subject_identifier=firm.uscc,
                fields=list(fields),
                purpose=purpose,
                purpose_en=purpose_en,
            )
        except ValidationError:
            # The catalogue lacks this dataset (or these fields): nothing was read.
            answers[dataset] = DatasetAnswer(granted=False, reason="not_in_catalogue")
            continue
        answers[dataset] = DatasetAnswer(
            granted=result.granted,
            reason=str(result.reason),
            data=result.data,
            access_id=str(result.access.pk),
        )
    return answers


def _declared(firm: Firm) -> dict[str, object]:
    declaration = FirmDeclaration.objects.filter(firm=firm).first()
    return dict(declaration.data) if declaration else {}


def _assemble(
    *,
    firm: Firm,
    answers: Mapping[str, DatasetAnswer],
    reader: str,
    declared: Mapping[str, object] | None,
) -> AssembledProfile:
    return assemble(
        answers=answers,
        reader=reader,
        region=firm.region,
        fallback_industry=firm.industry_code,
        fallback_registered_on=firm.registered_on,
        declared=declared,
        today=timezone.localdate(),
    )


@transaction.atomic
def firm_profile_read(
    *, firm: Firm, reader: Reader, purpose: str, purpose_en: str = "", with_declared: bool
) -> AssembledProfile:
    """Read a firm's figures through the exchange (each read is in the ledger) and assemble
    them, with the firm's declaration filling gaps when ``with_declared``."""
    answers = _ask_exchange(firm=firm, reader=reader, purpose=purpose, purpose_en=purpose_en)
    return _assemble(
        firm=firm,
        answers=answers,
        reader=reader.department.code,
        declared=_declared(firm) if with_declared else None,
    )


def _answers_json(answers: Mapping[str, DatasetAnswer]) -> dict[str, object]:
    return {
        k: {"granted": a.granted, "reason": a.reason, "data": a.data, "access_id": a.access_id}
        for k, a in answers.items()
    }


@transaction.atomic
def firm_profile_refresh(*, firm: Firm, reader: Reader | None = None) -> FirmProfile:
    """Assemble the firm's matching profile through the exchange and keep it."""
    reader = reader or matching_reader()
    answers = _ask_exchange(
        firm=firm, reader=reader, purpose=PURPOSE_MATCHING, purpose_en=PURPOSE_MATCHING_EN
    )
    assembled = _assemble(
        firm=firm, answers=answers, reader=reader.department.code, declared=_declared(firm)
    )
    profile, _created = FirmProfile.objects.update_or_create(
        firm=firm,
        defaults={
            "values": assembled.values,
            "missing": assembled.missing,
            "sources": {
                **assembled.sources,
                "__answers__": _answers_json(answers),
                "__reader_department__": reader.department.code,
            },
            "reader": reader.system.key_id if reader.system else reader.department.code,
            "refreshed_at": timezone.now(),
        },
    )
    return profile


def _reassemble(profile: FirmProfile, firm: Firm) -> None:
    """Apply a new declaration to a kept profile without reading the departments again."""
    raw = profile.sources.get("__answers__") or {}
    answers = {
        k: DatasetAnswer(
            granted=bool(v.get("granted")),
            reason=str(v.get("reason", "")),
            data=v.get("data"),
            access_id=str(v.get("access_id", "")),
        )
        for k, v in raw.items()
        if isinstance(v, dict)
    }
    reader = str(profile.sources.get("__reader_department__", ""))
    assembled = _assemble(firm=firm, answers=answers, reader=reader, declared=_declared(firm))
    profile.values = assembled.values
    profile.missing = assembled.missing
    profile.sources = {**assembled.sources, "__answers__": raw, "__reader_department__": reader}
    profile.save(update_fields=["values", "missing", "sources"])


@transaction.atomic
def firm_declaration_save(*, firm: Firm, user: User, data: Mapping[str, object]) -> FirmDeclaration:
    """What the firm declares (figures and qualifications); used for matching only.

    Only a current representative who may apply for the firm declares for it.
    """
    if not representative_may_apply(user=user, firm=firm):
        raise PermissionDenied(_("Only a representative who may apply for the firm declares."))
    errors = _Errors()
    clean: dict[str, object] = {}
    for name in DECLARABLE:
        value = _decimal(data, name, errors)
        if value is not None:
            clean[name] = str(value)
    certificates = [str(c) for c in _list(data, "certificates")]
    wrong = [c for c in certificates if c not in DECLARABLE_CERTIFICATES]
    if wrong:
        errors["certificates"] = _("Unknown qualifications: %(v)s.") % {"v": ", ".join(wrong)}
    clean["certificates"] = sorted(set(certificates))
    errors.check()
    declaration, _created = FirmDeclaration.objects.update_or_create(
        firm=firm, defaults={"data": clean, "updated_by": user}
    )
    profile = FirmProfile.objects.filter(firm=firm).first()
    if profile is not None:
        _reassemble(profile, firm)
    return declaration


def _profile_batches(
    size: int, *, firm_ids: Iterable[int] | None = None
) -> Iterable[list[tuple[int, dict[str, object]]]]:
    """(firm id, profile values) in batches, by keyset pagination (constant memory)."""
    last = 0
    qs = FirmProfile.objects.order_by("firm_id")
    if firm_ids is not None:
        qs = qs.filter(firm_id__in=list(firm_ids))
    while True:
        rows = list(qs.filter(firm_id__gt=last).values_list("firm_id", "values")[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def firm_profiles_refresh_batch(*, after_firm_id: int, size: int) -> tuple[int, int]:
    """Refresh the profiles of the next ``size`` firms after ``after_firm_id`` (one
    transaction per firm). Returns (how many, the last firm id)."""
    reader = matching_reader()
    firms = list(Firm.objects.filter(pk__gt=after_firm_id).order_by("pk")[:size])
    for firm in firms:
        firm_profile_refresh(firm=firm, reader=reader)
    return len(firms), firms[-1].pk if firms else after_firm_id
