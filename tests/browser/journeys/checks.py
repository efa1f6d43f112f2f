"""The one check every journey makes on every page it visits (``check_page``).

(a) **No horizontal overflow**: the document is no wider than the viewport
    (``document.documentElement.scrollWidth <= window.innerWidth``).

(b) **No serious or critical accessibility violation** found by axe-core. axe-core comes from
    the npm registry (``tests/browser/package.json`` and its lock file, installed by
    ``.ci/setup`` into ``tests/browser/node_modules``) and is injected by the test with
    ``page.add_script_tag(path=…)``; it is never served to users. The site's Content Security
    Policy (``script-src 'self'``) refuses an injected inline script, so the journeys' browser
    contexts are made with ``bypass_csp=True`` — for the test only; the policy users get is
    unchanged. Without JavaScript the page cannot run axe; those pages are checked by the same
    journey with JavaScript, and keep checks (a), (c) and (d).

(c) **No raw data**: no untranslated message id or raw field key in the page's text —
    snake_case keys (``in_arrears``), Python values (``True``, ``False``, ``None``),
    scientific notation (``5E+1``), unrendered template or format placeholders (``{{``,
    ``{%``, ``%(name)s``), and on a Chinese page, an English phrase (three English words in a
    row: a message id left untranslated).

(d) **In English, no Chinese in interface text.**

What is checked is the page's **text**: every text node of the body (shown or not: a folded
menu and a screen reader's visually hidden text count) and the ``aria-label``, ``title``,
``placeholder`` and ``alt`` attributes, and the text of buttons given as ``<input value>``.
Left out of (c) and (d), because they are not interface text:

* ``<code>``, ``<kbd>``, ``<samp>`` and ``<pre>``: identifiers shown as such (dataset codes,
  signatures, JSON a person may download);
* what a person typed: the values of form controls and ``<textarea>``;
* ``<script>``, ``<style>``, ``<template>``.

Left out of (d) and of (c)'s English-phrase rule: text inside an element whose ``lang`` is
another language than the page's. The page marks that way what is content in the other
language: the language switcher (``lang="zh-Hans"`` on an English page), and content that has
no English text and falls back to the Chinese (a person's or a firm's name, an address, a
record without an English sibling) — it carries ``lang="zh-Hans"``. Anything Chinese outside
such an element on an English page is interface text that was not translated.
"""

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

# Collects the page's text, each piece with whether it is in another language than the page's.
TEXT_JS = """() => {
  const pageLang = (document.documentElement.lang || '').toLowerCase().slice(0, 2);
  const excluded = 'code, kbd, samp, pre, script, style, template, textarea';
  const other = el => {
    const marked = el.closest('[lang]');
    return marked !== null && marked.lang.toLowerCase().slice(0, 2) !== pageLang;
  };
  // Where a text is: its element after the first class of each of its ancestors.
  const where = el => {
    const path = [];
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (up.classList.length) path.unshift('.' + up.classList[0]);
    }
    const own = el.classList.length ? '.' + el.classList[0] : '';
    return [...path, el.tagName.toLowerCase() + own].join(' ');
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.nodeValue.trim();
    if (!text || el === null || el.closest(excluded)) continue;
    out.push([text, other(el), where(el)]);
  }
  const labelled = '[aria-label], [title], [placeholder], [alt], input[type=submit][value]';
  for (const el of document.body.querySelectorAll(labelled)) {
    if (el.closest('code, kbd, samp, pre')) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value) out.push([value, other(el), el.tagName.toLowerCase() + '@' + name]);
    }
    if (el.tagName === 'INPUT' && el.value) out.push([el.value, other(el), 'input@value']);
  }
  out.push([document.title, false, 'title']);
  return {lang: document.documentElement.lang, texts: out};
}"""

RAW = [
    (re.compile(r"(?<![\w./@:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])"), "a raw key"),
    (re.compile(r"(?<![\w.])(?:True|False|None)(?![\w.])"), "a Python value"),
    # A number alone (5E+1, 1E2), not a code that holds one (8E51-1937-DE0D).
    (re.compile(r"(?<![\w-])\d+(?:\.\d+)?E[+-]?\d+(?![\w-])"), "scientific notation"),
    (re.compile(r"\{\{|\{%|%\([a-z_]+\)[sd]|(?<![\w%])%[sd](?!\w)"), "a placeholder"),
]
# An English phrase on a Chinese page: an untranslated message id.
ENGLISH_PHRASE = re.compile(r"[A-Za-z][a-z]+(?:[ ,'’-]+[A-Za-z][a-z]+){2,}")
# Han characters and the CJK and full-width punctuation that comes with them.
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


class PolishPending(Exception):
    """A journey met only problems that the polish branch is fixing (see ``Polish``)."""


@dataclass(frozen=True)
class Polish:
    """An issue-12 item that another branch (``polish``) is fixing at the same time. A page's
    check may name the ones it is expected to meet: a problem matching ``pattern`` is then
    set aside, the journey goes on, and at its end ``Visit.done`` raises ``PolishPending``.
    The journey's parameter carries ``xfail(strict=True, raises=PolishPending)``: any other
    failure still fails, and once the item is merged the journey passes and the strict mark
    fails until it is removed."""

    reason: str
    pattern: str


