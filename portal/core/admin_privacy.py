"""Exchange-derived data never shows in the Django admin, by any route.

What a department read through the exchange about a person or a firm is read in the back
office and on the subject's own pages, under the access rules and with a ledger entry. The
admin (the operator's superuser) sees neither the values nor an oracle for them: the fields
are left out of forms, read-only fields, lists, search, and filters in the query string.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

# "app_label.model_name" → fields holding data read through the exchange (or quoting it).
EXCHANGE_DERIVED_FIELDS: dict[str, frozenset[str]] = {
    "policies.firmprofile": frozenset({"values", "missing", "sources"}),
    "policies.benefitaward": frozenset({"reasons"}),
    "services.material": frozenset({"exchange_data"}),
    # The form data is prefilled from exchange reads (the firm's figures, licences …).
    "services.application": frozenset({"data"}),
}


def derived_fields_of(model: type[Model]) -> frozenset[str]:
    return EXCHANGE_DERIVED_FIELDS.get(model._meta.label_lower, frozenset())


def _without(names: Sequence[Any], hidden: frozenset[str]) -> list[Any]:
    return [
        n for n in names if not (isinstance(n, str) and n.lstrip("^=@").split("__")[0] in hidden)
    ]


class ExchangeDataHiddenAdmin(admin.ModelAdmin[Any]):
    """A ModelAdmin whose model's exchange-derived fields are hidden everywhere."""

    @property
    def _hidden(self) -> frozenset[str]:
        return derived_fields_of(self.model)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return sorted(set(super().get_exclude(request, obj) or ()) | self._hidden)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return _without(super().get_fields(request, obj), self._hidden)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return _without(super().get_readonly_fields(request, obj), self._hidden)

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        return _without(super().get_list_display(request), self._hidden)

    def get_search_fields(self, request: HttpRequest) -> list[Any]:
        return _without(super().get_search_fields(request), self._hidden)

    def lookup_allowed(  # type: ignore[override]  # the stubs' deprecated None overload
        self, lookup: str, value: str, request: HttpRequest
    ) -> bool:
        # Django allows any filter on a local field in the query string: not on these.
        if lookup.split("__")[0] in self._hidden:
            return False
        return super().lookup_allowed(lookup, value, request)


__all__ = ["EXCHANGE_DERIVED_FIELDS", "ExchangeDataHiddenAdmin", "derived_fields_of"]
