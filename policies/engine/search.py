"""Search terms for Chinese (and mixed) text: character bigrams, unigrams and words.

Pure Python. Chinese is written without spaces, so PostgreSQL's default full-text parser
sees a whole sentence as one token. Overlapping character pairs need no dictionary and no
server extension: the query 研发补贴 (研发, 发补, 补贴) shares 研发 with 研发费用补助, and a
small table of near-synonyms in policy language (补贴 ≈ 补助 ≈ 资助 ≈ 奖励) adds 补助. The
same index works on SQLite and PostgreSQL (a table of (policy, term, weight) rows).
"""

import re
import unicodedata
from collections.abc import Iterable

# Runs of CJK ideographs, or of Latin letters/digits.
_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_TERM = 32

# Words that policy documents use interchangeably; a query bigram on the left also looks
# for the bigrams on the right.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "补贴": ("补助", "资助", "奖励", "奖补"),
    "补助": ("补贴", "资助", "奖补"),
    "资助": ("补助", "补贴"),
    "奖励": ("奖补", "补贴"),
    "贴息": ("利息", "贷款"),
    "人才": ("引才", "引进"),
    "招聘": ("就业", "用工"),
    "用工": ("稳岗", "就业"),
    "社保": ("社会", "保险"),
    "减税": ("税收", "优惠"),
    "数字": ("智能", "信息"),
}


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> list[str]:
    return _RUNS.findall(normalise(text))


def _is_cjk(run: str) -> bool:
    return bool(_CJK.match(run))


def bigrams(text: str) -> set[str]:
    """Character pairs of every CJK run, and Latin/digit words (at least two characters)."""
    out: set[str] = set()
    for run in runs(text):
        if _is_cjk(run):
            out.update(run[i : i + 2] for i in range(len(run) - 1))
        elif len(run) >= 2:
            out.add(run[:MAX_TERM])
    return out


def unigrams(text: str) -> set[str]:
    """Single CJK characters (used for ranking and for one-character queries)."""
    return {ch for run in runs(text) if _is_cjk(run) for ch in run}


def index_terms(weighted_texts: Iterable[tuple[str, int, bool]]) -> dict[str, int]:
    """term → weight for a document made of (text, weight, with unigrams) parts.

    A bigram weighs twice its part's weight, a unigram once; a term keeps its highest weight.
    """
    terms: dict[str, int] = {}
    for text, weight, with_unigrams in weighted_texts:
        for term in bigrams(text):
            terms[term] = max(terms.get(term, 0), 2 * weight)
        if with_unigrams:
            for term in unigrams(text):
                terms[term] = max(terms.get(term, 0), weight)
    return terms


def query_terms(query: str) -> tuple[set[str], set[str]]:
    """(bigrams with their synonyms, unigrams) of a query. A one-character query is a unigram."""
    grams = bigrams(query)
    for gram in list(grams):
        grams.update(SYNONYMS.get(gram, ()))
    return grams, unigrams(query)
