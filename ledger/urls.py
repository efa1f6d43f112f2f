from django.urls import path

from ledger import views

app_name = "ledger"

urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("keys", views.keys, name="keys"),
    path("verifier-policy.js", views.verifier_policy, name="verifier_policy"),
]
