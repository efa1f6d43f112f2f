"""No code path reads department records except the exchange's one read function."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The model's own module, and the exchange services (the chokepoint, and the owner's writes).
ALLOWED = {"portal/exchange/models.py", "portal/exchange/services.py"}


def touches_records(source: str) -> bool:
    """True if the module names DatasetRecord or follows a ``dataset.records`` relation."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "DatasetRecord":
            return True
        if isinstance(node, ast.Attribute) and (
            node.attr == "DatasetRecord"
            or (node.attr == "records" and "dataset" in ast.unparse(node.value).lower())
        ):
            return True
        if isinstance(node, ast.ImportFrom) and any(a.name == "DatasetRecord" for a in node.names):
            return True
    return False


def test_dataset_records_are_touched_only_by_the_exchange_services() -> None:
    offenders = []
    for folder in ("portal", "policies", "ledger"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in ALLOWED:
                continue
            if touches_records(path.read_text(encoding="utf-8")):
                offenders.append(relative)
    assert offenders == [], f"read department records through exchange_read only: {offenders}"


def test_the_guard_tells_a_direct_read_from_the_chokepoint() -> None:
    assert touches_records("from portal.exchange.models import DatasetRecord\n")
    assert touches_records("rows = dataset.records.filter(subject_identifier=x)\n")
    assert not touches_records(
        "from portal.exchange.services import exchange_read\nexchange_read(reader=r)\n"
    )
