import base64

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ledger.constants import MAX_ENTRIES_PAGE
from ledger.models import Entry
from ledger.selectors import ConsistencyProof, InclusionProof


class EntriesQuerySerializer(serializers.Serializer[dict[str, int]]):
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)

    def validate(self, attrs: dict[str, int]) -> dict[str, int]:
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": "end must be greater than start."})
        if attrs["end"] - attrs["start"] > MAX_ENTRIES_PAGE:
            raise serializers.ValidationError(
                {"end": f"At most {MAX_ENTRIES_PAGE} entries per request."}
            )
        return attrs


class EntryOutputSerializer(serializers.Serializer[Entry]):
    index = serializers.IntegerField()
    entry = serializers.SerializerMethodField(help_text="Canonical entry bytes, base64")
    leaf_hash = serializers.SerializerMethodField(help_text="RFC 6962 leaf hash, hex")
    signatures = serializers.SerializerMethodField()

    def get_entry(self, obj: Entry) -> str:
        return base64.b64encode(bytes(obj.data)).decode()

    def get_leaf_hash(self, obj: Entry) -> str:
        return bytes(obj.leaf_hash).hex()

    def get_signatures(self, obj: Entry) -> list[dict[str, str]]:
        return [{"key": obj.key_id, "signature": base64.b64encode(bytes(obj.signature)).decode()}]


class EntriesOutputSerializer(serializers.Serializer[dict[str, object]]):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    tree_size = serializers.IntegerField()
    entries = EntryOutputSerializer(many=True)


class InclusionQuerySerializer(serializers.Serializer[dict[str, int]]):
    index = serializers.IntegerField(min_value=0)
    tree_size = serializers.IntegerField(min_value=1)


@extend_schema_field(OpenApiTypes.STR)
class HexField(serializers.Field):  # type: ignore[type-arg]
    """Bytes as lower-case hex (hashes in the RFC 6962 proofs)."""

    def to_representation(self, value: bytes) -> str:
        return value.hex()


class InclusionOutputSerializer(serializers.Serializer[InclusionProof]):
    index = serializers.IntegerField()
    tree_size = serializers.IntegerField()
    leaf_hash = HexField()
    root_hash = HexField()
    hashes = serializers.ListField(child=HexField())


class ConsistencyQuerySerializer(serializers.Serializer[dict[str, int]]):
    first = serializers.IntegerField(min_value=1)
    second = serializers.IntegerField(min_value=1)


class ConsistencyOutputSerializer(serializers.Serializer[ConsistencyProof]):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    first_root = HexField()
    second_root = HexField()
    hashes = serializers.ListField(child=HexField())
