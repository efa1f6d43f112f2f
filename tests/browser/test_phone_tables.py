"""On a phone (390 px) every table of rows becomes cards: each cell on its own line under its
column's label, and no page scrolls sideways. Walked in Chromium over the demo data, with
applications, reads, an objection and a sealed read added, as each kind of person sees them.
"""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, FilePayload, Page, ViewportSize

from ledger.services import ledger_sequence_all
from portal.accounts.models import Firm, User
from portal.composition.demo.accounts import DEMO_PASSWORD
from portal.departments.models import Department
from portal.exchange.constants import PurposeKind, SharingClass, SubjectKind
from portal.exchange.objections import objection_raise
from portal.exchange.services import Reader, dataset_upsert, exchange_read
from portal.services.constants import ApplicationStatus
from portal.services.models import ServiceItem
from portal.services.services import application_reference_read
from tests.factories import make_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}

# For each table of rows (one with a header row): is it cards, and does every cell of a row
# (not a "nothing here" cell spanning the columns) show its column's label above it?
TABLES = """() => {
  const out = [];
  for (const table of document.querySelectorAll("main table")) {
    const heads = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
    if (!heads.length) { out.push({rows: false}); continue; }
    const cells = [];
    for (const tr of table.querySelectorAll("tbody tr")) {
      [...tr.children].forEach((td, i) => {
        if (td.tagName !== "TD" || td.hasAttribute("colspan")) return;
        if (!td.childNodes.length) {  // an empty cell (no action here) is left out
          const display = getComputedStyle(td).display;
          if (display !== "none") cells.push({head: "(empty cell shown)", label: "", display});
          return;
        }
        const before = getComputedStyle(td, "::before").content;
        cells.push({
          head: heads[i] || "",
          label: before === "none" ? "" : before.replace(/^"|"$/g, ""),
          display: getComputedStyle(td).display,
        });
      });
    }
    out.push({rows: true, stacked: table.classList.contains("table--stack"),
              theadShown: table.querySelector("thead").getBoundingClientRect().height > 2,
              cells});
  }
  return out;
}"""


def sign_in(page: Page, base: str, username: str, firm: str | None = None) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    if firm is not None:
        page.goto(f"{base}/accounts/act-as/")
        page.get_by_label(firm, exact=False).check()
        page.get_by_role("button", name="切换").click()


def check_page(page: Page, base: str, path: str, *, min_cells: int) -> int:
    """Open ``path`` at 390 px: no sideways scrolling, every table of rows is labelled cards.
    Returns the number of cells checked (at least ``min_cells``)."""
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status == 200, path
    return check_tables(page, path, min_cells=min_cells)