def polish_xfail(*items: Polish) -> pytest.MarkDecorator:
    return pytest.mark.xfail(
        strict=True, raises=PolishPending, reason="; ".join(i.reason for i in items)
    )


@dataclass
class Visit:
    """What one journey run knows: its width, language and whether JavaScript runs."""

    page: Page
    base: str
    width: int
    english: bool = False
    javascript: bool = True
    journey: str = "journey"
    visited: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    polish: tuple[Polish, ...] = ()

    def go(self, path: str) -> None:
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None and response.status == 200, (path, response and response.status)

    def t(self, zh: str, en: str) -> str:
        """The text a person reads in this run's language."""
        return en if self.english else zh

    def button(self, zh: str, en: str, *, exact: bool = False) -> None:
        self.page.get_by_role("button", name=self.t(zh, en), exact=exact).click()
        self.page.wait_for_load_state()

    def link(self, zh: str, en: str, *, exact: bool = False) -> None:
        self.page.get_by_role("link", name=self.t(zh, en), exact=exact).first.click()
        self.page.wait_for_load_state()

    def header(self, locator: str = "") -> Locator:
        """The site header's menu, opened first on a phone (where it is folded), as a person
        would; with ``locator``, that element of it."""
        menu = self.page.locator(".site-menu")
        if menu.get_attribute("open") is None and not menu.locator(".main-nav").is_visible():
            menu.locator("summary").click()
        return menu.locator(locator) if locator else menu

    def header_link(self, zh: str, en: str) -> None:
        self.header().get_by_role("link", name=self.t(zh, en), exact=True).click()
        self.page.wait_for_load_state()

    def sign_in(self, username: str, password: str, *, staff: bool = False) -> None:
        """Sign in from the page a person would use: the header's link, or the back office's
        own sign-in page for staff."""
        if staff:
            self.go("/backoffice/sign-in/")
        else:
            self.go("/")
            self.header_link("登录", "Sign in")
        self.check("sign-in")
        self.page.locator("input[name=username]").fill(username)
        self.page.locator("input[name=password]").fill(password)
        self.page.locator("main form button[type=submit]").last.click()
        self.page.wait_for_load_state()

    def sign_out(self) -> None:
        self.header(".account form button[type=submit]").click()
        self.page.wait_for_load_state()

    def expect(self, *items: Polish) -> None:
        """From here on, every page may show these polish items (see ``Polish``)."""
        self.polish += items

    def check(self, name: str, *, polish: tuple[Polish, ...] = ()) -> None:
        """Check the current page (see the module's docstring); photograph it when
        ``$JOURNEY_SCREENSHOTS`` names a folder. ``polish``: the items of the polish branch
        this page is expected to show (set aside until ``done``)."""
        self.page.wait_for_load_state()
        label = f"{self.journey}/{name} at {self.width} px{' (en)' if self.english else ''}"
        self.visited.append(name)
        problems = page_problems(self.page, english=self.english, axe=self.javascript)
        for item in (*self.polish, *polish):
            for problem in [p for p in problems if re.search(item.pattern, p)]:
                problems.remove(problem)
                self.pending.append(f"{label}: {problem} [{item.reason}]")
        folder = os.environ.get("JOURNEY_SCREENSHOTS")
        if folder:
            suffix = (
                f"{self.width}{'-en' if self.english else ''}{'' if self.javascript else '-nojs'}"
            )
            path = Path(folder) / self.journey / f"{len(self.visited):02d}-{name}-{suffix}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(path), full_page=True)
        assert not problems, f"{label} ({self.page.url}):\n  " + "\n  ".join(problems)

    def done(self) -> None:
        """The journey's end: raise ``PolishPending`` if problems were set aside."""
        if self.pending:
            raise PolishPending("\n".join(self.pending))


def page_problems(page: Page, *, english: bool, axe: bool = True) -> list[str]:
    problems = []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"scrolls sideways by {overflow} px")
    if axe:
        problems += axe_problems(page)
    problems += text_problems(page, english=english)
    return problems


def axe_problems(page: Page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120))}));
        }"""
    )
    return [
        f"axe {v['impact']} {v['id']}: {v['help']}: {json.dumps(v['nodes'], ensure_ascii=False)}"
        for v in result
        if v["impact"] in SERIOUS
    ]


def text_problems(page: Page, *, english: bool) -> list[str]:
    found = page.evaluate(TEXT_JS)
    assert found["lang"] == ("en" if english else "zh-Hans"), f"the page is in {found['lang']}"
    problems: list[str] = []
    for text, other_language, where in found["texts"]:
        for pattern, what in RAW:
            match = pattern.search(text)
            if match:
                problems.append(f"{what} {match.group(0)!r} in {where}: {text[:120]!r}")
        if other_language:
            continue
        if english:
            match = CHINESE.search(text)
            if match:
                problems.append(f"Chinese {match.group(0)!r} in {where}: {text[:120]!r}")
        else:
            match = ENGLISH_PHRASE.search(text)
            if match:
                problems.append(f"untranslated {match.group(0)!r} in {where}: {text[:120]!r}")
    return list(dict.fromkeys(problems))
