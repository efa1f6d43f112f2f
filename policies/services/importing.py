"""Import of policies from JSON or CSV files, row by row."""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from policies.constants import (
    PolicyStatus,
)
from policies.models import (
    Policy,
)
from policies.services.actor import Actor
from policies.services.publication import policy_amend, policy_create, policy_publish
from portal.core.parsers import loads_bounded


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # (row number from 1, document number or "", field → message)
    rejected: list[tuple[int, str, dict[str, list[str]]]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def _row_errors(exc: ValidationError | PermissionDenied) -> dict[str, list[str]]:
    if isinstance(exc, PermissionDenied):
        return {"department": [str(exc)]}
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def policies_import(*, actor: Actor, rows: Sequence[object], publish: bool = False) -> ImportReport:
    """Create or update (by document number) each valid row; report every rejected row.

    Each row is saved in its own transaction, so a bad row never blocks the good ones.
    A row without a department belongs to the actor's department. With ``publish``,
    drafts are published (and pushed) as they are imported.
    """
    report = ImportReport()
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            report.rejected.append((number, "", {"__all__": [_("A row must be an object.")]}))
            continue
        doc = str(row.get("document_number") or "").strip()
        if doc and doc in seen:
            report.rejected.append(
                (number, doc, {"document_number": [_("This number appears twice in the file.")]})
            )
            continue
        data = dict(row)
        if not data.get("department"):
            data["department"] = actor.department.code
        try:
            with transaction.atomic():
                existing = Policy.objects.filter(document_number=doc).first() if doc else None
                if existing is None:
                    policy = policy_create(actor=actor, data=data, note="Imported")
                    report.created.append(policy.document_number)
                else:
                    policy, changed = policy_amend(
                        actor=actor, policy=existing, data=data, note="Imported update"
                    )
                    (report.updated if changed else report.unchanged).append(doc)
                if publish and policy.status == PolicyStatus.DRAFT:
                    policy_publish(actor=actor, policy=policy)
        except (ValidationError, PermissionDenied) as exc:
            report.rejected.append((number, doc, _row_errors(exc)))
        except IntegrityError:
            report.rejected.append(
                (number, doc, {"document_number": [_("A policy with this number exists.")]})
            )
        if doc:
            seen.add(doc)
    return report


def parse_json_rows(content: bytes | str) -> list[object]:
    """Rows of a JSON import file: a list of policies, or ``{"policies": [...]}``."""
    try:
        data = loads_bounded(content)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, JSONTooDeep
        raise ValidationError(_("The file is not valid JSON: %(e)s") % {"e": exc}) from None
    if isinstance(data, dict) and isinstance(data.get("policies"), list):
        data = data["policies"]
    if not isinstance(data, list):
        raise ValidationError(_("Expected a list of policies."))
    return data


def parse_csv_rows(content: bytes | str) -> list[Mapping[str, object]]:
    """Rows of a CSV file with a header line of field names (UTF-8, with or without BOM).

    List fields (topics, industries, firm_sizes, materials) separate values with ``;``;
    a material fetched from a dataset is written ``name@dataset``; ``eligibility`` is JSON.
    """
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(content))
    if not reader.fieldnames or "document_number" not in reader.fieldnames:
        raise ValidationError(
            _("The first line must name the columns, document_number among them.")
        )
    return [{k: v for k, v in row.items() if k is not None} for row in reader]
