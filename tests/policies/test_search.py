"""Chinese search with filters, in pages and in the public API."""

from django.urls import reverse

from policies import selectors
from policies.engine.search import bigrams, query_terms


def titles(qs):
    return [p.title for p in qs]


def test_bigrams_and_synonyms():
    assert bigrams("研发费用补助") == {"研发", "发费", "费用", "用补", "补助"}
    grams, chars = query_terms("研发补贴")
    assert {"研发", "补贴", "补助"} <= grams and chars == {"研", "发", "补", "贴"}
    assert bigrams("GB/T 4754 AI") == {"gb", "4754", "ai"}


def test_chinese_query_finds_related_wording(demo_city):
    """研发补贴 finds 研发费用补助 first; 稳岗 finds 稳岗返还; unrelated words find nothing."""
    found = titles(selectors.policy_search(q="研发补贴"))
    assert found[0] == "杭州市企业研发费用补助"
    assert "生物医药产业研发投入资助" in found
    assert "失业保险稳岗返还（稳岗补贴）" in titles(selectors.policy_search(q="稳岗"))
    assert "小微企业贷款贴息" in titles(selectors.policy_search(q="贷款贴息"))[:2]
    assert titles(selectors.policy_search(q="人才引进"))[0] == "高层次人才引进奖励"
    assert titles(selectors.policy_search(q="火箭发射场")) == []
    # The document number is searchable too.
    assert titles(selectors.policy_search(q="杭科高〔2025〕8号"))[0] == "高新技术企业认定奖励"


def test_filters(demo_city):
    """Region, industry (code or section), topic, size and open now narrow the list."""
    software = titles(selectors.policy_search(industry="6511"))
    assert "软件和信息服务业发展扶持" in software
    assert "首台（套）装备认定奖励" not in software
    assert "首台（套）装备认定奖励" in titles(selectors.policy_search(industry="C"))
    assert "生物医药产业研发投入资助" in titles(selectors.policy_search(industry="2720"))
    talent = titles(selectors.policy_search(topic="talent"))
    assert "高层次人才引进奖励" in talent and "小微企业贷款贴息" not in talent
    micro = titles(selectors.policy_search(size="micro"))
    assert "科技型初创企业扶持资金" in micro and "省级专精特新中小企业奖励" not in micro
    open_now = titles(selectors.policy_search(open_now=True))
    assert "外贸企业出口信用保险补助" not in open_now
    assert "外贸企业出口信用保险补助" in titles(selectors.policy_search())
    assert "研发费用税前加计扣除" in titles(selectors.policy_search(region="330106"))
    assert titles(selectors.policy_search(region="320100")) == titles(
        selectors.policy_search(region="100000")
    )  # another province sees national policies only
    assert "人工智能产业发展若干措施（征求意见）" not in titles(selectors.policy_search())


def test_search_page_and_public_api(demo_city, client, django_assert_max_num_queries):
    """Anyone can search; the page's query count does not grow with results."""
    with django_assert_max_num_queries(6):
        page = client.get(reverse("policies:search"), {"q": "研发补贴", "open_now": "on"})
    assert page.status_code == 200
    assert "杭州市企业研发费用补助" in page.content.decode()
    response = client.get("/api/v1/policies/", {"q": "研发补贴"})
    assert response.status_code == 200
    data = response.json()
    assert data["results"][0]["title"] == "杭州市企业研发费用补助"
    assert data["results"][0]["benefit"]["kind"] == "share"
    response = client.get("/api/v1/policies/", {"topic": "employment", "size": "micro"})
    assert {r["title"] for r in response.json()["results"]} >= {"一次性扩岗补助"}
    detail = client.get(f"/api/v1/policies/{data['results'][0]['id']}").json()
    assert "full_text" in detail
