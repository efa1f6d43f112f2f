import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_are_in_simplified_chinese_by_default(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.content.decode()
    assert "一网通办" in response.content.decode()


def test_english_is_one_click_away(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "One-stop services portal" in body
    assert "简体中文" in body  # the way back


def test_no_asset_comes_from_a_cdn(client: Client) -> None:
    body = client.get("/").content.decode()
    assert "http://" not in body and "https://" not in body
