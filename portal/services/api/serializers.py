from rest_framework import serializers

from portal.services.constants import STAFF_ACTIONS
from portal.services.models import Application, ApplicationEvent, Material


class ApplicationListOutputSerializer(serializers.ModelSerializer[Application]):
    service = serializers.CharField(source="service.code")
    firm_uscc = serializers.CharField(source="firm.uscc", default=None)

    class Meta:
        model = Application
        fields = ["number", "service", "status", "firm_uscc", "submitted_at", "due_date"]


class EventOutputSerializer(serializers.ModelSerializer[ApplicationEvent]):
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = ApplicationEvent
        fields = ["at", "action", "from_status", "to_status", "actor", "reason"]


class MaterialOutputSerializer(serializers.ModelSerializer[Material]):
    exchange_department = serializers.CharField(source="exchange_department.code", default=None)

    class Meta:
        model = Material
        fields = [
            "id",
            "requirement_code",
            "source",
            "content_type",
            "size",
            "sha256",
            "exchange_dataset",
            "exchange_department",
            "exchange_data",
        ]


class ApplicationDetailOutputSerializer(ApplicationListOutputSerializer):
    events = EventOutputSerializer(many=True)
    materials = MaterialOutputSerializer(many=True)

    class Meta(ApplicationListOutputSerializer.Meta):
        fields = [
            *ApplicationListOutputSerializer.Meta.fields,
            "data",
            "accepted_at",
            "decided_at",
            "events",
            "materials",
        ]


class TransitionInputSerializer(serializers.Serializer[dict[str, str]]):
    action = serializers.ChoiceField(choices=[a.value for a in STAFF_ACTIONS])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