def check_tables(page: Page, path: str, *, min_cells: int) -> int:
    """The page as it is now: no sideways scrolling, every table of rows labelled cards."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px"
    checked = 0
    for table in page.evaluate(TABLES):
        if not table["rows"]:
            continue
        assert table["stacked"], f"{path}: a table of rows is not table--stack"
        assert not table["theadShown"], f"{path}: the header row is still shown on a phone"
        for cell in table["cells"]:
            assert cell["display"] == "block", f"{path}: a cell is not on its own line"
            assert cell["label"] and cell["label"] == cell["head"], (path, cell)
            checked += 1
    assert checked >= min_cells, f"{path}: {checked} cells checked, expected {min_cells}"
    name = path.strip("/").replace("/", "-").replace("?", "-") or "home"
    page.screenshot(path=str(SCREENSHOTS / f"phone-table-{name}.png"), full_page=True)
    return checked


@pytest.fixture
def demo(db: None) -> dict[str, object]:
    call_command("seed_demo", stdout=io.StringIO())
    firm = Firm.objects.get(name="杭城智能科技有限公司")
    zhangsan = User.objects.get(username="zhangsan")
    firm_service = ServiceItem.objects.get(code="kjj-gxjsqyrd")
    citizen_service = ServiceItem.objects.get(code="mzj-dbsq")
    firm_app = make_application(
        firm_service, zhangsan, firm=firm, status=ApplicationStatus.SUBMITTED
    )
    make_application(citizen_service, zhangsan, status=ApplicationStatus.SUBMITTED)
    make_application(citizen_service, zhangsan)  # a draft
    # The science bureau's reviewer reads the firm's registration for the application; the
    # firm objects to it.
    reviewer = User.objects.get(username="kjj.reviewer")
    access = application_reference_read(
        application=firm_app, user=reviewer, dataset_code="scjg.business_registration"
    ).access
    objection_raise(access=access, user=zhangsan, text="为什么需要这些信息？", firm_id=firm.pk)
    # A sealed read by the police, for the sealed-reads page and the transparency report.
    investigator = User.objects.get(username="gaj.investigator")
    exchange_read(
        reader=Reader(department=investigator.department, user=investigator),  # type: ignore[arg-type]
        dataset_code="rsj.personal_social_insurance",
        subject_identifier=str(User.objects.get(username="wangwu").id_number),
        fields=None,
        purpose="涉嫌合同诈骗案侦查",
        purpose_kind=PurposeKind.COVERT_INVESTIGATION,
        legal_order="杭公刑侦〔2026〕12号",
        unseal_by=timezone.localdate() + dt.timedelta(days=30),
    )
    # A code with no place to break must not widen a card.
    dataset_upsert(
        code="sjj.a_very_long_dataset_code_without_any_place_to_break_it",
        name="很长代码的数据资源",
        owner=Department.objects.get(code="sjj"),
        subject_kind=SubjectKind.FIRM,
        sharing_class=SharingClass.CONDITIONAL,
        fields=[{"name": "n", "type": "integer", "label": "数量"}],
    )
    ledger_sequence_all()  # the reports count what the ledger holds
    return {"firm": firm, "policy_id": firm_service.department.policies.order_by("pk")[0].pk}


def test_every_table_is_labelled_cards_on_a_phone(
    live_server: object, browser: Browser, demo: dict[str, object]
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = str(live_server)
    policy_id = demo["policy_id"]
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)

    # Anyone: the transparency report and the sealed-reads report.
    check_page(page, base, "/transparency/", min_cells=4)
    check_page(page, base, "/transparency/sealed/", min_cells=5)
    check_page(page, base, f"/policies/{policy_id}/", min_cells=4)

    # A citizen, then acting for the firm.
    sign_in(page, base, "zhangsan")
    check_page(page, base, "/my/applications/", min_cells=10)
    check_page(page, base, "/my/notifications/", min_cells=0)
    sign_in(page, base, "zhangsan", firm="杭城智能科技有限公司")
    check_page(page, base, "/my/data-uses/", min_cells=7)
    check_page(page, base, "/my/objections/", min_cells=5)
    check_page(page, base, "/policies/for-me/", min_cells=3)

    # Staff of the science bureau: the work queue, reads, objections, the catalogue; a lookup.
    sign_in(page, base, "kjj.window_clerk")
    check_page(page, base, "/backoffice/services/queue/", min_cells=5)  # no submission time
    sign_in(page, base, "kjj.reviewer")
    check_page(page, base, "/backoffice/exchange/reads/", min_cells=7)
    check_page(page, base, "/backoffice/exchange/objections/", min_cells=6)
    check_page(page, base, "/backoffice/exchange/datasets/", min_cells=7)
    page.goto(f"{base}/backoffice/exchange/lookup/")
    page.get_by_label("数据资源").select_option("scjg.business_registration")
    page.get_by_label("身份证号码或统一社会信用代码").fill(demo["firm"].uscc)  # type: ignore[attr-defined]
    page.get_by_label("用途").fill("核对企业登记信息")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    assert page.locator("table.exchange-result td").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # A data steward decides on grants; the department's administrator sees its staff and
    # its policies; the audit office's administrator assigns auditors; an investigator.
    sign_in(page, base, "swj.data_steward")
    check_page(page, base, "/backoffice/exchange/grants/", min_cells=7)
    sign_in(page, base, "kjj.department_admin")
    check_page(page, base, "/backoffice/departments/kjj/staff/", min_cells=3)
    check_page(page, base, "/policies/backoffice/", min_cells=5)
    check_page(page, base, f"/policies/backoffice/{policy_id}/", min_cells=5)
    check_page(page, base, "/policies/supervision/", min_cells=10)
    check_page(page, base, f"/policies/supervision/{policy_id}/", min_cells=0)
    # Import reports: the rows to correct are cards too.
    page.goto(f"{base}/policies/backoffice/import/")
    page.get_by_label("JSON 或 CSV 文件").set_input_files(
        FilePayload(name="p.json", mimeType="application/json", buffer=b'[{"title": "x"}]')
    )
    page.get_by_role("button", name="导入").click()
    page.wait_for_load_state()
    check_tables(page, "policies-import-report", min_cells=3)
    sign_in(page, base, "scjg.data_steward")
    page.goto(f"{base}/backoffice/exchange/datasets/scjg.business_registration/import/")
    page.get_by_label("CSV 文件").set_input_files(
        FilePayload(name="r.csv", mimeType="text/csv", buffer=b"subject,name\nBAD,x\n")
    )
    page.get_by_role("button", name="导入").click()
    page.wait_for_load_state()
    check_tables(page, "records-import-report", min_cells=2)
    sign_in(page, base, "sjj.department_admin")
    check_page(page, base, "/backoffice/audit/", min_cells=4)
    sign_in(page, base, "gaj.investigator")
    check_page(page, base, "/backoffice/exchange/sealed/", min_cells=6)
    context.close()


def test_tables_stay_tables_on_a_desktop(
    live_server: object, browser: Browser, demo: dict[str, object]
) -> None:
    """At 1280 px the header row is shown and cells sit side by side, unlabelled."""
    base = str(live_server)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, "kjj.window_clerk")
    page.goto(f"{base}/backoffice/services/queue/")
    tables = page.evaluate(TABLES)
    assert tables and tables[0]["theadShown"]
    assert {c["display"] for c in tables[0]["cells"]} == {"table-cell"}
    assert {c["label"] for c in tables[0]["cells"]} == {""}
    page.screenshot(path=str(SCREENSHOTS / "desk-table-queue.png"), full_page=True)
    context.close()
