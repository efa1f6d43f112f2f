"""Policy messages are in the one inbox; 已给予 says when and to which account; policy
pages in English show the policies' English texts and amounts in yuan."""

from django.urls import reverse

from policies.models import BenefitAward, Policy, PolicyNotice
from portal.accounts.models import User
from tests.policies.conftest import act_for


def test_policy_messages_are_in_the_one_inbox(demo_city, client):
    firm = demo_city.firms[0]
    lisi = User.objects.get(username="lisi")
    act_for(client, lisi, firm)
    notice = PolicyNotice.objects.filter(firm=firm).select_related("policy").first()
    assert notice is not None and notice.read_at is None
    inbox = client.get("/my/notifications/").content.decode()
    assert "政策" in inbox and notice.policy.title in inbox
    # The old separate inbox goes there; the policies page only points to it.
    old = client.get("/policies/for-me/notices/")
    assert old.status_code == 301 and old["Location"] == "/my/notifications/"
    for_me = client.get(reverse("policies:for_me")).content.decode()
    assert 'id="notices-h"' not in for_me and "/my/notifications/" in for_me
    client.post(reverse("policies:notices_read"))
    assert not PolicyNotice.objects.filter(firm=firm, read_at__isnull=True).exists()


def test_granted_benefits_say_when_and_to_which_account(demo_city, client):
    policy = Policy.objects.get(title="失业保险稳岗返还（稳岗补贴）")
    paid = BenefitAward.objects.get(policy=policy, firm=demo_city.firms[1])
    assert paid.paid_at is not None
    act_for(client, demo_city.firms[1].representatives.get().user, demo_city.firms[1])
    page = client.get(reverse("policies:detail", args=[policy.pk])).content.decode()
    assert f"已于 {paid.paid_at.astimezone().date():%Y-%m-%d} 拨付至账户 **** 1234" in page
    assert "33050161000000001234" not in page  # masked
    assert reverse("policies:award_decline", args=[paid.pk]) not in page  # paid: no decline
    act_for(client, User.objects.get(username="lisi"), demo_city.firms[0])
    page = client.get(reverse("policies:for_me")).content.decode()
    assert "12.90 万元" in page and "将拨付至账户 **** 2233" in page


def test_policy_pages_in_english(demo_city, client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    policy = Policy.objects.get(title="杭州市企业研发费用补助")
    act_for(client, User.objects.get(username="lisi"), demo_city.firms[0])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("policies:detail", args=[policy.pk])).content.decode()
    assert "Hangzhou R&amp;D expense subsidy" in page
    assert "10% of R&amp;D expense, at most ¥2,000,000" in page
    assert "¥860,000" in page and "×10k" not in page and "E+" not in page
    assert "Special audit report on R&amp;D expense" in page
    assert "R&amp;D expense last year is at least ¥1,000,000" in page  # not the Chinese label
    listing = client.get(reverse("policies:search")).content.decode()
    assert "Hangzhou (330100)" in listing or "Hangzhou（330100）" in listing
