from typing import Any

from rest_framework import serializers

from portal.exchange.constants import PurposeKind
from portal.exchange.models import Access, Dataset, SharingGrant


class DatasetOutputSerializer(serializers.ModelSerializer[Dataset]):
    owner = serializers.CharField(source="owner.code")

    class Meta:
        model = Dataset
        fields = ["code", "name", "name_en", "owner", "subject_kind", "sharing_class", "fields"]


def _with_fields(
    base: dict[str, serializers.Field[Any, Any, Any, Any]],
    **extra: serializers.Field[Any, Any, Any, Any],
) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    """Add fields whose names ("fields", "data") clash with Serializer attributes."""
    base.update(extra)
    return base


class ReadInputSerializer(serializers.Serializer[dict[str, Any]]):
    dataset = serializers.CharField(max_length=64)
    subject = serializers.CharField(
        max_length=18, help_text="Resident identity number or unified social credit code"
    )
    purpose = serializers.CharField(max_length=300)
    purpose_en = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="The purpose in English, shown to the person on English pages; only "
        "`purpose` is committed to the ledger",
    )
    application = serializers.CharField(max_length=64, required=False, allow_blank=True)
    purpose_kind = serializers.ChoiceField(
        choices=PurposeKind.choices,
        default=PurposeKind.ORDINARY,
        help_text="covert_investigation: a sealed read (needs legal_order and unseal_by, and a "
        "system allowed to read sealed)",
    )
    legal_order = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Sealed reads only"
    )
    unseal_by = serializers.DateField(
        required=False, help_text="Sealed reads only: when the person is shown the read"
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return _with_fields(
            super().get_fields(),
            fields=serializers.ListField(
                child=serializers.CharField(max_length=64), required=False
            ),
        )


class ReadOutputSerializer(serializers.Serializer[dict[str, Any]]):
    outcome = serializers.CharField()
    reason = serializers.CharField()
    access_id = serializers.UUIDField()
    ledger_event_id = serializers.UUIDField()
    sealed_until = serializers.DateField(allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return _with_fields(
            super().get_fields(),
            fields=serializers.ListField(child=serializers.CharField()),
            data=serializers.DictField(allow_null=True),
        )


class RecordInputSerializer(serializers.Serializer[dict[str, Any]]):
    subject = serializers.CharField(max_length=18)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return _with_fields(super().get_fields(), data=serializers.DictField())


class RecordsBulkInputSerializer(serializers.Serializer[dict[str, Any]]):
    rows = serializers.ListField(child=serializers.DictField(), max_length=5000, min_length=1)


class GrantRequestInputSerializer(serializers.Serializer[dict[str, Any]]):
    dataset = serializers.CharField(max_length=64)
    purpose = serializers.CharField(max_length=300)
    legal_basis = serializers.CharField(max_length=300)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return _with_fields(
            super().get_fields(),
            fields=serializers.ListField(child=serializers.CharField(max_length=64), min_length=1),
        )


class GrantDecisionInputSerializer(serializers.Serializer[dict[str, Any]]):
    approve = serializers.BooleanField()
    valid_until = serializers.DateField(required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return _with_fields(
            super().get_fields(),
            fields=serializers.ListField(
                child=serializers.CharField(max_length=64), required=False
            ),
        )


class GrantOutputSerializer(serializers.ModelSerializer[SharingGrant]):
    dataset = serializers.CharField(source="dataset.code")
    requester = serializers.CharField(source="requester.code")

    class Meta:
        model = SharingGrant
        fields = [
            "id",
            "dataset",
            "requester",
            "requested_fields",
            "granted_fields",
            "purpose",
            "legal_basis",
            "valid_from",
            "valid_until",
            "status",
            "decision_note",
            "created_at",
        ]


class AccessOutputSerializer(serializers.ModelSerializer[Access]):
    dataset = serializers.CharField(source="dataset.code")
    reader_department = serializers.CharField(source="reader_department.code")

    class Meta:
        model = Access
        fields = [
            "id",
            "at",
            "dataset",
            "reader_department",
            "fields",
            "purpose",
            "purpose_en",
            "application_number",
            "outcome",
            "reason",
            "ledger_event_id",
            "sealed_until",
            "unsealed_at",
        ]
