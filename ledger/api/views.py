"""Public, read-only ledger API: entries and proofs, for auditors and verifiers."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ledger import selectors
from ledger.api.serializers import (
    ConsistencyOutputSerializer,
    ConsistencyQuerySerializer,
    EntriesOutputSerializer,
    EntriesQuerySerializer,
    InclusionOutputSerializer,
    InclusionQuerySerializer,
)


class PublicLedgerApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    # Throttled by the project's default throttles (REST_FRAMEWORK in settings): everyone is
    # anonymous here, so the per-client-address one counts. The ledger names no portal class.


class LedgerEntriesApi(PublicLedgerApi):
    @extend_schema(parameters=[EntriesQuerySerializer], responses=EntriesOutputSerializer)
    def get(self, request: Request) -> Response:
        query = EntriesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        size = selectors.tree_size()
        if start >= size:
            raise serializers.ValidationError(
                {"start": [f"start must be below the tree size {size}."]}
            )
        end = min(end, size)
        rows = selectors.entry_list(start=start, end=end)
        data = {"start": start, "end": end, "tree_size": size, "entries": rows}
        return Response(EntriesOutputSerializer(data).data)


class InclusionProofApi(PublicLedgerApi):
    @extend_schema(parameters=[InclusionQuerySerializer], responses=InclusionOutputSerializer)
    def get(self, request: Request) -> Response:
        query = InclusionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            proof = selectors.inclusion_proof(
                index=query.validated_data["index"], size=query.validated_data["tree_size"]
            )
        except selectors.LedgerQueryError as exc:
            raise serializers.ValidationError({"detail": str(exc)}) from None
        return Response(InclusionOutputSerializer(proof).data)


class ConsistencyProofApi(PublicLedgerApi):
    @extend_schema(parameters=[ConsistencyQuerySerializer], responses=ConsistencyOutputSerializer)
    def get(self, request: Request) -> Response:
        query = ConsistencyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            proof = selectors.consistency_proof(
                first=query.validated_data["first"], second=query.validated_data["second"]
            )
        except selectors.LedgerQueryError as exc:
            raise serializers.ValidationError({"detail": str(exc)}) from None
        return Response(ConsistencyOutputSerializer(proof).data)
