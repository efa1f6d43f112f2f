"""An authenticator is enrolled only with a one-time activation code issued out of band."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import TwoFactorActivation, User
from portal.accounts.two_factor import two_factor_activation_issue
from portal.departments.constants import StaffRole
from tests.accounts.two_step import app_code
from tests.factories import PASSWORD, make_department, make_staff

pytestmark = pytest.mark.django_db

URL = "/backoffice/two-factor/"


@pytest.fixture
def staff_client(client: Client, settings) -> tuple[Client, User]:
    """A staff member who has passed the password step only, with no authenticator yet."""
    settings.STAFF_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    staff = make_staff(make_department(), StaffRole.REVIEWER)
    client.force_login(staff)
    return client, staff


def shows_qr_code(client: Client) -> bool:
    return "<svg" in client.get(URL).content.decode()


def test_enrolment_is_refused_without_a_code(staff_client) -> None:
    client, staff = staff_client
    assert not shows_qr_code(client)
    assert client.post(URL, {"token": "123456"}).status_code == 400
    assert client.post(URL, {"activation_code": ""}).status_code == 400
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert client.get(reverse("backoffice:home")).status_code == 302


def test_enrolment_is_refused_with_a_wrong_code(staff_client) -> None:
    client, staff = staff_client
    code = two_factor_activation_issue(user=staff, issued_by=None)
    wrong = ("A" if code[0] != "A" else "B") + code[1:]
    response = client.post(URL, {"activation_code": wrong})
    assert response.status_code == 400
    assert "激活码无效" in response.content.decode()
    assert not shows_qr_code(client)


def test_a_code_works_once_and_for_its_owner_only(staff_client, settings) -> None:
    client, staff = staff_client
    colleague = make_staff(staff.department, StaffRole.REVIEWER)
    code = two_factor_activation_issue(user=staff, issued_by=None)
    other = Client()
    other.force_login(colleague)
    assert other.post(URL, {"activation_code": code}).status_code == 400  # not theirs
    assert client.post(URL, {"activation_code": code.lower()}).status_code == 302
    assert shows_qr_code(client)
    # The same code in another session (someone else who knows the password) is spent.
    again = Client()
    again.force_login(staff)
    assert again.post(URL, {"activation_code": code}).status_code == 400
    assert not shows_qr_code(again)


def test_an_expired_code_is_refused(staff_client) -> None:
    client, staff = staff_client
    code = two_factor_activation_issue(user=staff, issued_by=None)
    TwoFactorActivation.objects.filter(user=staff).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.post(URL, {"activation_code": code}).status_code == 400


def test_a_fresh_code_enrols_and_the_second_step_then_passes(staff_client) -> None:
    client, staff = staff_client
    code = two_factor_activation_issue(user=staff, issued_by=None)
    assert TwoFactorActivation.objects.get(user=staff).code_hash != code  # only a hash kept
    assert code.replace("-", "") not in str(
        list(TwoFactorActivation.objects.values_list("code_hash", flat=True))
    )
    assert client.post(URL, {"activation_code": code}).status_code == 302
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert client.post(URL, {"token": app_code(device)}).status_code == 302
    assert client.get(reverse("backoffice:home")).status_code == 200


def test_only_an_administrator_of_the_same_department_issues_codes(settings) -> None:
    dept, other_dept = make_department(), make_department()
    admin = make_staff(dept, StaffRole.DEPARTMENT_ADMIN)
    reviewer = make_staff(dept, StaffRole.REVIEWER)
    outsider_admin = make_staff(other_dept, StaffRole.DEPARTMENT_ADMIN)
    with pytest.raises(PermissionDenied):
        two_factor_activation_issue(user=reviewer, issued_by=outsider_admin)
    with pytest.raises(PermissionDenied):
        two_factor_activation_issue(user=admin, issued_by=reviewer)
    with pytest.raises(PermissionDenied):
        two_factor_activation_issue(user=admin, issued_by=admin)  # not for oneself
    assert two_factor_activation_issue(user=reviewer, issued_by=admin)

    def issue(actor: User, target: User) -> int:
        client = Client()
        client.force_login(actor)
        assert target.department is not None
        url = reverse("backoffice:staff_activation_issue", args=[target.department.code, target.pk])
        return client.post(url).status_code

    assert issue(outsider_admin, reviewer) == 403
    assert issue(reviewer, admin) == 403
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("backoffice:department_staff", args=[dept.code]))
    assert reverse("backoffice:staff_activation_issue", args=[dept.code, reviewer.pk]) in (
        page.content.decode()
    )
    shown = client.post(reverse("backoffice:staff_activation_issue", args=[dept.code, reviewer.pk]))
    assert shown.status_code == 200
    assert shown["Cache-Control"] == "no-store"
    assert (
        TwoFactorActivation.objects.filter(
            user=reviewer, issued_by=admin, used_at__isnull=True
        ).count()
        == 1
    )  # the earlier code stopped working


def test_the_operator_issues_a_code_for_a_superuser_who_then_enrols(
    client: Client, settings
) -> None:
    settings.STAFF_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    root = User.objects.create_superuser("root", "root@example.cn", PASSWORD)
    out = io.StringIO()
    call_command("issue_activation_code", "root", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    client.force_login(root)
    assert client.post(URL, {"activation_code": code, "next": "/admin/"}).status_code == 302
    device = TOTPDevice.objects.get(user=root, confirmed=False)
    done = client.post(URL, {"token": app_code(device), "next": "/admin/"})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_attempts_at_activation_codes_are_limited(staff_client, monkeypatch) -> None:
    """Wrong codes are limited per account and address; another account is not affected."""
    from portal.accounts.authentication_policy import AddressRateThrottle

    client, staff = staff_client
    monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", {"two_factor_activation": "3/hour"})
    codes = [client.post(URL, {"activation_code": "WRONG-CODE"}).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    # Past the limit even the right code waits: guessing cannot go on around it.
    right = two_factor_activation_issue(user=staff, issued_by=None)
    refused = client.post(URL, {"activation_code": right})
    assert refused.status_code == 429 and "激活码的次数过多" in refused.content.decode()
    other = make_staff(make_department(), StaffRole.REVIEWER)
    client.force_login(other)
    assert client.post(URL, {"activation_code": "WRONG-CODE"}).status_code == 400
