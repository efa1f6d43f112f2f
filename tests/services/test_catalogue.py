"""The catalogue: browse by department, topic and life event; search in Chinese and English."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.composition.demo.accounts import seed_accounts
from portal.composition.demo.exchange import seed_exchange
from portal.composition.demo.services import POLICY_PAYMENT_SERVICE_CODE, seed
from portal.services.constants import ThemeKind
from portal.services.models import ServiceItem
from portal.services.selectors import service_list, service_list_for_firms
from portal.services.services import theme_upsert
from tests.factories import Office, make_service

pytestmark = pytest.mark.django_db


def test_search_in_chinese_and_english_and_by_keyword(office: Office) -> None:
    make_service(office.department, code="a-birth", name="生育登记", name_en="Birth registration")
    make_service(
        office.department,
        code="b-shop",
        name="个体工商户注册登记",
        name_en="Individual business registration",
        keywords="开店 shop",
    )
    assert [s.code for s in service_list(query="生育")] == ["a-birth"]
    assert [s.code for s in service_list(query="BIRTH")] == ["a-birth"]
    assert [s.code for s in service_list(query="registration")] == ["a-birth", "b-shop"]
    assert [s.code for s in service_list(query="开店")] == ["b-shop"]
    assert [s.code for s in service_list(query="individual registration")] == ["b-shop"]
    assert list(service_list(query="没有这个")) == []


def test_browse_by_theme_department_and_kind(office: Office, client: Client) -> None:
    theme_upsert(code="having-a-baby", kind=ThemeKind.LIFE_EVENT, name="生育")
    baby = make_service(office.department, code="a-baby", name="出生证")
    baby.themes.add(theme_upsert(code="having-a-baby", kind=ThemeKind.LIFE_EVENT, name="生育"))
    make_service(office.department, code="b-firm", for_citizens=False, for_firms=True)
    assert [s.code for s in service_list(theme_code="having-a-baby")] == ["a-baby"]
    assert [s.code for s in service_list(applicant_kind="firm")] == ["b-firm"]
    response = client.get(reverse("services:catalogue"), {"theme": "having-a-baby"})
    assert response.status_code == 200
    assert "出生证" in response.content.decode()
    response = client.get(reverse("services:catalogue"), {"department": office.department.code})
    assert response.content.decode().count("/services/") >= 2


def test_the_catalogue_page_queries_do_not_grow_with_the_results(
    client: Client, office: Office, django_assert_max_num_queries
) -> None:
    for n in range(25):
        make_service(office.department, code=f"svc-{n:02d}", name=f"事项{n}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("services:catalogue"), {"q": "事项"})
    assert response.status_code == 200


def test_the_guide_page_shows_the_guide_and_the_data_source(client: Client, office) -> None:
    service = make_service(office.department)
    response = client.get(reverse("services:service_detail", args=[service.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert service.name in html and "证明材料" in html


def test_demo_seed_has_twenty_services_and_a_firm_subsidy_service() -> None:
    """The services demo loads at least twenty services across departments, idempotently."""
    seed_accounts()
    seed_exchange()
    assert seed() >= 20
    assert seed() >= 20
    assert ServiceItem.objects.count() >= 20
    assert ServiceItem.objects.values("department").distinct().count() >= 8
    subsidy = ServiceItem.objects.get(code=POLICY_PAYMENT_SERVICE_CODE)
    assert subsidy.for_firms and subsidy.department.code == "jxj"
    assert subsidy in service_list_for_firms()
