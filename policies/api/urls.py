from django.urls import URLPattern, URLResolver, path

from policies.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.PolicyListApi.as_view(), name="policies-search"),
    path("drafts", views.PolicyCreateApi.as_view(), name="policies-create"),
    path("import", views.PolicyImportApi.as_view(), name="policies-import"),
    path("rules/validate", views.RuleValidateApi.as_view(), name="policies-rule-validate"),
    path("<int:policy_id>", views.PolicyDetailApi.as_view(), name="policies-detail"),
    path("<int:policy_id>/amend", views.PolicyAmendApi.as_view(), name="policies-amend"),
    path("<int:policy_id>/publish", views.PolicyPublishApi.as_view(), name="policies-publish"),
    path("<int:policy_id>/withdraw", views.PolicyWithdrawApi.as_view(), name="policies-withdraw"),
    path("<int:policy_id>/runs", views.PolicyRunListApi.as_view(), name="policies-runs"),
]
