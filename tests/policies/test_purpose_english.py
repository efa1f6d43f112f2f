"""Policy reads (matching, grant checks) keep an English purpose for English pages; the ledger
commits the Chinese purpose only."""

from django.test import Client
from django.urls import reverse

from policies.constants import PURPOSE_GRANT, PURPOSE_MATCHING, PURPOSE_MATCHING_EN
from portal.accounts.models import User
from portal.exchange.models import Access
from tests.exchange.test_purpose_english import committed_purpose
from tests.policies.conftest import act_for


def test_policy_reads_have_english_purposes(demo_city, client: Client) -> None:
    reads = Access.objects.filter(purpose=PURPOSE_MATCHING)
    assert reads.exists()
    assert set(reads.values_list("purpose_en", flat=True)) == {PURPOSE_MATCHING_EN}
    grant_reads = Access.objects.filter(purpose__startswith=PURPOSE_GRANT)
    assert grant_reads.exists()
    for access in grant_reads:
        number = access.purpose.removeprefix(f"{PURPOSE_GRANT}：")
        assert access.purpose_en == (
            f"Eligibility check for a benefit granted without applying: {number}"
        )
        assert committed_purpose(access) == access.purpose
    firm = demo_city.firms[0]
    act_for(client, User.objects.get(username="lisi"), firm)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("exchange:data_uses")).content.decode()
    assert f">{PURPOSE_MATCHING_EN}<" in body
    assert f">{PURPOSE_MATCHING}<" not in body
