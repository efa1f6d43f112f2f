"""The admin carries the portal's name and reads in the person's language, including the
sections of django-otp (authenticators) and django-axes (sign-in lockout)."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("root", "root@example.cn", "Root-Pass-2026"))
    return client


def test_the_admin_index_is_branded_and_translated(admin_client_: Client) -> None:
    html = admin_client_.get("/admin/").content.decode()
    assert "一网通办 · 系统管理" in html and "门户管理" in html
    assert "Django 管理" not in html and "Django administration" not in html
    assert "身份验证器" in html and "登录保护" in html and "登录尝试" in html
    for raw in ("TOTP devices", "Otp_Totp", "OTP_TOTP", "Axes", "Access attempts"):
        assert raw not in html, raw


def test_the_authenticator_pages_are_translated(admin_client_: Client) -> None:
    html = admin_client_.get("/admin/otp_totp/totpdevice/add/").content.decode()
    assert "时间步长（秒）" in html and "配置" in html
    for raw in ("Identity", "Configuration", "Throttling", "The time step in seconds."):
        assert raw not in html, raw
    TOTPDevice.objects.create(user=User.objects.get(username="root"), name="phone")
    listing = admin_client_.get("/admin/otp_totp/totpdevice/").content.decode()
    assert "最近使用" in listing and "已确认" in listing
    assert "Last used at" not in listing


def test_in_english_the_admin_says_portal_administration(admin_client_: Client) -> None:
    admin_client_.cookies["django_language"] = "en"
    html = admin_client_.get("/admin/").content.decode()
    assert "One-stop services portal · administration" in html
    assert "Authenticator apps" in html and "Sign-in lockout" in html
