import logging

import pytest

from portal.accounts.demo import demo_resident_id
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
