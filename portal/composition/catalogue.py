"""The catalogue loader: departments, topics and life events, datasets, services and policies
from JSON files, through the same services the admin and the API use (``manage.py
catalogue_load <dir|file>``; the demo's own catalogue is ``portal/composition/demo/catalogue``).

A catalogue directory holds::

    departments.json        a list of departments (a parent before its children)
    themes.json             a list of topics and life events
    datasets/<code>.json    one dataset of the exchange each
    services/<code>.json    one service each (guide, materials, form schema)
    policies/<set>.json     a policy set: {"publish": true|false, "policies": [...]}

Each record has the fields of its service (``department_upsert``, ``theme_upsert``,
``dataset_upsert``, ``service_item_upsert``; a policy set is what the policy import accepts),
with a department, an owner or a parent named by its code. Loading is idempotent (upserts by
code or document number) and all-or-nothing: every bad file is reported with what to fix, and
then nothing is kept.
"""

import inspect
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portal.departments.models import Department

# The kinds of file, in the order they load (each may name things of the ones before).
KINDS = ("departments", "themes", "datasets", "services", "policies")


@dataclass(frozen=True)
class Problem:
    path: Path
    where: str  # the record or field the message is about ("" for the whole file)
    message: str

    def __str__(self) -> str:
        return (
            f"{self.path}: {self.where}: {self.message}"
            if self.where
            else (f"{self.path}: {self.message}")
        )


@dataclass
class CatalogueReport:
    loaded: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class CatalogueError(Exception):
    """The catalogue had problems; nothing of it was kept."""

    def __init__(self, report: CatalogueReport) -> None:
        self.report = report
        super().__init__("\n".join(str(p) for p in report.problems))


Adjust = Callable[[str, dict[str, Any]], dict[str, Any]]


def catalogue_files(path: Path) -> list[tuple[str, Path]]:
    """The catalogue's files with their kinds, in loading order; a single file's kind is its
    name (``departments.json``, ``themes.json``) or its folder's (``services/x.json``), and
    a kind's folder (``services/``) holds files of that kind."""
    if path.is_file():
        kind = path.stem if path.stem in ("departments", "themes") else path.parent.name
        return [(kind, path)]
    if path.name in KINDS and path.name not in ("departments", "themes"):
        return [(path.name, p) for p in sorted(path.glob("*.json"))]  # one kind's folder
    found: list[tuple[str, Path]] = []
    for kind in KINDS:
        if kind in ("departments", "themes"):
            found += [(kind, p) for p in [path / f"{kind}.json"] if p.is_file()]
        elif (path / kind).is_dir():
            found += [(kind, p) for p in sorted((path / kind).glob("*.json"))]
    return found


@transaction.atomic
def catalogue_load(
    *, path: Path, kinds: Iterable[str] = KINDS, adjust: Adjust | None = None
) -> CatalogueReport:
    """Load the catalogue at ``path`` (a directory or one file), only the ``kinds`` given.

    ``adjust`` may change each record before it is checked (the demo moves its policies'
    dates to today). Raises ``CatalogueError`` with every problem found, keeping nothing.
    """
    wanted = set(kinds)
    report = CatalogueReport()
    if not path.exists():
        report.problems.append(Problem(path, "", "There is no such file or directory."))
        raise CatalogueError(report)
    files = [(kind, p) for kind, p in catalogue_files(path) if kind in wanted]
    if not files:
        report.problems.append(
            Problem(path, "", f"No catalogue files here (expected {', '.join(KINDS)}).")
        )
    for kind, file in files:
        loader = _LOADERS.get(kind)
        if loader is None:
            report.problems.append(
                Problem(file, "", f"Unknown kind {kind!r}: put it in one of {', '.join(KINDS)}.")
            )
            continue
        try:
            content = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            report.problems.append(Problem(file, "", f"Not a readable JSON file: {exc}"))
            continue
        # Each record is saved in its own savepoint, so one bad record does not hide the
        # problems of the files after it; raising at the end keeps nothing at all.
        problems: list[Problem] = []
        count = loader(file, content, adjust or _same, problems)
        report.problems += problems
        if not problems:
            report.loaded[kind] = report.loaded.get(kind, 0) + count
    if report.problems:
        raise CatalogueError(report)
    return report


