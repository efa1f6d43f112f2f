"""Completeness on 'who used my data', in headless Debian Chromium: the page checks that its rows
are all the person's recorded reads (the label index's co-signed epoch, membership of counters
0 … n-1, absence of n and the probes), says so in Chinese and English, gives a person without
reads a verified "no recorded reads", and names what failed for a hidden read, a skipped
counter, an epoch the witnesses did not co-sign and a forged index entry."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, Route, expect

from ledger.constants import Namespace, Outcome
from ledger.core.checkpoint import cosign
from ledger.core.index_log import IndexLeaf
from ledger.core.label import prove_label
from ledger.core.notes import parse_note
from ledger.core.prefix_tree import IndexValue, PrefixTree
from ledger.index_store import DatabaseNodeStore
from ledger.keys import vrf_secret_key
from ledger.logs import INDEX_LOG
from ledger.models import Checkpoint, Entry, IndexCheckpoint, IndexCosignature, SubjectCounter
from ledger.services import (
    _append_index_leaf,
    checkpoint_create,
    index_epoch_append,
    ledger_event_record,
    ledger_sequence_all,
    subject_hash,
)
from portal.accounts.models import User
from tests.browser.test_data_uses_verifier import (
    SCREENSHOTS,
    WITNESS,
    checks,
    cosign_latest,
    person_with_reads,
    signed_in,
)
from tests.factories import make_citizen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def index_cosigned() -> IndexCheckpoint:
    """A new index epoch for the latest checkpoint, its checkpoint co-signed by the witness."""
    index_epoch_append()
    checkpoint = checkpoint_create(log=INDEX_LOG)
    assert isinstance(checkpoint, IndexCheckpoint)
    text, _ = parse_note(checkpoint.note)
    IndexCosignature.objects.get_or_create(
        checkpoint=checkpoint, witness_name=WITNESS.name, defaults={"line": cosign(text, WITNESS)}
    )
    return checkpoint


def open_page(browser: Browser, base: str, user: User, **options: Any) -> Page:
    context = signed_in(browser, base, user, **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/my/data-uses/")
    page.wait_for_function("() => document.documentElement.dataset.completenessCheck !== undefined")
    assert errors == [], errors
    return page


def completeness(page: Page) -> tuple[str, str]:
    state = str(page.evaluate("document.documentElement.dataset.completenessCheck"))
    reason = page.locator("#completeness-status").get_attribute("data-reason") or ""
    return state, reason


def tamper(page: Page, change: Callable[[dict[str, Any]], None]) -> None:
    def handle(route: Route) -> None:
        response = route.fetch()
        data = response.json()
        change(data)
        route.fulfill(response=response, body=json.dumps(data))

    page.route("**/my/data-uses/completeness.json*", handle)


@pytest.fixture
def alice() -> User:
    person = person_with_reads(3)
    index_cosigned()
    return person


def test_the_page_says_these_are_all_the_recorded_reads(
    live_server: object, browser: Browser, alice: User
) -> None:
    base = str(live_server)
    page = open_page(browser, base, alice, viewport={"width": 1280, "height": 900})
    assert checks(page) == ["ok", "ok", "ok"]
    assert completeness(page) == ("ok", "")
    status = page.locator("#completeness-status")
    expect(status).to_contain_text("这是截至")
    expect(status).to_contain_text("共 3 次")
    assert status.get_attribute("data-reads") == "3"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "data-uses-complete-zh-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "data-uses-complete-zh-390.png"), full_page=True)
    page.context.close()


def test_in_english_and_for_a_person_with_no_reads(
    live_server: object, browser: Browser, alice: User
) -> None:
    base = str(live_server)
    bob = make_citizen()
    context = signed_in(browser, base, bob, viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page = context.new_page()
    page.goto(f"{base}/my/data-uses/")
    page.wait_for_function("() => document.documentElement.dataset.completenessCheck !== undefined")
    assert completeness(page) == ("ok", "")
    expect(page.locator("#completeness-status")).to_contain_text(
        "There are no recorded reads of your data up to"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "data-uses-none-en-390.png"), full_page=True)
    context.close()
    page = open_page(browser, base, alice)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.reload()
    page.wait_for_function("() => document.documentElement.dataset.completenessCheck === 'ok'")
    expect(page.locator("#completeness-status")).to_contain_text(
        "These are all the recorded reads of your data up to"
    )
    page.context.close()


def _hide_last_read(data: dict[str, Any]) -> None:
    """The portal lists counters 0 and 1 only, and claims counter 2 absent."""
    hidden = data["reads"].pop()
    key = vrf_secret_key()
    _label, proof = prove_label(key, Namespace.PERSON, data["identifier"], hidden["counter"])
    data["probes"].insert(
        0,
        {
            "counter": hidden["counter"],
            "vrf_key": key.key_id,
            "vrf_proof": base64.b64encode(proof).decode(),
        },
    )


def _forged_leaf(data: dict[str, Any]) -> None:
    leaf = IndexLeaf.from_bytes(base64.b64decode(data["index_leaf"]))
    forged = IndexLeaf(leaf.epoch, leaf.time, leaf.log_size, leaf.log_root, bytes(32))
    data["index_leaf"] = base64.b64encode(forged.to_bytes()).decode()


TAMPERING: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("hidden read", _hide_last_read, "index_proof", "有一次读取缺失"),
    ("probe left out", lambda d: d["probes"].pop(0), "probes", "没有证明不存在更多读取"),
    ("counter gap", lambda d: d["reads"].pop(1), "counters", "编号"),
    ("forged index entry", _forged_leaf, "index_inclusion", "标签索引的条目"),
]


@pytest.mark.parametrize(
    ("what", "change", "code", "words"), TAMPERING, ids=[t[0] for t in TAMPERING]
)
def test_a_tampered_completeness_proof_is_reported(
    live_server: object,
    browser: Browser,
    alice: User,
    what: str,
    change: Callable[[dict[str, Any]], None],
    code: str,
    words: str,
) -> None:
    base = str(live_server)
    context = signed_in(browser, base, alice)
    page = context.new_page()
    tamper(page, change)
    page.goto(f"{base}/my/data-uses/")
    page.wait_for_function("() => document.documentElement.dataset.completenessCheck !== undefined")
    assert completeness(page) == ("failed", code), what
    expect(page.locator("#completeness-status")).to_contain_text(words)
    assert checks(page) == ["ok", "ok", "ok"]  # the rows themselves still verify
    context.close()


def test_a_skipped_counter_is_caught(live_server: object, browser: Browser) -> None:
    """Counters 0..2, then a read recorded at counter 5: probe 5 finds it in the index."""
    person = person_with_reads(3)
    SubjectCounter.objects.filter(
        subject=subject_hash(str(person.id_number)), namespace=Namespace.PERSON
    ).update(next_counter=5)
    ledger_event_record(
        department="rsj", user="rsj.clerk", system_id=None, dataset="gaj.household",
        fields=["address"], purpose="hidden", application=None, outcome=Outcome.GRANTED,
        subject_identifier=str(person.id_number), dispatch=False,
    )  # fmt: skip
    ledger_sequence_all()
    cosign_latest()
    index_cosigned()
    page = open_page(browser, str(live_server), person)
    assert completeness(page) == ("failed", "index_proof")
    page.context.close()


def test_an_epoch_the_witnesses_did_not_cosign_is_not_trusted(
    live_server: object, browser: Browser
) -> None:
    """The portal leaves a label out of a new epoch; the witnesses, rebuilding the index from
    the log, do not co-sign it (tests/ledger/django/test_ledger_index_witnesses.py), so the
    browser, which needs their quorum, says so."""
    person = person_with_reads(3)
    checkpoint = Checkpoint.objects.order_by("-id").first()
    assert checkpoint is not None
    items = [
        (bytes.fromhex(label), IndexValue(index, bytes(leaf)))
        for index, label, leaf in Entry.objects.order_by("index").values_list(
            "index", "label", "leaf_hash"
        )
    ]
    root = PrefixTree(DatabaseNodeStore()).insert_many(items[1:], version=0)
    leaf = IndexLeaf(0, 1_800_000_000, checkpoint.tree_size, bytes(checkpoint.root_hash), root)
    _append_index_leaf(0, leaf.to_bytes(), leaf, timezone.now())
    assert checkpoint_create(log=INDEX_LOG) is not None  # signed by the portal, no cosignature
    page = open_page(browser, str(live_server), person)
    assert completeness(page) == ("failed", "index_witness_quorum")
    expect(page.locator("#completeness-status")).to_contain_text("见证方")
    page.context.close()


def test_fifty_reads_rows_and_completeness_in_under_a_second(
    live_server: object, browser: Browser
) -> None:
    person = person_with_reads(50)
    index_cosigned()
    page = open_page(browser, str(live_server), person)
    assert checks(page) == ["ok"] * 50
    assert completeness(page) == ("ok", "")
    elapsed = int(page.evaluate("document.documentElement.dataset.ledgerCheckMs"))
    size = len(page.context.request.get(f"{live_server}/my/data-uses/completeness.json").body())
    print(f"\nbrowser: 50 reads and their completeness checked in {elapsed} ms; proof {size} bytes")
    assert elapsed < 1000
    assert size < 50_000
    page.context.close()
