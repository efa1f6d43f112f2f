"""The public transparency report and sealed-reads page: counted from the public entries, equal
to a recomputation from the entry bytes (``ledger.core.report``), no sign-in, nothing personal."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ledger.core.report import report_from_entries
from ledger.models import Entry
from ledger.report import main as report_main
from ledger.services import ledger_sequence_all
from portal.departments.constants import StaffRole
from portal.exchange.constants import PurposeKind
from portal.exchange.models import Objection
from portal.exchange.objections import objection_answer, objection_raise
from portal.exchange.services import Reader, exchange_read
from portal.exchange.transparency import report_from_database
from portal.exchange.unsealing import sealed_read_unseal
from tests.factories import FIRM_CODE, World, make_citizen, make_staff, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def populate(world: World) -> dict[str, Any]:
    """Ordinary reads (granted and refused), three sealed reads (one unsealed, one overdue,
    one not due) and objections, one answered."""
    clerk = make_staff(world.reader, StaffRole.WINDOW_CLERK)
    investigator = make_staff(world.reader, StaffRole.INVESTIGATOR)
    admin = make_staff(world.reader, StaffRole.DEPARTMENT_ADMIN)
    reads = []
    for code in (world.open.code, world.open.code, world.closed.code):
        reads.append(
            exchange_read(
                reader=Reader(department=world.reader, user=clerk),
                dataset_code=code,
                subject_identifier=FIRM_CODE,
                fields=None,
                purpose="审核",
            ).access
        )
    today = timezone.localdate()
    sealed = [
        exchange_read(
            reader=Reader(department=world.reader, user=investigator),
            dataset_code=world.open.code,
            subject_identifier=FIRM_CODE,
            fields=None,
            purpose="侦查",
            purpose_kind=PurposeKind.COVERT_INVESTIGATION,
            legal_order="杭公刑查字〔2026〕9号",
            unseal_by=today + dt.timedelta(days=days),
        ).access
        for days in (0, 1, 30)
    ]
    ledger_sequence_all()
    sealed_read_unseal(access_id=str(sealed[1].pk), actor=admin)
    ledger_sequence_all()
    person = make_citizen()
    first = objection_raise(access=reads[0], user=person, text="我没有申请", firm_id=None)
    objection_raise(access=reads[1], user=person, text="为何查询", firm_id=None)
    objection_answer(actor=admin, objection=first, response="依申请审核")
    return {"today": today, "overdue_on": today + dt.timedelta(days=2)}


def test_the_report_equals_a_recomputation_from_the_entry_bytes(world: World) -> None:
    setup = populate(world)
    data = [bytes(d) for d in Entry.objects.order_by("index").values_list("data", flat=True)]
    for day in (setup["today"], setup["overdue_on"]):
        database = report_from_database(today=day)
        assert database == report_from_entries(data, today=day)
    report = report_from_database(today=setup["overdue_on"])
    assert sum(r.count for r in report.reads) == 6  # 3 ordinary + 3 sealed; unseal entry not
    assert [(s.sealed, s.unsealed, s.overdue) for s in report.sealed] == [(3, 1, 1)]
    (overdue,) = report.overdue
    assert overdue.days_overdue == 2 and overdue.department == world.reader.code


def test_python_m_ledger_report_reads_an_export(world: World, tmp_path: Any) -> None:
    """The offline command prints the same figures from a tiles directory."""
    setup = populate(world)
    rows = list(Entry.objects.order_by("index").values_list("data", flat=True))
    (tmp_path / "checkpoint").write_text(f"origin\n{len(rows)}\nroot\n")
    bundle = b"".join(len(bytes(d)).to_bytes(2, "big") + bytes(d) for d in rows)
    tile = tmp_path / "tile" / "entries" / "000.p"
    tile.mkdir(parents=True)
    (tile / str(len(rows))).write_bytes(bundle)
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        code = report_main(["--tiles", str(tmp_path), "--today", str(setup["overdue_on"])])
    assert code == 0
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert ["sealed", timezone.now().strftime("%Y-%m"), world.reader.code, "3", "1", "1"] in lines
    assert report_main(["--tiles", str(tmp_path / "missing")]) == 2


def test_the_public_pages_show_the_figures_without_sign_in_and_nothing_personal(
    world: World,
) -> None:
    populate(world)
    client = Client()
    report = client.get(reverse("exchange:transparency_report")).content.decode()
    assert world.reader.name in report and world.open.name in report
    sealed = client.get(reverse("exchange:transparency_sealed")).content.decode()
    assert world.reader.name in sealed
    for page in (report, sealed):
        assert FIRM_CODE not in page and "杭公刑查字" not in page and "侦查</td>" not in page
    bad = client.get(reverse("exchange:transparency_report"), {"month": "2026-13"})
    assert bad.status_code == 400 and "2026-03" in bad.content.decode()


@pytest.mark.parametrize(
    ("language", "header"),
    [("zh-hans", ["月份", "部门代码", "部门"]), ("en", ["Month", "Department code", "Department"])],
)
def test_the_csv_headers_are_in_the_users_language(
    world: World, language: str, header: list[str]
) -> None:
    populate(world)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for part, count_column in (("reads", 6), ("sealed", 3), ("objections", 3)):
        response = client.get(reverse("exchange:transparency_report_csv"), {"part": part})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == header
        assert all(row[1] == world.reader.code for row in rows[1:])
        assert rows[1][count_column].isdigit()
    objections = client.get(reverse("exchange:transparency_report_csv"), {"part": "objections"})
    (row,) = list(csv.reader(io.StringIO(objections.content.decode("utf-8-sig"))))[1:]
    assert row[3:] == ["2", "1", "1"]
    assert Objection.objects.count() == 2
    refused = client.get(reverse("exchange:transparency_report_csv"), {"part": "people"})
    assert refused.status_code == 400


def test_the_report_page_costs_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    populate(world)
    client = Client()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("exchange:transparency_report")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("exchange:transparency_sealed")).status_code == 200
