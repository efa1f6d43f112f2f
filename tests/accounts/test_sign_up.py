import pytest
from django.test import Client
from django.urls import reverse

from portal.accounts.models import User
from portal.composition.demo.accounts import demo_resident_id
from tests.factories import PASSWORD, make_citizen

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


def test_sign_up_creates_a_citizen_and_asks_to_sign_in(client: Client) -> None:
    """A valid form creates the account and lands on the page that says to sign in."""
    response = client.post(reverse("accounts:sign_up"), form(), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("accounts:sign_up_done"), 303)]
    user = User.objects.get(username="newcomer")
    assert user.is_citizen and user.id_number == GOOD_ID
    assert GOOD_ID not in response.content.decode()
    assert client.login(username="newcomer", password=PASSWORD)


def test_a_registered_identity_number_gets_the_same_answer_as_a_new_one(
    client: Client, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """Sign-up does not tell anyone whether an identity number has an account; the owner is
    told by e-mail instead, and no second account is made."""
    from portal.accounts import tasks

    for task in (tasks.send_sign_up_attempt_email_task, tasks.send_welcome_email_task):
        monkeypatch.setattr(task, "delay", task)  # run at once, in this process
    owner = make_citizen(id_number=GOOD_ID, email="owner@example.cn")
    fresh_id = demo_resident_id("33010619850312042")
    with django_capture_on_commit_callbacks(execute=True):
        existing = client.post(reverse("accounts:sign_up"), form(username="second"))
        fresh = Client().post(
            reverse("accounts:sign_up"), form(username="third", id_number=fresh_id)
        )
    assert (existing.status_code, existing["Location"]) == (fresh.status_code, fresh["Location"])
    assert existing.status_code == 303
    assert existing.content == fresh.content
    assert sorted(existing.cookies) == sorted(fresh.cookies)
    assert not User.objects.filter(username="second").exists()
    assert User.objects.filter(username="third", id_number=fresh_id).exists()
    assert [m.to for m in mailoutbox] == [["owner@example.cn"]]
    assert owner.username in mailoutbox[0].body


def test_sign_up_is_limited_per_address(client: Client, settings, monkeypatch) -> None:
    """The N+1-th sign-up from one address in the window gets a 429 page that says to wait."""
    from django.core.cache import cache

    from portal.accounts.authentication_policy import AddressRateThrottle

    cache.clear()
    monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", {"sign_up": "3/hour"})
    for n in range(3):
        response = client.post(reverse("accounts:sign_up"), form(username=f"user{n}", id_number=""))
        assert response.status_code == 400
    refused = client.post(reverse("accounts:sign_up"), form(username="user9"))
    assert refused.status_code == 429
    assert "注册过于频繁" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert not User.objects.filter(username="user9").exists()
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.post(reverse("accounts:sign_up"), form(username="user8")).status_code == 303
    cache.clear()


def test_password_reset_is_limited_per_address(client: Client, monkeypatch) -> None:
    from django.core.cache import cache

    from portal.accounts.authentication_policy import AddressRateThrottle

    cache.clear()
    monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", {"password_reset": "2/hour"})
    url = reverse("accounts:password_reset")
    for _ in range(2):
        assert client.post(url, {"email": "someone@example.cn"}).status_code == 302
    assert client.post(url, {"email": "someone@example.cn"}).status_code == 429
    cache.clear()


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
