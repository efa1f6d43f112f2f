import io
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.composition.demo.accounts import demo_resident_id
from portal.core.logging import MaskIdentityNumbersFilter, mask_identity_numbers


def test_identity_numbers_are_masked_in_log_records(caplog: pytest.LogCaptureFixture) -> None:
    number = demo_resident_id("33010619850312041")
    logger = logging.getLogger("portal.test")
    logger.addFilter(MaskIdentityNumbersFilter())
    with caplog.at_level(logging.INFO, logger="portal.test"):
        logger.info("lookup for %s failed", number)
    assert number not in caplog.text
    assert "3301**********0415" in caplog.text


def test_mask_leaves_ordinary_text_alone() -> None:
    assert mask_identity_numbers("application A-2026-0001 accepted") == (
        "application A-2026-0001 accepted"
    )


# --- Property tests: every shape people type is masked ------------------------------------

FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
# Text around a number: anything but letters and digits (which would make it a longer token).
around = st.text(
    alphabet=st.characters(
        blacklist_categories=["Lu", "Ll", "Nd", "Cs"], blacklist_characters="０１２３４５６７８９"
    ),
    max_size=8,
)


def _shapes(number: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [number, number.lower(), number.translate(FULL_WIDTH), number.lower().translate(FULL_WIDTH)]
    )


resident_ids = st.builds(
    lambda body, check: body + check,
    st.text(alphabet="0123456789", min_size=17, max_size=17),
    st.sampled_from("0123456789Xx"),
).flatmap(_shapes)
credit_codes = st.builds(
    lambda head, region, rest: head + region + rest,
    st.text(alphabet=USCC_CHARS, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_CHARS, min_size=10, max_size=10),
).flatmap(_shapes)
phones = st.builds(
    lambda prefix, second, rest: prefix + "1" + second + rest,
    st.sampled_from(["", "+86", "+86 ", "86-", "0086"]),
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
).flatmap(lambda n: st.sampled_from([n, n.translate(FULL_WIDTH)]))


@given(before=around, number=st.one_of(resident_ids, credit_codes), after=around)
def test_identity_numbers_and_credit_codes_never_reach_the_log(
    before: str, number: str, after: str
) -> None:
    masked = mask_identity_numbers(before + number + after)
    assert number not in masked
    assert number[4:14] not in masked
    assert number[:4] + "**********" + number[14:] in masked


@given(before=around, number=phones, after=around)
def test_mobile_numbers_never_reach_the_log(before: str, number: str, after: str) -> None:
    masked = mask_identity_numbers(before + number + after)
    assert number not in masked
    assert number[-8:-4] + number[-4:] not in masked
    assert "****" + number[-4:] in masked


def test_masked_in_tracebacks_with_the_plain_formatter() -> None:
    number = demo_resident_id("33010619850312041").lower()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskIdentityNumbersFilter())
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("portal.test.plain")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError(f"no record for {number} / 13812345678")
        except ValueError:
            logger.exception("lookup failed")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "ValueError" in text
    assert number not in text and "13812345678" not in text
    assert "138****5678" in text


def test_grouped_mobile_numbers_are_masked() -> None:
    assert mask_identity_numbers("call 138 1234 5678 or 139-8765-4321") == (
        "call 138****5678 or 139****4321"
    )


def test_words_and_ids_of_the_portal_are_left_alone() -> None:
    text = "telecommunications SQ-2026-000042 request 9f86d081884c7d659a2feaa0c55ad015 12:34:56"
    assert mask_identity_numbers(text) == text


def test_celery_workers_keep_the_mask() -> None:
    """Celery would replace the root handlers with unmasked ones; it uses Django's config."""
    from portal.celery import app

    app.log.setup_logging_subsystem(loglevel="INFO")
    filters = [f for handler in logging.getLogger().handlers for f in handler.filters]
    assert any(isinstance(f, MaskIdentityNumbersFilter) for f in filters)
