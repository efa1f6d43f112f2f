from django.urls import path

from ledger.api import views

urlpatterns = [
    path("entries", views.LedgerEntriesApi.as_view(), name="ledger-entries"),
    path("proofs/inclusion", views.InclusionProofApi.as_view(), name="ledger-inclusion"),
    path("proofs/consistency", views.ConsistencyProofApi.as_view(), name="ledger-consistency"),
]
