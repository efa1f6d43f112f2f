"""'Who used my data' in headless Debian Chromium: every row checked in the person's browser
against the pinned policy, tampering with the portal's JSON turns the row red with its reason,
a rollback against the checkpoint seen last is reported, and without JavaScript everything is
still listed. The 50-read time is printed (benchmarks/browser_verifier.py measures it too)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from ledger.constants import KeyKind
from ledger.core.checkpoint import cosign
from ledger.core.notes import parse_note
from ledger.core.signing import ALG_COSIGNATURE_V1, generate
from ledger.models import Cosignature, LedgerKey, Witness
from ledger.services import checkpoint_create, ledger_sequence_all
from portal.accounts.models import User
from portal.departments.constants import StaffRole
from portal.exchange.constants import SharingClass, SubjectKind
from portal.exchange.services import Reader, dataset_upsert, exchange_read, record_put
from tests.factories import PASSWORD, make_citizen, make_department, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WITNESS = generate("witness.browser.test", ALG_COSIGNATURE_V1)
STORAGE_KEY = f"access-ledger/last-checkpoint/{settings.LEDGER_ORIGIN}"
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


def cosign_latest() -> None:
    """A witness of the policy (an active Witness) co-signs a checkpoint of the whole log."""
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    Witness.objects.get_or_create(
        name=WITNESS.name, defaults={"url": "http://127.0.0.1:9/", "vkey": WITNESS.vkey}
    )
    LedgerKey.objects.get_or_create(
        vkey=WITNESS.vkey, defaults={"name": WITNESS.name, "kind": KeyKind.WITNESS}
    )
    text, _sigs = parse_note(checkpoint.note)
    Cosignature.objects.get_or_create(
        checkpoint=checkpoint, witness_name=WITNESS.name, defaults={"line": cosign(text, WITNESS)}
    )


def person_with_reads(n: int) -> User:
    owner, reader = make_department(name="公安局"), make_department(name="民政局")
    dataset = dataset_upsert(
        code=f"{owner.code}.household",
        name="户籍信息",
        owner=owner,
        subject_kind=SubjectKind.CITIZEN,
        sharing_class=SharingClass.UNCONDITIONAL,
        fields=[
            {"name": "address", "type": "string", "label": "地址", "label_en": "Address"},
            {"name": "in_arrears", "type": "boolean", "label": "是否欠费", "label_en": "Arrears"},
        ],
    )
    alice = make_citizen()
    record_put(
        dataset=dataset,
        department=owner,
        subject_identifier=str(alice.id_number),
        data={"address": "文三路1号"},
    )
    staff = make_staff(reader, StaffRole.REVIEWER)
    for i in range(n):
        exchange_read(
            reader=Reader(department=reader, user=staff),
            dataset_code=dataset.code,
            subject_identifier=str(alice.id_number),
            fields=None,
            purpose=f"最低生活保障审核 {i}",
            application_number=f"SQ-2026-{i:06d}",
        )
    ledger_sequence_all()
    cosign_latest()
    return alice


def signed_in(browser: Browser, base: str, user: User, **options: Any) -> BrowserContext:
    context = browser.new_context(locale="zh-CN", **options)
    page = context.new_page()
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "sign-in" not in url)
    page.close()
    return context


def open_checked(context: BrowserContext, base: str) -> Page:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{base}/my/data-uses/")
    page.wait_for_function("() => document.documentElement.dataset.ledgerCheck !== undefined")
    assert errors == [], errors
    assert page.evaluate("document.documentElement.dataset.ledgerCheck") != "failed", page.locator(
        "#verify-status"
    ).text_content()
    return page


def checks(page: Page) -> list[str]:
    found = page.eval_on_selector_all("tr[data-event]", "trs => trs.map(t => t.dataset.check)")
    return [str(value) for value in found]


def tamper_json(page: Page, change: Callable[[dict[str, Any]], None]) -> None:
    def handle(route: Route) -> None:
        response = route.fetch()
        data = response.json()
        change(data)
        route.fulfill(response=response, body=json.dumps(data))

    page.route("**/my/data-uses/verification.json*", handle)


@pytest.fixture
def alice() -> User:
    return person_with_reads(3)


def test_every_row_is_checked_in_the_browser(
    live_server: object, browser: Browser, alice: User
) -> None:
    base = str(live_server)
    context = signed_in(browser, base, alice, viewport={"width": 1280, "height": 900})
    page = open_checked(context, base)
    assert checks(page) == ["ok", "ok", "ok"]
    expect(page.locator("tr[data-event] td.check").first).to_have_text("✔ 已在您的浏览器中核验")
    expect(page.locator("#verify-status")).to_contain_text("核验了 3 行")
    stored = json.loads(page.evaluate(f"localStorage.getItem({json.dumps(STORAGE_KEY)})"))
    assert stored["size"] == 3 and len(base64.b64decode(stored["root"])) == 32
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "data-uses-zh-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "data-uses-zh-390.png"), full_page=True)
    context.close()


def test_the_english_page_checks_in_english_and_fits_a_phone(
    live_server: object, browser: Browser, alice: User
) -> None:
    base = str(live_server)
    context = signed_in(browser, base, alice, viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page = open_checked(context, base)
    assert checks(page) == ["ok", "ok", "ok"]
    expect(page.locator("tr[data-event] td.check").first).to_have_text("✔ checked in your browser")
    expect(page.locator("tbody")).to_contain_text("Address")
    page.screenshot(path=str(SCREENSHOTS / "data-uses-en-390.png"), full_page=True)
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 390)"
        ".map(e => e.tagName + '.' + e.className + ':' + e.textContent.slice(0, 40))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "data-uses-en-1280.png"), full_page=True)
    context.close()


def _entry(row: dict[str, Any]) -> bytes:
    return base64.b64decode(row["entry"])


def _set_entry(row: dict[str, Any], data: bytes) -> None:
    row["entry"] = base64.b64encode(data).decode()


def _flip_hex(text: str) -> str:
    data = bytearray.fromhex(text)
    data[0] ^= 1
    return data.hex()


def _other_label(row: dict[str, Any]) -> None:
    data = _entry(row)
    label = json.loads(data)["label"]
    _set_entry(
        row, data.replace(label.encode(), (("1" if label[0] != "1" else "2") + label[1:]).encode())
    )


def _entry_byte(row: dict[str, Any]) -> None:
    _set_entry(row, _entry(row).replace(b'"granted"', b'"refused"'))


def _inclusion_hash(row: dict[str, Any]) -> None:
    first = bytearray(base64.b64decode(row["inclusion"][0]))
    first[0] ^= 1
    row["inclusion"][0] = base64.b64encode(bytes(first)).decode()


def _checkpoint(data: dict[str, Any]) -> None:
    lines = data["checkpoint"].split("\n")
    lines[2] = base64.b64encode(bytes(32)).decode()  # another root, same signature lines
    data["checkpoint"] = "\n".join(lines)


def _cosignature(data: dict[str, Any]) -> None:
    lines = data["checkpoint"].split("\n")
    for i, line in enumerate(lines):
        if line.startswith(f"\u2014 {WITNESS.name} "):
            prefix, b64 = line.rsplit(" ", 1)
            raw = bytearray(base64.b64decode(b64))
            raw[-1] ^= 1
            lines[i] = f"{prefix} {base64.b64encode(bytes(raw)).decode()}"
    data["checkpoint"] = "\n".join(lines)


ROW_TAMPERING: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("opening", lambda r: r.update(opening=_flip_hex(r["opening"])), "commitment", "承诺不符"),
    ("label", _other_label, "label", "标签不属于您"),
    ("entry byte", _entry_byte, "inclusion", "不在检查点中"),
    ("inclusion hash", _inclusion_hash, "inclusion", "包含证明未通过"),
    ("VRF proof", lambda r: r.update(vrf_proof=_flip_hex(r["vrf_proof"])), "label", "VRF"),
]


@pytest.mark.parametrize(
    ("what", "tamper", "code", "words"), ROW_TAMPERING, ids=[t[0] for t in ROW_TAMPERING]
)
def test_a_tampered_row_turns_red_with_its_reason(
    live_server: object,
    browser: Browser,
    alice: User,
    what: str,
    tamper: Callable[[dict[str, Any]], None],
    code: str,
    words: str,
) -> None:
    base = str(live_server)
    context = signed_in(browser, base, alice)
    page = context.new_page()
    tamper_json(page, lambda data: tamper(data["rows"][1]))
    page.goto(f"{base}/my/data-uses/")
    page.wait_for_function("() => document.documentElement.dataset.ledgerCheck !== undefined")
    assert checks(page) == ["ok", f"failed:{code}", "ok"], what
    row = page.locator("tr[data-event]").nth(1)
    expect(row).to_have_class("row--failed")
    expect(row.locator("td.check")).to_contain_text("核验未通过")
    expect(row.locator("td.check")).to_contain_text(words)
    expect(page.locator("#verify-status")).to_contain_text("发现问题")
    context.close()


LOG_TAMPERING: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("checkpoint signature", _checkpoint, "checkpoint_signature", "没有账本密钥的有效签名"),
    ("witness cosignature", _cosignature, "witness_signature", "联署签名是伪造的"),
]


@pytest.mark.parametrize(
    ("what", "tamper", "code", "words"), LOG_TAMPERING, ids=[t[0] for t in LOG_TAMPERING]
)
def test_a_tampered_checkpoint_turns_every_row_red(
    live_server: object,
    browser: Browser,
    alice: User,
    what: str,
    tamper: Callable[[dict[str, Any]], None],
    code: str,
    words: str,
) -> None:
    base = str(live_server)
    context = signed_in(browser, base, alice)
    page = context.new_page()
    tamper_json(page, tamper)
    page.goto(f"{base}/my/data-uses/")
    page.wait_for_function("() => document.documentElement.dataset.ledgerCheck !== undefined")
    assert checks(page) == [f"failed:{code}"] * 3, what
    expect(page.locator("#verify-status")).to_contain_text(words)
    assert page.evaluate(f"localStorage.getItem({json.dumps(STORAGE_KEY)})") is None
    context.close()


def test_a_rollback_and_a_fork_against_the_last_visit_are_reported(
    live_server: object, browser: Browser, alice: User
) -> None:
    base = str(live_server)
    context = signed_in(browser, base, alice)
    page = open_checked(context, base)
    seen = json.loads(page.evaluate(f"localStorage.getItem({json.dumps(STORAGE_KEY)})"))
    # The browser saw a bigger log last time: the portal now shows a shorter one.
    bigger = {"size": seen["size"] + 5, "root": seen["root"]}
    page.evaluate(
        f"localStorage.setItem({json.dumps(STORAGE_KEY)}, {json.dumps(json.dumps(bigger))})"
    )
    page.reload()
    page.wait_for_function("() => document.documentElement.dataset.ledgerCheck !== undefined")
    assert checks(page) == ["failed:rollback"] * 3
    expect(page.locator("#verify-status")).to_contain_text("已被回滚")
    # The stored evidence is kept, not overwritten by the shorter log.
    assert json.loads(page.evaluate(f"localStorage.getItem({json.dumps(STORAGE_KEY)})")) == bigger
    # Same size, another root: a fork.
    other = {"size": seen["size"], "root": base64.b64encode(bytes(32)).decode()}
    page.evaluate(
        f"localStorage.setItem({json.dumps(STORAGE_KEY)}, {json.dumps(json.dumps(other))})"
    )
    page.reload()
    page.wait_for_function("() => document.documentElement.dataset.ledgerCheck !== undefined")
    assert checks(page) == ["failed:fork"] * 3
    expect(page.locator("#verify-status")).to_contain_text("分叉")
    context.close()


def test_a_growing_log_is_consistent_with_the_last_visit(
    live_server: object, browser: Browser, alice: User
) -> None:
    base = str(live_server)
    context = signed_in(browser, base, alice)
    open_checked(context, base).close()
    more = person_with_reads(4)  # someone else's reads make the log grow
    assert more.pk != alice.pk
    page = open_checked(context, base)
    assert checks(page) == ["ok", "ok", "ok"]
    stored = json.loads(page.evaluate(f"localStorage.getItem({json.dumps(STORAGE_KEY)})"))
    assert stored["size"] == 7
    context.close()


def test_without_javascript_the_page_lists_everything(
    live_server: object, browser: Browser, alice: User
) -> None:
    base = str(live_server)
    context = signed_in(browser, base, alice, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/my/data-uses/")
    rows = page.locator("tr[data-event]")
    expect(rows).to_have_count(3)
    for i in range(3):
        expect(rows.nth(i)).to_contain_text(f"最低生活保障审核 {2 - i}")
        expect(rows.nth(i)).to_contain_text("地址")
        expect(rows.nth(i).get_by_role("link", name="下载证明")).to_be_visible()
    expect(page.locator("#verify-status")).to_contain_text("需要启用 JavaScript")
    context.close()


def test_fifty_reads_are_checked_in_under_a_second(live_server: object, browser: Browser) -> None:
    person = person_with_reads(50)
    base = str(live_server)
    context = signed_in(browser, base, person)
    page = open_checked(context, base)
    assert checks(page) == ["ok"] * 50
    elapsed = int(page.evaluate("document.documentElement.dataset.ledgerCheckMs"))
    print(f"\nbrowser verifier: 50 reads checked in {elapsed} ms")
    assert elapsed < 1000
    context.close()