def _same(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    return record


def _messages(exc: ValidationError | PermissionDenied) -> list[tuple[str, str]]:
    if isinstance(exc, PermissionDenied):
        return [("department", str(exc))]
    if hasattr(exc, "error_dict"):
        return [(name, str(m)) for name, ms in exc.message_dict.items() for m in ms]
    return [("", str(m)) for m in exc.messages]


def _department(code: object) -> Department:
    found = Department.objects.filter(code=str(code or "")).first()
    if found is None:
        raise ValidationError(f"There is no department {code!r}: load departments.json first.")
    return found


def _call(
    service: Callable[..., object],
    record: object,
    *,
    codes: Mapping[str, Callable[[object], object]],
    file: Path,
    where: str,
    problems: list[Problem],
) -> bool:
    """Call ``service`` with the record's fields (codes turned into objects); a problem for
    each unknown or missing field and each error the service raises."""
    if not isinstance(record, dict):
        problems.append(Problem(file, where, "A record must be a JSON object."))
        return False
    parameters = inspect.signature(service).parameters
    unknown = sorted(set(record) - set(parameters))
    missing = sorted(
        n for n, p in parameters.items() if p.default is inspect.Parameter.empty and n not in record
    )
    for name in unknown:
        problems.append(
            Problem(file, f"{where}.{name}", f"Unknown field; known: {', '.join(parameters)}.")
        )
    for name in missing:
        problems.append(Problem(file, f"{where}.{name}", "This field is required."))
    if unknown or missing:
        return False
    arguments = dict(record)
    try:
        for name, lookup in codes.items():
            if arguments.get(name):
                arguments[name] = lookup(arguments[name])
            elif name in arguments:
                arguments[name] = None
        with transaction.atomic():
            service(**arguments)
    except (ValidationError, PermissionDenied) as exc:
        for name, message in _messages(exc):
            problems.append(Problem(file, f"{where}.{name}" if name else where, message))
        return False
    except (TypeError, ValueError) as exc:
        problems.append(Problem(file, where, f"A field has the wrong type: {exc}"))
        return False
    return True


def _records(file: Path, content: object, problems: list[Problem]) -> list[object]:
    if not isinstance(content, list):
        problems.append(Problem(file, "", "Expected a JSON list of records."))
        return []
    return content


def _load_departments(file: Path, content: object, adjust: Adjust, problems: list[Problem]) -> int:
    from portal.departments.services import department_upsert

    def upsert(**fields: Any) -> object:
        department = Department(**{k: v for k, v in fields.items() if k != "parent"})
        department.full_clean(exclude=["parent"], validate_unique=False)
        return department_upsert(**fields)

    upsert.__signature__ = inspect.signature(department_upsert)  # type: ignore[attr-defined]
    count = 0
    for n, record in enumerate(_records(file, content, problems), start=1):
        where = f"record {n} ({record.get('code', '?')})" if isinstance(record, dict) else str(n)
        record = adjust("departments", record) if isinstance(record, dict) else record
        ok = _call(
            upsert,
            record,
            codes={"parent": _department},
            file=file,
            where=where,
            problems=problems,
        )
        count += ok
    return count


def _load_themes(file: Path, content: object, adjust: Adjust, problems: list[Problem]) -> int:
    from portal.services.constants import ThemeKind
    from portal.services.services import theme_upsert

    def kind(value: object) -> ThemeKind:
        if value not in ThemeKind.values:
            raise ValidationError(
                {"kind": f"Unknown kind {value!r}; one of {', '.join(ThemeKind.values)}."}
            )
        return ThemeKind(str(value))

    count = 0
    for n, record in enumerate(_records(file, content, problems), start=1):
        where = f"record {n} ({record.get('code', '?')})" if isinstance(record, dict) else str(n)
        record = adjust("themes", record) if isinstance(record, dict) else record
        count += _call(
            theme_upsert, record, codes={"kind": kind}, file=file, where=where, problems=problems
        )
    return count


def _load_dataset(file: Path, content: object, adjust: Adjust, problems: list[Problem]) -> int:
    from portal.exchange.services import dataset_upsert

    record = adjust("datasets", content) if isinstance(content, dict) else content
    ok = _call(
        dataset_upsert,
        record,
        codes={"owner": _department},
        file=file,
        where="dataset",
        problems=problems,
    )
    return int(ok)


def _load_service(file: Path, content: object, adjust: Adjust, problems: list[Problem]) -> int:
    from portal.services.services import service_item_upsert

    record = adjust("services", content) if isinstance(content, dict) else content
    ok = _call(
        service_item_upsert,
        record,
        codes={"department": _department},
        file=file,
        where="service",
        problems=problems,
    )
    return int(ok)


def _load_policies(file: Path, content: object, adjust: Adjust, problems: list[Problem]) -> int:
    """A policy set, imported per issuing department by that department's system (as the
    department's case system calls the import API)."""
    from policies.services import Actor, policies_import

    if not isinstance(content, dict) or not isinstance(content.get("policies"), list):
        problems.append(Problem(file, "", 'Expected {"publish": true|false, "policies": [...]}.'))
        return 0
    publish = content.get("publish", False)
    if not isinstance(publish, bool):
        problems.append(Problem(file, "publish", "Give true or false."))
        return 0
    by_department: dict[str, list[tuple[int, object]]] = {}
    for n, row in enumerate(content["policies"], start=1):
        code = str(row.get("department") or "") if isinstance(row, dict) else ""
        by_department.setdefault(code, []).append(
            (n, adjust("policies", row) if isinstance(row, dict) else row)
        )
    count = 0
    for code, rows in by_department.items():
        department = Department.objects.filter(code=code).first()
        system = (
            None
            if department is None
            else department.systems.filter(is_active=True).order_by("pk").first()
        )
        if department is None or system is None:
            for n, _row in rows:
                problems.append(
                    Problem(
                        file,
                        f"policy {n}.department",
                        f"Department {code!r} does not exist or has no active system to import as.",
                    )
                )
            continue
        report = policies_import(
            actor=Actor(department=department, system=system),
            rows=[row for _n, row in rows],
            publish=publish,
        )
        for number, doc, errors in report.rejected:
            n = rows[number - 1][0]
            for name, messages in errors.items():
                for message in messages:
                    problems.append(Problem(file, f"policy {n} ({doc}).{name}", message))
        count += report.accepted
    return count


_LOADERS: dict[str, Callable[[Path, object, Adjust, list[Problem]], int]] = {
    "departments": _load_departments,
    "themes": _load_themes,
    "datasets": _load_dataset,
    "services": _load_service,
    "policies": _load_policies,
}
