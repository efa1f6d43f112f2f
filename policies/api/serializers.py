from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from policies.engine import codes
from policies.explain import benefit_text
from policies.models import Policy, PolicyRun


class PolicySearchInputSerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    region = serializers.CharField(required=False, allow_blank=True, max_length=6)
    industry = serializers.CharField(required=False, allow_blank=True, max_length=4)
    topic = serializers.CharField(required=False, allow_blank=True, max_length=24)
    size = serializers.CharField(required=False, allow_blank=True, max_length=8)
    open_now = serializers.BooleanField(required=False, default=False)

    def validate_region(self, value: str) -> str:
        """The same code list as the search page (``policies.engine.codes``)."""
        value = value.strip()
        if value and value not in codes.REGION_CODES:
            raise serializers.ValidationError(
                _("“%(code)s” is not a region in the list; choose one from the list.")
                % {"code": value}
            )
        return value

    def validate_industry(self, value: str) -> str:
        value = value.strip().upper()
        if value and not codes.is_industry_code(value):
            raise serializers.ValidationError(
                _(
                    "“%(code)s” is not a GB/T 4754 section or industry code; "
                    "choose one from the list."
                )
                % {"code": value}
            )
        return value


class BenefitSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.CharField(source="benefit_kind")
    amount = serializers.DecimalField(
        source="benefit_amount", max_digits=12, decimal_places=2, allow_null=True
    )
    rate = serializers.DecimalField(
        source="benefit_rate", max_digits=6, decimal_places=4, allow_null=True
    )
    base = serializers.CharField(source="benefit_base")
    cap = serializers.DecimalField(
        source="benefit_cap", max_digits=12, decimal_places=2, allow_null=True
    )
    note = serializers.CharField(source="benefit_note")
    note_en = serializers.CharField(source="benefit_note_en")
    text = serializers.SerializerMethodField(
        help_text="The benefit in words, in the request's language (for display)"
    )

    def get_text(self, policy: Policy) -> str:
        return benefit_text(policy)


class PolicyOutputSerializer(serializers.ModelSerializer[Policy]):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    open_now = serializers.BooleanField(source="is_open_now")
    benefit = BenefitSerializer(source="*")
    score = serializers.IntegerField(required=False, read_only=True, default=None)

    class Meta:
        model = Policy
        fields = [
            "id",
            "document_number",
            "title",
            "title_en",
            "department",
            "department_name",
            "region",
            "status",
            "version",
            "published_on",
            "valid_from",
            "valid_until",
            "window_opens",
            "window_closes",
            "open_now",
            "summary",
            "summary_en",
            "topics",
            "industries",
            "firm_sizes",
            "materials",
            "benefit",
            "eligibility",
            "grant_without_applying",
            "promised_days",
            "score",
        ]


class PolicyDetailOutputSerializer(PolicyOutputSerializer):
    class Meta(PolicyOutputSerializer.Meta):
        fields = [
            *PolicyOutputSerializer.Meta.fields,
            "full_text",
            "full_text_en",
            "service_code",
            "updated_at",
        ]


class PolicyInputSerializer(serializers.Serializer[dict[str, Any]]):
    """A policy record; the service validates it (every field is optional when amending)."""

    document_number = serializers.CharField(max_length=100, required=False)
    title = serializers.CharField(max_length=200, required=False)
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    region = serializers.CharField(max_length=12, required=False)
    published_on = serializers.DateField(required=False, allow_null=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    window_opens = serializers.DateField(required=False, allow_null=True)
    window_closes = serializers.DateField(required=False, allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    summary_en = serializers.CharField(required=False, allow_blank=True)
    full_text = serializers.CharField(required=False, allow_blank=True)
    full_text_en = serializers.CharField(required=False, allow_blank=True)
    topics = serializers.ListField(child=serializers.CharField(), required=False)
    industries = serializers.ListField(child=serializers.CharField(), required=False)
    firm_sizes = serializers.ListField(child=serializers.CharField(), required=False)
    materials = serializers.ListField(child=serializers.JSONField(), required=False)
    benefit_kind = serializers.CharField(required=False)
    benefit_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    benefit_rate = serializers.DecimalField(
        max_digits=6, decimal_places=4, required=False, allow_null=True
    )
    benefit_base = serializers.CharField(required=False, allow_blank=True)
    benefit_cap = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    benefit_note = serializers.CharField(required=False, allow_blank=True)
    benefit_note_en = serializers.CharField(required=False, allow_blank=True, max_length=300)
    eligibility = serializers.JSONField(required=False)
    grant_without_applying = serializers.BooleanField(required=False)
    promised_days = serializers.IntegerField(required=False)
    service_code = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class NoteInputSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(max_length=300)


class ImportInputSerializer(serializers.Serializer[dict[str, Any]]):
    rows = serializers.ListField(child=serializers.JSONField(), min_length=1, max_length=5000)
    publish = serializers.BooleanField(required=False, default=False)


class RejectedRowSerializer(serializers.Serializer[dict[str, Any]]):
    row = serializers.IntegerField()
    document_number = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "errors" clashes with a Serializer attribute; add the field here.
        fields = super().get_fields()
        fields["errors"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField())
        )
        return fields


class ImportOutputSerializer(serializers.Serializer[dict[str, Any]]):
    created = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())
    rejected = RejectedRowSerializer(many=True)


class RuleInputSerializer(serializers.Serializer[dict[str, Any]]):
    rule = serializers.JSONField()


class RuleOutputSerializer(serializers.Serializer[dict[str, Any]]):
    valid = serializers.BooleanField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["errors"] = serializers.ListField(child=serializers.CharField())
        return fields


class RunOutputSerializer(serializers.ModelSerializer[PolicyRun]):
    percent = serializers.IntegerField()

    class Meta:
        model = PolicyRun
        fields = [
            "id",
            "kind",
            "policy_version",
            "status",
            "total",
            "processed",
            "percent",
            "eligible",
            "unknown",
            "notified",
            "granted",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
