import pytest
from django.test import Client
from django.urls import reverse

from portal.accounts.demo import demo_resident_id
from portal.accounts.models import User
from tests.conftest import PASSWORD, make_citizen

pytestmark = pytest.mark.django_db

GOOD_ID = demo_resident_id("33010619850312041")


def form(**overrides: str) -> dict[str, str]:
    data = {
        "username": "newcomer",
        "real_name": "陈小明",
        "id_number": GOOD_ID,
        "email": "",
        "phone": "13800138000",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_sign_up_creates_a_citizen_and_signs_in(client: Client) -> None:
    """A valid form creates the account, signs the person in and lands on the home page."""
    response = client.post(reverse("accounts:sign_up"), form(), follow=True)
    assert response.status_code == 200
    user = User.objects.get(username="newcomer")
    assert user.is_citizen and user.id_number == GOOD_ID
    assert response.context["user"] == user
    # The home page shows the number masked, never in the clear.
    body = response.content.decode()
    assert GOOD_ID not in body
    assert user.masked_id_number in body


def test_sign_up_refuses_a_duplicate_identity_in_chinese(client: Client) -> None:
    """The same identity number cannot open a second account; the message says what to do."""
    make_citizen(id_number=GOOD_ID)
    response = client.post(reverse("accounts:sign_up"), form(username="second"))
    assert response.status_code == 400
    assert "该身份证号码已注册账户" in response.content.decode()
    assert not User.objects.filter(username="second").exists()
    # What the person typed is kept in the form, apart from the passwords.
    assert 'value="陈小明"' in response.content.decode()


def test_sign_up_refuses_an_invalid_identity_in_english(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    bad = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")
    response = client.post(reverse("accounts:sign_up"), form(id_number=bad))
    assert response.status_code == 400
    assert "The last character does not match" in response.content.decode()
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("password2", "other-Password-9", "两次输入的密码不一致"),
        ("phone", "12345", "11 位手机号码"),
        ("username", "a b", "3 至 40 位"),
        ("id_number", "1101051949123100", "18"),
    ],
)
def test_sign_up_shows_each_error_next_to_its_field(
    client: Client, field: str, value: str, message: str
) -> None:
    response = client.post(reverse("accounts:sign_up"), form(**{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])


def test_duplicate_user_name_is_refused(client: Client) -> None:
    make_citizen(username="newcomer")
    response = client.post(reverse("accounts:sign_up"), form())
    assert response.status_code == 400
    assert "该用户名已被使用" in response.content.decode()
