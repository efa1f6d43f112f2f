import datetime as dt

import pytest
from django.utils import translation

from portal.accounts.identity import (
    IdentityNumberError,
    mask_resident_id,
    resident_id_check_char,
    uscc_check_char,
    validate_resident_id,
    validate_uscc,
)


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


# Published examples: GB 11643's worked example 11010519491231002X and a real-format
# unified social credit code with a known check character.
VALID_IDS = ["11010519491231002X", "440524198001010013", "330106198503120415"]
VALID_USCCS = ["91350100M000100Y43", "91110000600037341L", "911100001000044477"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_resident_ids_pass(number: str) -> None:
    assert validate_resident_id(number) == number


def test_lower_case_x_and_spaces_are_normalised() -> None:
    assert validate_resident_id(" 11010519491231002x ") == "11010519491231002X"


def test_check_character_is_iso7064_mod11_2() -> None:
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_check_char("44052419800101001") == "3"


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("110105194912310021", "last character"),  # wrong check character
        ("11010519491231002", "18 characters"),  # too short
        ("11010519491231002X1", "18 characters"),  # too long
        ("1101051949123100AX", "Only digits"),  # bad characters
        ("11010519490231002X", "real birth date"),  # 31 February
        ("110105194913310026", "real birth date"),  # month 13
        ("990105194912310023", "region code"),  # no province 99
    ],
)
def test_invalid_resident_ids_say_what_is_wrong(number: str, fragment: str) -> None:
    with pytest.raises(IdentityNumberError) as exc:
        validate_resident_id(number)
    assert fragment in str(exc.value)
    assert number not in str(exc.value)


def test_birth_date_in_the_future_is_impossible() -> None:
    first17 = "11010520300101001"
    number = first17 + resident_id_check_char(first17)
    with pytest.raises(IdentityNumberError, match="not possible"):
        validate_resident_id(number, today=dt.date(2026, 1, 1))


@pytest.mark.parametrize("code", VALID_USCCS)
def test_valid_usccs_pass(code: str) -> None:
    assert validate_uscc(code) == code


def test_uscc_check_character_mod31() -> None:
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert uscc_check_char("91110000600037341") == "L"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y44", "last character"),  # wrong check character
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100Y433", "18 characters"),
        ("91350100M0001O0Y43", "except I, O, S, V and Z"),  # letter O
        ("9135A100M000100Y43", "must be digits"),  # region code with a letter
    ],
)
def test_invalid_usccs_say_what_is_wrong(code: str, fragment: str) -> None:
    with pytest.raises(IdentityNumberError) as exc:
        validate_uscc(code)
    assert fragment in str(exc.value)


def test_masking_keeps_only_ends() -> None:
    assert mask_resident_id("11010519491231002X") == "110***********002X"
