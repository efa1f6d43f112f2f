"""Site-wide layout in Chromium at a desktop and a phone width: no page scrolls sideways, the
header is one compact line on a phone with a menu that opens without JavaScript, checkboxes
and radios sit beside their labels, and English pages show English content."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from portal.accounts.models import User
from portal.departments.constants import StaffRole
from portal.departments.services import audit_assignment_create, department_upsert
from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.services import dataset_upsert
from tests.factories import PASSWORD, make_citizen, make_firm, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]
PUBLIC = ["/", "/services/", "/policies/", "/accounts/sign-in/", "/accounts/sign-up/"]
CITIZEN = ["/", "/my/applications/", "/my/data-uses/", "/my/notifications/", "/accounts/act-as/"]
STAFF = [
    "/backoffice/",
    "/backoffice/services/queue/",
    "/backoffice/exchange/datasets/",
    "/backoffice/exchange/grants/",
    "/backoffice/exchange/reads/",
    "/backoffice/exchange/lookup/",
    "/backoffice/audit/",
    "/policies/backoffice/",
    "/policies/supervision/",
]


@pytest.fixture
def world(db: None) -> dict[str, User]:
    office = department_upsert(
        code="sjj",
        name="市数据资源管理局",
        name_en="Municipal Data Resources Bureau",
        region="330100",
        is_audit_office=True,
    )
    dataset_upsert(
        code="sjj.very_long_dataset_code_that_must_wrap_on_a_phone",
        name="企业社保缴纳和参保人数",
        name_en="Social insurance contributions and headcount",
        owner=office,
        subject_kind=SubjectKind.FIRM,
        sharing_class=SharingClass.CONDITIONAL,
        fields=[
            {"name": n, "type": "integer", "label": f"字段{n}", "label_en": f"Field {n}"}
            for n in ("insured_headcount", "contribution_months", "in_arrears_months")
        ],
    )
    citizen = make_citizen(username="walker")
    from portal.accounts.constants import RepresentativeRole
    from portal.accounts.services import firm_representative_set

    firm_representative_set(
        firm=make_firm("一家名字相当长的杭州智能科技有限公司"),
        user=citizen,
        role=RepresentativeRole.LEGAL_REPRESENTATIVE,
    )
    admin = make_staff(office, StaffRole.DEPARTMENT_ADMIN, StaffRole.WINDOW_CLERK, username="boss")
    root = User.objects.create_superuser("root", "root@example.cn", "Root-Pass-2026")
    audit_assignment_create(actor=root, auditor=admin, all_departments=True)
    return {"citizen": citizen, "staff": admin}


@pytest.fixture
def phone_and_desk(browser: Browser) -> Iterator[dict[int, Page]]:
    contexts = [browser.new_context(viewport={"width": w, "height": 800}) for w in WIDTHS]
    pages = {w: c.new_page() for w, c in zip(WIDTHS, contexts, strict=True)}
    yield pages
    for c in contexts:
        c.close()


def _sign_in(page: Page, base: str, path: str, username: str) -> None:
    page.goto(f"{base}{path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _assert_fits(page: Page, width: int, url: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{url} at {width} px scrolls sideways by {overflow} px"
    header = page.locator(".site-header").bounding_box()
    assert header is not None
    if width < 500:
        # One line: the brand, the language switch and the menu button.
        assert header["height"] < 90, f"{url}: the header is {header['height']} px high"
        assert not _shown(page, ".main-nav a"), f"{url}: the links are folded into the menu"
    else:
        assert _shown(page, ".main-nav a"), f"{url}: on a wide screen the links are shown"


# Playwright calls whatever is inside a closed <details> hidden; what counts is what a person
# sees: a box with a size, on top at its own position (the wide-screen menu is a closed
# <details> whose content the stylesheet shows).
SHOWN = """el => {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return false;
  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  return hit !== null && (hit === el || el.contains(hit));
}"""


def _shown(page: Page, selector: str) -> bool:
    return bool(page.locator(selector).first.evaluate(SHOWN))


def _walk(pages: dict[int, Page], base: str, urls: list[str]) -> None:
    for width, page in pages.items():
        for url in urls:
            response = page.goto(f"{base}{url}")
            assert response is not None and response.status == 200, url
            _assert_fits(page, width, url)


def test_no_page_scrolls_sideways_and_the_phone_header_is_one_line(
    live_server: object, phone_and_desk: dict[int, Page], world: dict[str, User]
) -> None:
    base = str(live_server)
    _walk(phone_and_desk, base, PUBLIC)
    for page in phone_and_desk.values():
        _sign_in(page, base, "/accounts/sign-in/", "walker")
        page.goto(f"{base}/accounts/act-as/")
        page.locator("input[name=firm_id]").last.check()
        page.get_by_role("button", name="切换").click()
    _walk(phone_and_desk, base, CITIZEN)
    for page in phone_and_desk.values():
        page.context.clear_cookies()
        _sign_in(page, base, "/backoffice/sign-in/", "boss")
    _walk(phone_and_desk, base, STAFF)


def test_the_phone_menu_opens_without_javascript(browser: Browser, live_server: object) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/")
    assert not _shown(page, ".site-menu .account a")
    page.locator(".site-menu > summary").click()
    assert _shown(page, ".site-menu .account a") and _shown(page, ".main-nav a")
    expect(page.locator(".site-menu .account")).to_contain_text("登录")
    menu = page.locator(".site-menu-body").bounding_box()
    assert menu is not None and menu["x"] >= 0 and menu["x"] + menu["width"] <= 390
    # The language switch stays outside the menu.
    expect(page.get_by_role("button", name="English")).to_be_visible()
    context.close()


def _beside(page: Page, box_selector: str, label_text: str) -> None:
    box = page.locator(box_selector).bounding_box()
    label = page.locator("label", has_text=label_text).first.bounding_box()
    assert box is not None and label is not None
    gap = label["x"] - (box["x"] + box["width"])
    assert 0 <= gap <= 16, f"{label_text!r} is {gap} px from its box"
    assert abs((box["y"] + box["height"] / 2) - (label["y"] + 12)) < 14, "not on one line"
    assert box["width"] < 30, "the box keeps its own size"


@pytest.mark.parametrize("width", WIDTHS)
def test_checkboxes_sit_beside_their_labels(
    live_server: object, browser: Browser, world: dict[str, User], width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    base = str(live_server)
    page.goto(f"{base}/policies/")
    _beside(page, "input[name=open_now]", "正在申报")
    _sign_in(page, base, "/backoffice/sign-in/", "boss")
    page.goto(f"{base}/backoffice/audit/")
    _beside(page, "input[name=all_departments]", "全部部门")
    # A choice of a group: the box inside its label, on the label's one line.
    choice = page.locator("label", has_text="市数据资源管理局").first
    box, label = choice.locator("input").bounding_box(), choice.bounding_box()
    assert box is not None and label is not None
    assert label["x"] <= box["x"] < label["x"] + 8 and label["height"] < 40
    assert label["y"] <= box["y"] and box["y"] + box["height"] <= label["y"] + label["height"]
    context.close()


def test_english_pages_show_english_content(
    live_server: object, browser: Browser, world: dict[str, User]
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    base = str(live_server)
    _sign_in(page, base, "/backoffice/sign-in/", "boss")
    page.get_by_role("button", name="English").click()
    page.goto(f"{base}/backoffice/exchange/datasets/")
    table = page.locator("main table")
    expect(table).to_contain_text("Social insurance contributions and headcount")
    expect(table).to_contain_text("Municipal Data Resources Bureau")
    expect(table).to_contain_text("Field insured_headcount")
    assert "企业社保" not in table.inner_text() and "市数据" not in table.inner_text()
    context.close()
